// The cost of authentication on ingest: the same corpus through fresh collectors with
// authentication on (an ingest token bound to the corpus's service names, so the per-span
// binding check runs too) and off (CAUSEWAY_AUTH=off), alternating off/on per round so load
// on a shared machine falls on both. The ratio on/off of durable spans/s is the figure.
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { type IngestResult, benchIngest } from './ingest.ts';

export interface AuthBench {
  spans: number;
  rounds: number;
  on: IngestResult[];
  off: IngestResult[];
  /** median durable spans/s with auth ÷ without */
  durableRatio: number;
  ackRatio: number;
}

export async function benchAuth(batches: ReadableSpan[][], services: string[], concurrency: number, rounds: number, workDir: string, log: (s: string) => void): Promise<AuthBench> {
  const on: IngestResult[] = [];
  const off: IngestResult[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['off', 'on'] as const) {
      const cw = await startCollector({ dataDir: join(workDir, `auth-${mode}-${r}`), env: { CAUSEWAY_AUTH: mode } });
      try {
        const headers: Record<string, string> = mode === 'on' ? { authorization: `Bearer ${cw.createToken({ tenant: 'default', role: 'ingest', name: 'bench', services })}` } : {};
        const res = await benchIngest(cw, batches, concurrency, () => {}, headers);
        (mode === 'on' ? on : off).push(res);
        log(`  round ${r + 1} auth ${mode}: ${Math.round(res.durableSpansPerSec)} spans/s durable, ${Math.round(res.ackSpansPerSec)} acknowledged`);
      } finally {
        await cw.stop();
      }
    }
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    spans: batches.reduce((n, b) => n + b.length, 0),
    rounds,
    on,
    off,
    durableRatio: med(on.map((x) => x.durableSpansPerSec)) / med(off.map((x) => x.durableSpansPerSec)),
    ackRatio: med(on.map((x) => x.ackSpansPerSec)) / med(off.map((x) => x.ackSpansPerSec)),
  };
}

export function printAuth(a: AuthBench): string[] {
  const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [
    '',
    `== 8. The cost of authentication on ingest: ${a.spans} spans, ${a.rounds} round(s) each, alternating off/on, fresh collector each run ==`,
    `  auth off (CAUSEWAY_AUTH=off):              durable ${Math.round(med(a.off.map((x) => x.durableSpansPerSec)))} spans/s, acknowledged ${Math.round(med(a.off.map((x) => x.ackSpansPerSec)))} spans/s (median)`,
    `  auth on (bearer ingest token, bound to the corpus's ${'service.name'}s): durable ${Math.round(med(a.on.map((x) => x.durableSpansPerSec)))} spans/s, acknowledged ${Math.round(med(a.on.map((x) => x.ackSpansPerSec)))} spans/s`,
    `  ratio on/off: durable ${a.durableRatio.toFixed(2)}, acknowledged ${a.ackRatio.toFixed(2)}  (1.00 = free; every row also carries its credential id and name)`,
  ];
}
