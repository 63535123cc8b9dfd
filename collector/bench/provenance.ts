// Provenance figures for `npm run bench`. Nothing here asserts on time.
//
//   a. the provenance stage in one thread: decode → redact → span lines (the ingest path with
//      provenance off) against the same plus ProvenanceExtractor.fromSpans and the provenance
//      lines (on), interleaved rounds, median; the extractor alone; its winnowing share
//   b. end to end: the same pre-encoded OTLP/JSON requests posted to a collector process with
//      CAUSEWAY_PROVENANCE=off, then to one with it on (the default)
//   c. a store of ≥ 1M spans (a collector process, provenance on), then latencies of backward
//      slices from tool spans, forward slices from document artifacts, trace graphs and
//      trace-by-id reads over random seeds; store size read back in a separate process
//
// The workload is agent-traces.ts: GenAI agent runs of ~17 spans with growing chat history.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineMemory, HealthResponse, SliceArtifact, SliceResponse, SpanRow, TraceResponse } from '@causeway/schemas';
import { ProvenanceExtractor } from '../src/processors/provenance.ts';
import { redactSpans } from '../src/processors/redact.ts';
import { fingerprint } from '../src/provenance/fingerprint.ts';
import { textLeaves } from '../src/provenance/content.ts';
import { decodeTracesJson } from '../src/receivers/otlp/decode-json.ts';
import { createRedactor } from '../src/redaction/redactor.ts';
import { provPayload } from '../src/format/prov-lines.ts';
import { rowsPayload } from '../src/format/row-line.ts';
import type { CollectorProcess } from '@causeway/testkit/collector-process.ts';
import { authOf, startCollector } from '@causeway/testkit/collector-process.ts';
import { type AgentRequest, AgentTraceGenerator, type TraceInfo } from './agent-traces.ts';
import { median } from './decode.ts';
import { RssSampler } from './ingest.ts';
import { prng } from './genai-spans.ts';

type Log = (s: string) => void;

// ---------------------------------------------------------------------------------------------
// a. in one thread

export interface ExtractorBench {
  spans: number;
  requests: number;
  jsonBytes: number;
  /** decode → redact → span lines */
  offSpansPerSec: number;
  /** decode → extract → provenance lines → redact → span lines */
  onSpansPerSec: number;
  /** ProvenanceExtractor.fromSpans + provenance lines alone */
  extractorSpansPerSec: number;
  /** winnowing of the round's new artifacts again, from their stored content (an estimate of its share) */
  fingerprintSeconds: number;
  extractorSeconds: number;
  perSpan: { activities: number; relations: number; artifacts: number; fingerprints: number };
  relationsByKind: Record<string, number>;
  artifactsByKind: Record<string, number>;
  spanLineBytes: number;
  provLineBytes: number;
}

/** The same keys and redactor wiring as server.ts, with a fixed tenant key. */
function collectorParts(): { extractor: ProvenanceExtractor; redact: (rows: SpanRow[]) => SpanRow[]; provKey: Buffer } {
  const tenantKey = Buffer.alloc(32, 0x5a);
  const redactor = createRedactor({ key: tenantKey });
  const provKey = createHmac('sha256', tenantKey).update('causeway provenance v1').digest();
  const extractor = new ProvenanceExtractor(provKey, redactor);
  const redactRows = redactSpans(redactor);
  return { extractor, redact: (rows) => redactRows(rows) as SpanRow[], provKey };
}

export function benchExtractor(spans: number, rounds: number, log: Log): ExtractorBench {
  const gen = new AgentTraceGenerator({ spans, seed: 3 });
  const bodies: Buffer[] = [];
  for (let r = gen.next(); r; r = gen.next()) bodies.push(r.body);
  const jsonBytes = bodies.reduce((n, b) => n + b.length, 0);
  const off: number[] = [];
  const on: number[] = [];
  const ext: number[] = [];
  let last: Omit<ExtractorBench, 'spans' | 'requests' | 'jsonBytes' | 'offSpansPerSec' | 'onSpansPerSec' | 'extractorSpansPerSec' | 'extractorSeconds'> | undefined;
  for (let round = 0; round < rounds; round++) {
    // provenance off
    {
      const { redact } = collectorParts();
      const t0 = performance.now();
      for (const b of bodies) rowsPayload(redact(decodeTracesJson(b, 'default').rows));
      off.push((performance.now() - t0) / 1000);
    }
    // provenance on: as Pipeline.consume + SpanStore.append do it
    {
      const { extractor, redact, provKey } = collectorParts();
      let inExtractor = 0;
      const stats = { activities: 0, relations: 0, artifacts: 0, fingerprints: 0 };
      const relationsByKind: Record<string, number> = {};
      const artifactsByKind: Record<string, number> = {};
      const fpInputs: string[] = [];
      let spanLineBytes = 0;
      let provLineBytes = 0;
      const t0 = performance.now();
      for (const b of bodies) {
        const rows = decodeTracesJson(b, 'default').rows;
        const te = performance.now();
        const prov = extractor.fromSpans(rows);
        const lines = [provPayload('prov_activities', prov.activities), provPayload('prov_relations', prov.relations), provPayload('prov_artifacts', prov.artifacts)];
        inExtractor += performance.now() - te;
        spanLineBytes += rowsPayload(redact(rows)).length;
        extractor.stored(prov);
        for (const l of lines) provLineBytes += l.length;
        stats.activities += prov.activities.length;
        stats.relations += prov.relations.length;
        stats.artifacts += prov.artifacts.length;
        for (const r of prov.relations) relationsByKind[r.relation] = (relationsByKind[r.relation] ?? 0) + 1;
        for (const a of prov.artifacts) {
          artifactsByKind[a.kind] = (artifactsByKind[a.kind] ?? 0) + 1;
          stats.fingerprints += a.fingerprints.length;
          fpInputs.push(a.content);
        }
      }
      on.push((performance.now() - t0) / 1000);
      ext.push(inExtractor / 1000);
      const tf = performance.now();
      for (const c of fpInputs) fingerprint(provKey, textLeaves(c));
      const fingerprintSeconds = (performance.now() - tf) / 1000;
      const n = gen.spansMade;
      last = {
        fingerprintSeconds,
        perSpan: { activities: stats.activities / n, relations: stats.relations / n, artifacts: stats.artifacts / n, fingerprints: stats.fingerprints / n },
        relationsByKind,
        artifactsByKind,
        spanLineBytes,
        provLineBytes,
      };
    }
    log(`  round ${round + 1}/${rounds}: off ${off.at(-1)!.toFixed(2)} s, on ${on.at(-1)!.toFixed(2)} s (extractor ${ext.at(-1)!.toFixed(2)} s)`);
  }
  const n = gen.spansMade;
  return {
    spans: n,
    requests: bodies.length,
    jsonBytes,
    offSpansPerSec: n / median(off),
    onSpansPerSec: n / median(on),
    extractorSpansPerSec: n / median(ext),
    extractorSeconds: median(ext),
    ...last!,
  };
}

// ---------------------------------------------------------------------------------------------
// posting pre-encoded requests

export interface PostResult {
  spans: number;
  requests: number;
  bytes: number;
  /** 429 (write queue full) and other refusals retried */
  retried: number;
  /** requests re-sent after a connection error while the collector kept running */
  resent: number;
  ackSeconds: number;
  durableSeconds: number;
  insertedRows: number;
  idleRssMb: number;
  peakRssMb: number;
  peakPendingRows: number;
  /** embedded ClickHouse's memory when its tracker counted most during the run, and who held it */
  peakEngine?: EngineMemory;
}

/** /healthz as the local admin: the process's and the engine's memory come with it. */
async function health(cw: CollectorProcess): Promise<HealthResponse> {
  return (await (await fetch(`${cw.apiUrl}/healthz`, { headers: cw.adminHeaders })).json()) as HealthResponse;
}

/** POSTs every request from `source` with `concurrency` in flight; timed until all are in ClickHouse. */
export async function postAll(cw: CollectorProcess, source: () => AgentRequest | undefined, concurrency: number, log: Log, total?: number, already = 0): Promise<PostResult> {
  const pid = cw.child.pid!;
  const rss = new RssSampler(pid, 200);
  await new Promise((r) => setTimeout(r, 300));
  const idleKb = rss.lastKb;
  const before = (await health(cw)).store.insertedRows;
  let spans = 0;
  let requests = 0;
  let bytes = 0;
  let retried = 0;
  let resent = 0;
  let peakPendingRows = 0;
  let peakEngine: EngineMemory | undefined;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const h = await health(cw);
        peakPendingRows = Math.max(peakPendingRows, h.store.pendingRows);
        const e = h.memory?.engine;
        if (e && e.trackedMb > (peakEngine?.trackedMb ?? -1)) peakEngine = e;
      } catch {
        return; // the collector is gone: the posting loop reports why
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  /** Why a request failed: a collector that exited says how (and what it printed last). */
  const failure = async (e: Error): Promise<Error> => {
    const cause = (e as Error & { cause?: unknown }).cause;
    const why = `${e.message}${cause ? ` (${String((cause as Error).message ?? cause)})` : ''}`;
    for (let i = 0; i < 20 && cw.child.exitCode === null && cw.child.signalCode === null; i++) await new Promise((r) => setTimeout(r, 500));
    if (cw.child.exitCode === null && cw.child.signalCode === null) {
      return new Error(`${why}; the collector is still running, RSS ${Math.round(rss.lastKb / 1024)} MB, after ${spans} spans were acknowledged`);
    }
    return new Error(
      `${why}: collector process exited (code ${cw.child.exitCode}, signal ${cw.child.signalCode}) after ${spans} spans were acknowledged, ` +
        `RSS last seen ${Math.round(rss.lastKb / 1024)} MB; its last output:\n${cw.output().slice(-3000)}`,
    );
  };
  const t0 = performance.now();
  let lastLog = t0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let req = source(); req; req = source()) {
        for (let attempt = 1; ; attempt++) {
          let res: Response;
          let text: string;
          try {
            res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/json' }, body: req.body as unknown as BodyInit });
            text = await res.text();
          } catch (e) {
            // A connection reset while the collector runs on: re-send, as an exporter would
            // (repeats collapse at read by row_hash). A collector that is gone ends the run.
            const err = await failure(e as Error);
            if (cw.child.exitCode !== null || cw.child.signalCode !== null || attempt >= 5) throw err;
            resent++;
            log(`  re-sending a request: ${err.message}`);
            continue;
          }
          if (res.status === 200) break;
          if (attempt >= 100 || (res.status !== 429 && res.status !== 503)) throw new Error(`POST /v1/traces answered ${res.status}: ${text.slice(0, 300)}`);
          retried++;
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        }
        spans += req.spans;
        requests++;
        bytes += req.body.length;
        const now = performance.now();
        if (now - lastLog > 15_000) {
          lastLog = now;
          log(
            `  ${(already + spans).toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''} spans acknowledged (${((now - t0) / 1000).toFixed(0)} s; ` +
              `collector RSS ${Math.round(rss.lastKb / 1024)} MB)`,
          );
        }
      }
    }),
  );
  const tAck = performance.now();
  let h: HealthResponse;
  for (;;) {
    try {
      h = await health(cw);
    } catch (e) {
      const err = await failure(e as Error);
      if (cw.child.exitCode !== null || cw.child.signalCode !== null) throw err;
      continue;
    }
    peakPendingRows = Math.max(peakPendingRows, h.store.pendingRows);
    if (h.store.pendingRows === 0) break;
    if (performance.now() - tAck > 1_800_000) throw new Error(`collector still has ${h.store.pendingRows} rows pending after 30 min`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const tDurable = performance.now();
  rss.sample();
  rss.stop();
  polling = false;
  await poller;
  return {
    spans,
    requests,
    bytes,
    retried,
    resent,
    ackSeconds: (tAck - t0) / 1000,
    durableSeconds: (tDurable - t0) / 1000,
    insertedRows: h.store.insertedRows - before,
    idleRssMb: idleKb / 1024,
    peakRssMb: rss.peakKb / 1024,
    peakPendingRows,
    ...(peakEngine ? { peakEngine } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// b. end to end, provenance off vs on

export interface OnOffBench {
  off: PostResult;
  on: PostResult;
}

export async function benchOnOff(spans: number, concurrency: number, workDir: string, log: Log): Promise<OnOffBench> {
  const gen = new AgentTraceGenerator({ spans, seed: 5 });
  const reqs: AgentRequest[] = [];
  for (let r = gen.next(); r; r = gen.next()) reqs.push(r);
  const run = async (mode: 'on' | 'off'): Promise<PostResult> => {
    const cw = await startCollector({ dataDir: join(workDir, `onoff-${mode}`), env: { CAUSEWAY_PROVENANCE: mode } });
    try {
      let i = 0;
      const r = await postAll(cw, () => reqs[i++], concurrency, log);
      log(`  provenance ${mode}: ${r.spans} spans durable in ${r.durableSeconds.toFixed(1)} s (${r.insertedRows} rows)`);
      return r;
    } catch (e) {
      log(cw.output());
      throw e;
    } finally {
      await cw.stop();
    }
  };
  const off = await run('off');
  const on = await run('on');
  return { off, on };
}

// ---------------------------------------------------------------------------------------------
// c. the store

export interface Restart {
  atSpans: number;
  peakRssMb: number;
  stopSeconds: number;
  /** until the collector answers */
  startSeconds: number;
}

export function rssMbOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * A collector process as test/collector-process.ts starts one (same entry, env and output
 * parsing), allowed 15 minutes to start: on a large store its start-up rebuilds the ledger's
 * Merkle log from every stored leaf, which takes longer than the harness's 60 s.
 */
async function startStoreCollector(root: string, dataDir: string, nodeArgs: string[]): Promise<CollectorProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'collector/src/main.ts'), 'start'], {
    cwd: root,
    env: { ...process.env, CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_OTLP_PORT: '0', CAUSEWAY_OTLP_GRPC_PORT: '0', CAUSEWAY_PORT: '0', CAUSEWAY_FLUSH_INTERVAL_MS: '50', CLICKHOUSE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const urls = await new Promise<{ otlp: string; grpc: string; api: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start within 15 min:\n${out}`));
    }, 900_000);
    const check = (): void => {
      const otlp = /OTLP\/HTTP traces:\s+(\S+)\/v1\/traces/.exec(out)?.[1];
      const grpc = /OTLP\/gRPC:\s+(\S+)/.exec(out)?.[1];
      const api = /Query API:\s+(\S+)\/api\/traces/.exec(out)?.[1];
      if (otlp && grpc && api) {
        clearTimeout(timer);
        resolve({ otlp, grpc, api });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code} before starting:\n${out}`));
    });
  });
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  const auth = authOf(out, dataDir, urls.api, {});
  return {
    otlpUrl: urls.otlp,
    otlpGrpcUrl: urls.grpc,
    apiUrl: urls.api,
    dataDir,
    child,
    ...auth,
    output: () => out,
    settled: () => Promise.reject(new Error('not used')),
    stop: () => stop('SIGTERM'),
    kill9: () => stop('SIGKILL'),
  };
}

/** One PostResult for consecutive runs against restarted collectors: times add up, peaks are the largest. */
function combine(parts: PostResult[]): PostResult {
  const sum = (f: (p: PostResult) => number): number => parts.reduce((n, p) => n + f(p), 0);
  const max = (f: (p: PostResult) => number): number => Math.max(...parts.map(f));
  return {
    spans: sum((p) => p.spans),
    requests: sum((p) => p.requests),
    bytes: sum((p) => p.bytes),
    retried: sum((p) => p.retried),
    resent: sum((p) => p.resent),
    ackSeconds: sum((p) => p.ackSeconds),
    durableSeconds: sum((p) => p.durableSeconds),
    insertedRows: sum((p) => p.insertedRows),
    idleRssMb: parts[0]!.idleRssMb,
    peakRssMb: max((p) => p.peakRssMb),
    peakPendingRows: max((p) => p.peakPendingRows),
  };
}

export interface Latency {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  /** median nodes per answer (spans for trace-by-id) */
  medianSize: number;
  truncated: number;
  errors: number;
}

export interface StoreStats {
  spans: number;
  traces: number;
  activities: number;
  relations: number;
  appearances: number;
  artifactRows: number;
  artifacts: number;
  artifactsByKind: Record<string, number>;
  fingerprintRows: number;
  distinctFingerprints: number;
  /** fingerprints in more than one row (artifact) */
  sharedFingerprints: number;
  /** rows of the most common fingerprint */
  maxRowsPerFingerprint: number;
  ledgerLeaves: number;
  bytesOnDisk: Record<string, number>;
  /** direct query timings (ms, p50/p95 over samples), measured in the stats process */
  queries: { name: string; n: number; p50: number; p95: number; rows: number }[];
  slices: SliceBreakdown[];
}

export interface SliceBreakdown {
  kind: string;
  n: number;
  p50: number;
  meanMs: number;
  byQuery: { name: string; callsPerSlice: number; msPerSlice: number }[];
}

export interface StoreBench {
  spans: number;
  traces: number;
  requests: number;
  jsonBytes: number;
  /** time spent generating the requests, on this process's thread, during the ingest */
  generateSeconds: number;
  heapMb: number;
  restarts: Restart[];
  /** RSS of the collector that served the reads, once ingest had settled */
  finalRssMb: number;
  ingest: PostResult;
  latencies: Latency[];
  stats: StoreStats;
  /** trace-by-id answers whose span count differed from what was sent */
  traceMismatches: number;
}

export async function benchStore(
  o: { spans: number; seeds: number; concurrency: number; workDir: string; root: string; readBudgetSeconds: number; heapMb: number; restartEvery: number },
  log: Log,
): Promise<StoreBench> {
  // Requests are generated while they are posted (~4 KB/span: a file of them would be 4 GB of
  // page cache beside a collector that needs the memory); the generator's CPU time is measured.
  let t = performance.now();
  const gen = new AgentTraceGenerator({ spans: o.spans, seed: 11 });
  let generateMs = 0;
  let requests = 0;
  const source = (): AgentRequest | undefined => {
    const t0 = performance.now();
    const r = gen.next();
    generateMs += performance.now() - t0;
    if (r) requests++;
    return r;
  };
  const traces = gen.traces;

  const dataDir = join(o.workDir, 'store');
  const nodeArgs = [`--max-old-space-size=${o.heapMb}`];
  let cw = await startStoreCollector(o.root, dataDir, nodeArgs);
  let ingest: PostResult;
  const restarts: Restart[] = [];
  let finalRssMb = 0;
  const latencies: Latency[] = [];
  let traceMismatches = 0;
  try {
    log(
      `  ingesting ${o.spans.toLocaleString('en-US')} spans into a collector process (provenance on, --max-old-space-size=${o.heapMb}, ` +
        `${o.restartEvery > 0 ? `restarted every ${o.restartEvery.toLocaleString('en-US')} spans` : 'never restarted'})…`,
    );
    // The collector is restarted (SIGTERM, start on the same data) every `restartEvery` spans
    // (0: never), to measure start-up on a large store: it rebuilds the ledger's Merkle log from
    // every stored leaf. Restart time is not counted in the ingest figures; it is reported on its own.
    const parts: PostResult[] = [];
    let handed = 0;
    for (;;) {
      const limit = o.restartEvery > 0 ? handed + o.restartEvery : Number.POSITIVE_INFINITY;
      let done = false;
      const part = await postAll(
        cw,
        () => {
          if (handed >= limit) return undefined;
          const r = source();
          if (r) handed += r.spans;
          else done = true;
          return r;
        },
        o.concurrency,
        log,
        o.spans,
        handed,
      );
      parts.push(part);
      if (done) break;
      const rssMb = part.peakRssMb;
      const t0 = performance.now();
      await cw.stop();
      const stopSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      cw = await startStoreCollector(o.root, dataDir, nodeArgs);
      restarts.push({ atSpans: handed, peakRssMb: rssMb, stopSeconds, startSeconds: (performance.now() - t1) / 1000 });
      log(`  restarted at ${handed.toLocaleString('en-US')} spans (peak RSS before ${Math.round(rssMb)} MB; stop ${stopSeconds.toFixed(1)} s, start ${restarts.at(-1)!.startSeconds.toFixed(1)} s)`);
    }
    ingest = combine(parts);
    finalRssMb = rssMbOf(cw.child.pid!);
    log(`  generated ${gen.spansMade.toLocaleString('en-US')} spans, ${traces.length.toLocaleString('en-US')} traces, ${requests} requests, ${(gen.bytesMade / 1e9).toFixed(2)} GB in ${(generateMs / 1000).toFixed(0)} s of this process's time`);
    log(`  ${ingest.spans.toLocaleString('en-US')} spans durable in ${ingest.durableSeconds.toFixed(0)} s (${ingest.insertedRows.toLocaleString('en-US')} rows in all tables)`);

    const reads = await measureReads(cw, traces, o, log);
    latencies.push(...reads.latencies);
    traceMismatches = reads.traceMismatches;
  } catch (e) {
    log(cw.output().slice(-5000));
    throw e;
  } finally {
    await cw.stop();
  }

  log('  store size and direct query timings (separate process)…');
  t = performance.now();
  const stats = await storeStats(o.root, o.workDir, dataDir, traces, 10);
  log(`  done (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  return { spans: gen.spansMade, traces: traces.length, requests, jsonBytes: gen.bytesMade, generateSeconds: generateMs / 1000, heapMb: o.heapMb, restarts, finalRssMb, ingest: ingest!, latencies, stats, traceMismatches };
}

/**
 * Read latencies through the API over random seeds of a store: backward slices from tool spans,
 * forward slices from documents of a trace's causal graph, trace graphs, trace by id. Each measure
 * stops taking seeds once it has spent `readBudgetSeconds` (after at least 20).
 */
export async function measureReads(
  cw: CollectorProcess,
  traces: TraceInfo[],
  o: { seeds: number; readBudgetSeconds: number },
  log: Log,
): Promise<{ latencies: Latency[]; traceMismatches: number }> {
  const latencies: Latency[] = [];
  let traceMismatches = 0;
  log(`  reading: ${o.seeds} random seeds per measure…`);
  const t = performance.now();
  const rnd = prng(99);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const withTools = traces.filter((x) => x.tools.length > 0);
  const samples: Record<string, { ms: number; size: number; truncated: boolean; ok: boolean }[]> = { backward: [], forward: [], graph: [], trace: [] };
  const get = async <T>(path: string): Promise<{ ms: number; status: number; body: T }> => {
    const t0 = performance.now();
    const res = await cw.fetch(path);
    const text = await res.text();
    const ms = performance.now() - t0;
    // a failed read is counted in the table's errors column; what it answered is said here
    if (res.status !== 200) log(`    ${path} answered ${res.status} after ${ms.toFixed(0)} ms: ${text.slice(0, 300)}`);
    let body = {} as T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      // not JSON (a proxy's or a crash's answer): counted as an error by its status
    }
    return { ms, status: res.status, body };
  };
  const warmup = Math.min(10, o.seeds);
  // A measure stops taking seeds once it has spent its time budget (after at least 20): a
  // slow read must not make the bench take hours; the table says how many were measured.
  const spent: Record<string, number> = { backward: 0, forward: 0, graph: 0, trace: 0 };
  const open = (k: string): boolean => spent[k]! < o.readBudgetSeconds * 1000 || samples[k]!.length < 20;
  for (let i = 0; i < warmup + o.seeds; i++) {
    const keep = i >= warmup;
    const note = (k: string, ms: number, size: number, truncated: boolean, ok: boolean): void => {
      if (!keep) return;
      samples[k]!.push({ ms, size, truncated, ok });
      spent[k]! += ms;
    };
    // backward slice from a tool span
    if (open('backward')) {
      const bt = pick(withTools);
      const b = await get<SliceResponse>(`/api/provenance/slice?trace=${bt.traceId}&span=${pick(bt.tools)}&direction=backward`);
      note('backward', b.ms, b.body.nodes?.length ?? 0, !!b.body.truncated, b.status === 200);
    }
    // the causal graph of a trace; one of its documents seeds the forward slice
    if (open('graph') || open('forward')) {
      const gt = pick(traces);
      const g = await get<SliceResponse>(`/api/provenance/traces/${gt.traceId}`);
      if (open('graph')) note('graph', g.ms, g.body.nodes?.length ?? 0, !!g.body.truncated, g.status === 200);
      const docs = (g.body.nodes ?? []).filter((n): n is SliceArtifact => n.type === 'artifact' && n.kind === 'document');
      if (docs.length > 0 && open('forward')) {
        const f = await get<SliceResponse>(`/api/provenance/slice?artifact=${pick(docs).artifactId}&direction=forward`);
        note('forward', f.ms, f.body.nodes?.length ?? 0, !!f.body.truncated, f.status === 200);
      }
    }
    // the spans of a trace
    if (open('trace')) {
      const tt = pick(traces);
      const tr = await get<TraceResponse>(`/api/traces/${tt.traceId}`);
      note('trace', tr.ms, tr.body.spanCount ?? 0, false, tr.status === 200);
      if (keep && tr.body.spanCount !== tt.spans) traceMismatches++;
    }
    if (!Object.keys(spent).some(open)) break;
    if (i > 0 && i % 25 === 0) log(`    ${i}/${warmup + o.seeds} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  }
  const names: Record<string, string> = {
    backward: 'backward slice from a tool span',
    forward: 'forward slice from a document artifact',
    graph: 'trace causal graph /api/provenance/traces/:id',
    trace: 'trace by id /api/traces/:id',
  };
  for (const [k, xs] of Object.entries(samples)) latencies.push(latency(names[k]!, xs));
  log(`  done (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  return { latencies, traceMismatches };
}

function latency(name: string, xs: { ms: number; size: number; truncated: boolean; ok: boolean }[]): Latency {
  const ms = xs.map((x) => x.ms).sort((a, b) => a - b);
  const q = (p: number): number => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)] ?? NaN;
  return {
    name,
    n: xs.length,
    p50: q(0.5),
    p95: q(0.95),
    max: ms.at(-1) ?? NaN,
    mean: ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length),
    medianSize: median(xs.map((x) => x.size)),
    truncated: xs.filter((x) => x.truncated).length,
    errors: xs.filter((x) => !x.ok).length,
  };
}

function storeStats(root: string, workDir: string, dataDir: string, traces: TraceInfo[], slices: number): Promise<StoreStats> {
  const rnd = prng(7);
  const sample = Array.from({ length: 30 }, () => traces[Math.floor(rnd() * traces.length)]!);
  const file = join(workDir, 'stats-samples.json');
  writeFileSync(file, JSON.stringify({ traces: sample.map((t) => ({ traceId: t.traceId, tools: t.tools })), slices }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'collector/bench/prov-store-stats.ts'), dataDir, file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`prov-store-stats exited with ${code}:\n${out}\n${err}`));
      else resolve(JSON.parse(line) as StoreStats);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// report

export function printProvenance(
  x: ExtractorBench | undefined,
  e: OnOffBench | undefined,
  s: StoreBench | undefined,
  o: { concurrency: number; rounds: number; cpus: string; totalSeconds: number; seeds: number; readBudgetSeconds: number },
): void {
  const out: string[] = [''];
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const fix = (n: number, d: number): string => n.toFixed(d);
  if (x) {
    const mb = x.jsonBytes / 1e6;
    out.push(`== 5. Provenance stage, one thread: median of ${o.rounds} interleaved rounds ==`);
    out.push(
      `workload: ${int(x.spans)} spans of GenAI agent traces (invoke_agent, retrieval, chat with growing tool_call/tool_call_response history, ` +
        `execute_tool), ${x.requests} OTLP/JSON requests, ${fix(mb, 1)} MB (${int(x.jsonBytes / x.spans)} B/span)`,
    );
    out.push(
      table(
        ['path', 'spans/s', 'MB/s OTLP/JSON', 'relative'],
        [
          ['decode → redact → span lines (provenance off)', int(x.offSpansPerSec), fix((mb * x.offSpansPerSec) / x.spans, 1), '1.00 (ceiling)'],
          ['decode → extract + provenance lines → redact → span lines (on)', int(x.onSpansPerSec), fix((mb * x.onSpansPerSec) / x.spans, 1), ratio(x.onSpansPerSec, x.offSpansPerSec)],
          ['ProvenanceExtractor.fromSpans + provenance lines alone', int(x.extractorSpansPerSec), fix((mb * x.extractorSpansPerSec) / x.spans, 1), ratio(x.extractorSpansPerSec, x.offSpansPerSec)],
        ],
      ),
    );
    const ps = x.perSpan;
    out.push(
      `  per span: ${fix(ps.activities, 2)} activities, ${fix(ps.relations, 2)} relations (${kinds(x.relationsByKind)}), ${fix(ps.artifacts, 2)} new artifacts, ` +
        `${fix(ps.fingerprints, 1)} fingerprints`,
    );
    out.push(`  new artifacts by kind: ${kinds(x.artifactsByKind)}`);
    out.push(
      `  lines spooled and inserted: spans ${fix(x.spanLineBytes / 1e6, 1)} MB, provenance ${fix(x.provLineBytes / 1e6, 1)} MB (${ratio(x.provLineBytes, x.spanLineBytes)} × the span lines)`,
    );
    out.push(
      `  winnowing the new artifacts' content again takes ${fix(x.fingerprintSeconds, 2)} s of the extractor's ${fix(x.extractorSeconds, 2)} s ` +
        `(${fix((100 * x.fingerprintSeconds) / x.extractorSeconds, 0)}%; an estimate: from stored, redacted content)`,
    );
    out.push('');
  }
  if (e) {
    out.push(`== 6. Provenance end to end: the same OTLP/JSON requests, ${o.concurrency} concurrent POSTs → collector process → ClickHouse ==`);
    out.push(`workload: ${int(e.on.spans)} spans in ${e.on.requests} requests, ${fix(e.on.bytes / 1e6, 1)} MB; CAUSEWAY_PROVENANCE=off is the ceiling`);
    const row = (name: string, r: PostResult, ref: PostResult): string[] => [
      name,
      fix(r.ackSeconds, 1),
      int(r.spans / r.ackSeconds),
      fix(r.durableSeconds, 1),
      int(r.spans / r.durableSeconds),
      int(r.insertedRows),
      int(r.peakRssMb),
      r === ref ? '1.00 (ceiling)' : ratio(ref.durableSeconds, r.durableSeconds),
    ];
    out.push(
      table(
        ['collector', 'ack s', 'ack spans/s', 'durable s', 'durable spans/s', 'rows inserted', 'peak RSS MB', 'ratio (durable)'],
        [row('provenance off', e.off, e.off), row('provenance on (default)', e.on, e.off)],
      ),
    );
    out.push(`  rows inserted = spans + provenance rows (activities, relations, artifacts); 429/503 answers retried: off ${e.off.retried}, on ${e.on.retried}; re-sent after a connection reset: off ${e.off.resent}, on ${e.on.resent}`);
    out.push('');
  }
  if (s) {
    const st = s.stats;
    out.push(`== 7. Provenance store: ${int(s.spans)} spans, then causal reads over random seeds ==`);
    out.push(
      `store: ${int(st.spans)} spans in ${int(st.traces)} traces; provenance: ${int(st.activities)} activities, ${int(st.relations)} relations ` +
        `(${int(st.appearances)} appearance rows), ${int(st.artifacts)} artifacts (${int(st.artifactRows)} rows; ${kinds(st.artifactsByKind)}), ` +
        `${int(st.fingerprintRows)} fingerprint rows (${int(st.distinctFingerprints)} distinct, ${int(st.sharedFingerprints)} in ≥ 2 artifacts, the commonest in ${int(st.maxRowsPerFingerprint)}); ` +
        `${int(st.ledgerLeaves)} ledger leaves`,
    );
    out.push(`  on disk: ${Object.entries(st.bytesOnDisk).map(([k, v]) => `${k} ${fix(v / 1e6, 0)} MB`).join(', ')}`);
    const i = s.ingest;
    out.push(
      `ingest: ${fix(s.jsonBytes / 1e9, 2)} GB of OTLP/JSON in ${s.requests} requests (generated meanwhile, ${fix(s.generateSeconds, 0)} s of CPU in the bench process), ${o.concurrency} concurrent POSTs: ` +
        `acknowledged ${int(i.spans / i.ackSeconds)} spans/s, durable ${int(i.spans / i.durableSeconds)} spans/s (${fix(i.durableSeconds, 0)} s, ` +
        `${fix(s.jsonBytes / 1e6 / i.durableSeconds, 1)} MB/s); peak RSS ${int(i.peakRssMb)} MB, largest write queue ${int(i.peakPendingRows)} rows, ${i.retried} requests retried after 429, ${i.resent} re-sent after a connection reset`,
    );
    out.push(
      (() => {
        const first = s.restarts[0];
        const n = first ? first.atSpans : s.spans;
        const peak = first ? first.peakRssMb : i.peakRssMb;
        const kbPerSpan = ((peak - i.idleRssMb) * 1024) / n;
        return (
          `  the collector ran with node --max-old-space-size=${s.heapMb}${first ? ` and was restarted every ${int(n)} spans` : ''}: its RSS went from ${int(i.idleRssMb)} to ${int(peak)} MB ` +
          `over the first ${int(n)} spans (~${int(kbPerSpan)} kB per span; one process would need ~${fix((kbPerSpan * s.spans) / 2 ** 20, 0)} GB for this store); ` +
          `${fix(st.ledgerLeaves / st.spans, 1)} ledger leaves per span with provenance`
        );
      })(),
    );
    if (s.restarts.length > 0) {
      out.push(
        `  restarts (not in the ingest figures): ${s.restarts.map((r) => `at ${int(r.atSpans)} spans, peak RSS before ${int(r.peakRssMb)} MB, stop ${fix(r.stopSeconds, 0)} s + start ${fix(r.startSeconds, 0)} s`).join('; ')}`,
      );
    }
    out.push(`  the reads below were served by ${s.restarts.length > 0 ? 'the last of these processes' : 'that process'} (RSS ${int(s.finalRssMb)} MB once ingest had settled)`);
    out.push(
      table(
        ['read (one at a time, through the API)', 'n', 'p50 ms', 'p95 ms', 'max ms', 'mean ms', 'median nodes', 'truncated', 'errors'],
        s.latencies.map((l) => [l.name, String(l.n), fix(l.p50, 1), fix(l.p95, 1), fix(l.max, 1), fix(l.mean, 1), int(l.medianSize), String(l.truncated), String(l.errors)]),
      ),
    );
    out.push(
      `  ${o.seeds} random seeds per read (after 10 not counted), fewer where a read used up its ${o.readBudgetSeconds} s budget; ` +
        `trace by id: "median nodes" = spans, ${s.traceMismatches} answers had a span count other than what was sent`,
    );
    const tr = s.latencies.find((l) => l.name.startsWith('trace by id'));
    if (tr) {
      const rel = s.latencies.filter((l) => l !== tr).map((l) => `${l.name.split(' ').slice(0, 2).join(' ')} ${ratio(l.p50, tr.p50)}`);
      out.push(`  p50 relative to trace by id (the plain read of the same store): ${rel.join(', ')}`);
    }
    out.push('  the queries behind them, run directly in a separate process on the same store (ms):');
    out.push(table(['query (ProvenanceReads)', 'n', 'p50 ms', 'p95 ms', 'rows/call'], st.queries.map((q) => [q.name, String(q.n), fix(q.p50, 1), fix(q.p95, 1), fix(q.rows, 0)])));
    out.push("  where a slice's time goes (the API's SliceBuilder in that process, every ProvenanceReads call timed; mean per slice; a trace's two loads run in parallel, so shares can pass 100%):");
    for (const b of st.slices) {
      const inQueries = b.byQuery.reduce((n, x) => n + x.msPerSlice, 0);
      out.push(
        `    ${b.kind} (n ${b.n}, p50 ${int(b.p50)} ms, mean ${int(b.meanMs)} ms, ${fix((100 * inQueries) / b.meanMs, 0)}% in queries): ` +
          b.byQuery.map((x) => `${x.name} ${fix(x.callsPerSlice, 1)} calls ${int(x.msPerSlice)} ms`).join(', '),
      );
    }
  }
  out.push(`provenance sections: ${o.cpus}; took ${o.totalSeconds.toFixed(0)} s`);
  out.push('');
  process.stdout.write(out.join('\n'));
}

function kinds(m: Record<string, number>): string {
  return Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round(v).toLocaleString('en-US')}`)
    .join(', ');
}

const ratio = (a: number, b: number): string => (a / b).toFixed(2);

export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  const sep = `|${w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : `${'-'.repeat(n + 1)}:`)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}
