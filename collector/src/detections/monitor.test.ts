import { expect, it } from 'vitest';
import type { IngestBatch } from '../consumer.ts';
import { DetectionMonitor } from './monitor.ts';

const batchOf = (...traces: string[]): IngestBatch => ({ spans: traces.map((trace_id) => ({ tenant: 'default', trace_id })), logs: [] }) as unknown as IngestBatch;

it('stops within its grace while a trace takes forever, and names the detect --since that catches the rest up', async () => {
  const logs: string[] = [];
  const started: string[] = [];
  const m = new DetectionMonitor({
    evaluate: (_tenant, trace) => {
      started.push(trace);
      return new Promise(() => {}); // a slice that never ends
    },
    record: async (_t, f) => f,
    progress: () => ({ inserted: 10, pending: 0 }),
    quietMs: 0,
    log: (l) => logs.push(l),
  });
  m.committed(batchOf('t1', 't2', 't3'));
  void m.tick();
  await m.stop(200);
  expect(started).toEqual(['t1']); // nothing started after the grace
  expect(logs.at(-1)).toMatch(/^detections: stopped before evaluating 3 trace\(s\); catch up with: causeway detect --since \d{4}-\d\d-\d\dT/);
});

it('evaluates what is due at stop when there is time', async () => {
  const evaluated: string[] = [];
  const m = new DetectionMonitor({
    evaluate: async (_tenant, trace) => {
      evaluated.push(trace);
      return [];
    },
    record: async (_t, f) => f,
    progress: () => ({ inserted: 0, pending: 5 }),
    quietMs: 60_000, // not quiet yet: only stop() evaluates them
    log: () => {},
  });
  m.committed(batchOf('a', 'b'));
  await m.stop();
  expect(evaluated).toEqual(['a', 'b']);
  expect(m.stats.evaluatedTraces).toBe(2);
});
