// Bench section 9 (`npm run bench -- --only detections`): the cost of evaluating the detection
// rules, in one thread, against the ingest it follows. The generated agent traces (agent-traces.ts)
// go through the collector's pipeline (decode, provenance, redaction) into the in-memory
// provenance store; then every trace is evaluated as the monitor would once it is quiet.
// Reported: ingest alone (detection off, the ceiling), ingest + evaluation (detection on), the
// ratio, and findings per rule. Both sides read and write the test's in-memory provenance store,
// whose own sorting dominates the profile; on ClickHouse every high-impact call costs a backward
// slice read (p50 ~0.4 s on a 1M-span store, section 7), which this does not measure.
import { performance } from 'node:perf_hooks';
import { Evaluator } from '../src/detections/evaluate.ts';
import { defaultPolicy } from '../src/detections/policy.ts';
import { DEFAULT_TRUST_RULES } from '../src/provenance/trust.ts';
import { MEMORY_TENANT, MemoryIngest } from '../../testkit/memory-provenance.ts';
import { AgentTraceGenerator } from './agent-traces.ts';

export interface DetectionBench {
  spans: number;
  traces: number;
  ingestSeconds: number;
  evaluateSeconds: number;
  perRule: Record<string, number>;
  highImpactCalls: number;
}

export async function benchDetections(spans: number): Promise<DetectionBench> {
  const gen = new AgentTraceGenerator({ spans, seed: 9 });
  const bodies: Buffer[] = [];
  let n = 0;
  for (let r = gen.next(); r; r = gen.next()) {
    bodies.push(r.body);
    n += r.spans;
  }
  const ingest = new MemoryIngest();
  const t0 = performance.now();
  for (const b of bodies) await ingest.post('/v1/traces', b);
  const ingestSeconds = (performance.now() - t0) / 1000;
  const ev = new Evaluator(ingest.store, MEMORY_TENANT, defaultPolicy(), DEFAULT_TRUST_RULES);
  const perRule: Record<string, number> = {};
  const t1 = performance.now();
  for (const t of gen.traces) for (const f of await ev.evaluate(t.traceId)) perRule[f.ruleId] = (perRule[f.ruleId] ?? 0) + 1;
  const evaluateSeconds = (performance.now() - t1) / 1000;
  let highImpactCalls = 0;
  for (const t of gen.traces) highImpactCalls += ingest.store.activitiesOf(t.traceId).filter((a) => a.kind === 'tool' && /send|create|delete|post/.test(a.tool_name)).length;
  return { spans: n, traces: gen.traces.length, ingestSeconds, evaluateSeconds, perRule, highImpactCalls };
}

export function printDetections(b: DetectionBench): string {
  const off = b.spans / b.ingestSeconds;
  const on = b.spans / (b.ingestSeconds + b.evaluateSeconds);
  return [
    `9. Detections (one thread, the in-memory test store, not ClickHouse; ${b.spans} spans in ${b.traces} generated agent traces, ${b.highImpactCalls} high-impact calls):`,
    `   ingest, detection off (ceiling): ${off.toFixed(0)} spans/s`,
    `   ingest + evaluation, detection on: ${on.toFixed(0)} spans/s = ${(on / off).toFixed(2)} of the ceiling (evaluation ${((b.evaluateSeconds * 1000) / b.traces).toFixed(2)} ms per trace)`,
    `   findings per rule (default policy, no registry): ${Object.entries(b.perRule).map(([r, c]) => `${r} ${c}`).join(', ') || 'none'}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spans = Number(process.env.BENCH_DETECT_SPANS ?? 12_000);
  process.stdout.write(`${printDetections(await benchDetections(spans))}\n`);
}
