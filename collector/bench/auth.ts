// The cost of authentication on ingest: the same corpus through fresh collectors with
// authentication on (an ingest token bound to the corpus's service names, so the per-span
// binding check runs too) and off (CAUSEWAY_AUTH=off), alternating which goes first per round so
// load on a shared machine falls on both. The ratio on/off of durable spans/s is the figure; the
// one-thread CPU-time measure of the request path beside it does not depend on the machine's load.
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { CredentialStore } from '../src/auth/credential-store.ts';
import { ingestAuthenticator } from '../src/auth/ingest-auth.ts';
import { rowsPayload } from '../src/format/row-line.ts';
import { admitSpans } from '../src/receivers/admit.ts';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { type IngestResult, benchIngest } from './ingest.ts';

export interface AuthCpu {
  requests: number;
  spans: number;
  /** per request of the corpus, one thread, median of rounds */
  decodeUs: number;
  authUs: number;
  admitUs: number;
  payloadUs: number;
  payloadStampedUs: number;
  /** (decode + canonical lines) with auth ÷ without: the part of the ingest path auth adds to */
  ratio: number;
}

/**
 * The cost on the request path in one thread, free of a shared machine's scheduling: per
 * request, authenticate the bearer token (hash + lookup), check the binding and the clock, stamp
 * the credential, and the longer canonical lines; against decoding and serializing the same rows.
 */
export function authCpu(batches: ReadableSpan[][], services: string[], rounds = 7): AuthCpu {
  const payloads = batches.map((b) => Buffer.from(ProtobufTraceSerializer.serializeRequest(b)!));
  const store = CredentialStore.open(tempDataDir('causeway-bench-authcpu-'));
  const { token } = store.create({ tenant: 'default', role: 'ingest', name: 'bench', services, by: 'bench' });
  const authenticate = ingestAuthenticator(store);
  const header = `Bearer ${token}`;
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // CPU time of this process (process.cpuUsage), not wall time: on a shared machine the
  // scheduler would decide the figure. Each stage is timed over the whole corpus per round.
  const cpu = (f: () => void): number => {
    const a = process.cpuUsage();
    f();
    const b = process.cpuUsage(a);
    return b.user + b.system;
  };
  const t = { decode: [] as number[], auth: [] as number[], admit: [] as number[], payload: [] as number[], stamped: [] as number[] };
  const per = (us: number): number => us / payloads.length;
  for (let r = 0; r < rounds; r++) {
    const decoded: ReturnType<typeof decodeTracesProto>['rows'][] = [];
    t.decode.push(per(cpu(() => payloads.forEach((p) => decoded.push(decodeTracesProto(p, 'default').rows)))));
    t.payload.push(per(cpu(() => decoded.forEach((rows) => rowsPayload(rows)))));
    const principals: Extract<ReturnType<typeof authenticate>, { ok: true }>['principal'][] = [];
    t.auth.push(
      per(
        cpu(() =>
          payloads.forEach(() => {
            const who = authenticate(header);
            if (!who.ok) throw new Error(who.message);
            principals.push(who.principal);
          }),
        ),
      ),
    );
    const admitted: ReturnType<typeof admitSpans>['rows'][] = [];
    t.admit.push(per(cpu(() => decoded.forEach((rows, i) => admitted.push(admitSpans(principals[i]!, rows, 900_000).rows)))));
    t.stamped.push(per(cpu(() => admitted.forEach((rows) => rowsPayload(rows)))));
  }
  const x = { decodeUs: med(t.decode), authUs: med(t.auth), admitUs: med(t.admit), payloadUs: med(t.payload), payloadStampedUs: med(t.stamped) };
  return { requests: payloads.length, spans: batches.reduce((n, b) => n + b.length, 0), ...x, ratio: (x.decodeUs + x.payloadUs) / (x.decodeUs + x.authUs + x.admitUs + x.payloadStampedUs) };
}

export interface AuthBench {
  cpu: AuthCpu;
  spans: number;
  rounds: number;
  on: IngestResult[];
  off: IngestResult[];
  /** median durable spans/s with auth ÷ without */
  durableRatio: number;
  ackRatio: number;
}

export async function benchAuth(batches: ReadableSpan[][], services: string[], concurrency: number, rounds: number, workDir: string, log: (s: string) => void): Promise<AuthBench> {
  const cpu = authCpu(batches, services);
  log(`  one thread, per request of ${Math.round(cpu.spans / cpu.requests)} spans: authenticate ${cpu.authUs.toFixed(1)} µs, binding + clock + stamp ${cpu.admitUs.toFixed(1)} µs; decode ${Math.round(cpu.decodeUs)} µs`);
  const on: IngestResult[] = [];
  const off: IngestResult[] = [];
  for (let r = 0; r < rounds; r++) {
    // off first in even rounds, on first in odd ones: whatever drifts on a shared machine falls on both
    for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const cw = await startCollector({ dataDir: join(workDir, `auth-${mode}-${r}`), env: { CAUSEWAY_AUTH: mode } });
      try {
        const headers: Record<string, string> = mode === 'on' ? { authorization: `Bearer ${cw.createToken({ tenant: 'default', role: 'ingest', name: 'bench', services })}` } : {};
        const res = await benchIngest(cw, batches, concurrency, () => {}, 'http', headers);
        (mode === 'on' ? on : off).push(res);
        log(`  round ${r + 1} auth ${mode}: ${Math.round(res.durableSpansPerSec)} spans/s durable, ${Math.round(res.ackSpansPerSec)} acknowledged`);
      } finally {
        await cw.stop();
      }
    }
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    cpu,
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
  const c = a.cpu;
  return [
    '',
    `== 8a. Authentication on the request path, one thread, CPU time (median of 7 rounds over ${c.requests} requests of ~${Math.round(c.spans / c.requests)} spans) ==`,
    `  per request: authenticate the bearer token ${c.authUs.toFixed(1)} µs; binding (service.name), clock, credential stamp ${c.admitUs.toFixed(1)} µs;`,
    `  canonical lines ${Math.round(c.payloadUs)} → ${Math.round(c.payloadStampedUs)} µs with the credential in every row; decoding the request ${Math.round(c.decodeUs)} µs`,
    `  ratio (decode + lines) without auth ÷ with: ${c.ratio.toFixed(3)}  (redaction, provenance and the store come on top of both, unchanged)`,
    `== 8b. The cost of authentication on ingest, end to end: ${a.spans} spans, ${a.rounds} round(s) each, alternating which runs first, fresh collector each run ==`,
    `  auth off (CAUSEWAY_AUTH=off):              durable ${Math.round(med(a.off.map((x) => x.durableSpansPerSec)))} spans/s, acknowledged ${Math.round(med(a.off.map((x) => x.ackSpansPerSec)))} spans/s (median)`,
    `  auth on (bearer ingest token, bound to the corpus's ${'service.name'}s): durable ${Math.round(med(a.on.map((x) => x.durableSpansPerSec)))} spans/s, acknowledged ${Math.round(med(a.on.map((x) => x.ackSpansPerSec)))} spans/s`,
    `  ratio on/off: durable ${a.durableRatio.toFixed(2)}, acknowledged ${a.ackRatio.toFixed(2)}  (1.00 = free; every row also carries its credential id and name)`,
  ];
}
