// R7 over an in-memory store fed through the real pipeline: bursts across traces are one finding
// whichever trace is evaluated, a burst continuing a stored finding is that finding, and without
// the cross-trace reads the rule still sees a burst inside one trace.
import type { Finding } from '@causeway/schemas';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { memoryAgentActions } from '../../../../fixtures/detections/measure.ts';
import { emitRun, type RunSpec } from '../../../../fixtures/detections/emit.ts';
import { POLICY } from '../../../../fixtures/detections/stories.ts';
import { MEMORY_TENANT, MemoryIngest } from '../../../../testkit/memory-provenance.ts';
import { shuffle } from '../../../../testkit/sdk-spans.ts';
import { DEFAULT_TRUST_RULES } from '../../provenance/trust.ts';
import type { AgentActionReader } from '../baseline.ts';
import { Evaluator } from '../evaluate.ts';
import { parsePolicy } from '../policy.ts';
import { bursts } from './r7-mass-action.ts';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const S = 1_000_000_000n;

const deletion = (id: string, startMs: number, steps = 1): RunSpec => ({
  agent: 'ops-bot',
  service: 'infra',
  system: 'You are an operations assistant.',
  user: `Process cleanup ticket for ${id}.`,
  steps: Array.from({ length: steps }, (_, i) => ({ tool: 'delete_record', args: { id: steps > 1 ? `${id}-${i}` : id, env: 'production' }, result: { ok: true } })),
  startMs,
});

async function ingest(runs: RunSpec[]): Promise<{ m: MemoryIngest; traces: string[] }> {
  const m = new MemoryIngest();
  const traces: string[] = [];
  for (const r of runs) {
    const spans = emitRun(r);
    await m.post('/v1/traces', Buffer.from(JsonTraceSerializer.serializeRequest(spans)!));
    traces.push(spans[0]!.spanContext().traceId);
  }
  return { m, traces };
}

const r7 = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === 'R7');

describe('bursts', () => {
  const call = (s: number, resource: string) => ({ node: `n${s}/${resource}`, traceId: `t${s}`, startNs: BigInt(s) * S, resource, request: '' });

  it('chains qualifying windows apart by at most the window, splits wider gaps, and counts a resource once', () => {
    const calls = [call(0, 'a'), call(10, 'b'), call(20, 'c'), call(30, 'a'), call(40, 'b'), call(50, 'd'), call(60, 'e')];
    // 5 distinct in the first 60 s
    expect(bursts(calls, 300n * S, 5).map((b) => b.length)).toEqual([7]);
    expect(bursts(calls, 300n * S, 6)).toEqual([]);
    // a second run of five 200 s after the first ends: one burst; 400 s after: two
    const later = (gap: number) => ['p', 'q', 'r', 's', 't'].map((r, i) => call(60 + gap + i, r));
    expect(bursts([...calls, ...later(200)], 300n * S, 5).map((b) => b.length)).toEqual([12]);
    expect(bursts([...calls, ...later(400)], 300n * S, 5).map((b) => b.length)).toEqual([7, 5]);
  });
});

describe('R7 across traces', () => {
  const policy = parsePolicy(POLICY);

  it('raises the same finding, listing every call, whichever trace of the burst is evaluated', async () => {
    const { m, traces } = await ingest(Array.from({ length: 6 }, (_, i) => deletion(`cust-${i}`, T0 + i * 30_000)));
    const ev = new Evaluator(m.store, MEMORY_TENANT, policy, DEFAULT_TRUST_RULES, undefined, undefined, undefined, memoryAgentActions(m.store));
    const found = new Map<string, Finding>();
    for (const t of shuffle(traces, 7)) {
      const fs = r7(await ev.evaluate(t));
      expect(fs).toHaveLength(1);
      for (const f of fs) found.set(f.id, f);
    }
    expect(found.size).toBe(1);
    const [f] = [...found.values()];
    expect([...f!.traceIds].sort()).toEqual([...traces].sort());
    expect(f!.evidence.nodes).toHaveLength(6);
    expect(f!.evidence.detail).toEqual(expect.objectContaining({ distinctResources: 6, traces: 6, arguments: expect.arrayContaining(['delete_record({"env":"production","id":"cust-0"})']) }));
  });

  it('names a stored finding the burst continues by its id (a late trace moved its first call into the bucket before)', async () => {
    const { m, traces } = await ingest(Array.from({ length: 5 }, (_, i) => deletion(`cust-${i}`, T0 - 60_000 + i * 30_000)));
    const stored: AgentActionReader = {
      toolCalls: memoryAgentActions(m.store).toolCalls,
      async massActions(_t, agentKey, tool, fromNs, toNs) {
        const firstNs = BigInt(T0 + 30_000) * 1_000_000n; // raised before the earliest traces arrived
        return agentKey === 'infra/ops-bot' && tool === 'delete_record' && firstNs >= fromNs && firstNs < toNs ? [{ id: 'f'.repeat(32), firstNs, lastNs: firstNs + 60n * S }] : [];
      },
    };
    const ev = new Evaluator(m.store, MEMORY_TENANT, policy, DEFAULT_TRUST_RULES, undefined, undefined, undefined, stored);
    expect(r7(await ev.evaluate(traces[0]!)).map((f) => f.id)).toEqual(['f'.repeat(32)]);
    // the same burst with nothing stored: its own id
    const fresh = new Evaluator(m.store, MEMORY_TENANT, policy, DEFAULT_TRUST_RULES, undefined, undefined, undefined, memoryAgentActions(m.store));
    expect(r7(await fresh.evaluate(traces[0]!)).map((f) => f.id)).not.toEqual(['f'.repeat(32)]);
  });

  it('raises nothing below minResources, and without cross-trace reads still sees a burst inside one trace', async () => {
    const { m, traces } = await ingest([...Array.from({ length: 4 }, (_, i) => deletion(`cust-${i}`, T0 + i * 30_000)), deletion('bulk', T0 + 3_600_000, 5)]);
    const across = new Evaluator(m.store, MEMORY_TENANT, policy, DEFAULT_TRUST_RULES, undefined, undefined, undefined, memoryAgentActions(m.store));
    for (const t of traces.slice(0, 4)) expect(r7(await across.evaluate(t))).toEqual([]);
    const within = new Evaluator(m.store, MEMORY_TENANT, policy, DEFAULT_TRUST_RULES);
    const [f] = r7(await within.evaluate(traces[4]!));
    expect(f!.evidence.detail).toEqual(expect.objectContaining({ calls: 5, distinctResources: 5, traces: 1 }));
    expect(r7(await across.evaluate(traces[4]!)).map((x) => x.id)).toEqual([f!.id]);
  });
});
