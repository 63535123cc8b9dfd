// The soak (`npm run bench -- --only soak [--spans N]`; never part of a plain `npm run bench`
// or of CI): one collector on the default configuration (provenance, redaction, ledger on; the
// writer's default flush interval) fed generated agent traces in steps (100k spans up to 1M),
// each step waited for until durable. One line per step: spans, collector RSS (VmRSS of the
// process, chDB included), durable and acknowledged spans/s in that step; after the first step and
// the last, the RSS again once 15 s quiet (settled: the two compared). The collector is
// restarted after the first step and after the last, on the same data directory, and timed from
// spawn to /healthz answering. Then the reads of issue 15 are measured through the API: trace by
// id, backward and forward slices over random seeds (provenance.ts measureReads); then a ~3,250-span
// multi-agent trace is added and its causal graph read (time, bytes on the wire gzip and decoded). Last, with the collector stopped, bytes per span per table.
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EngineMemory, HealthResponse } from '@causeway/schemas';
import { type CollectorProcess, startCollector } from '@causeway/testkit/collector-process.ts';
import { multiAgentTrace } from '../../explorer/test/multi-agent-trace.ts';
import { DEFAULTS } from '../src/config.ts';
import { type AgentRequest, AgentTraceGenerator } from './agent-traces.ts';
import { median } from './decode.ts';
import { type DiskPerTable, diskPerTable, formatDiskPerTable } from './disk-per-table.ts';
import { type Latency, type PostResult, measureReads, postAll, rssMbOf, table } from './provenance.ts';
import { type RssSplit, formatSplit, rssSplitOf } from './smaps.ts';

type Log = (s: string) => void;

export interface SoakOptions {
  spans: number;
  /** spans per step (a line each) */
  step: number;
  concurrency: number;
  /** stop feeding after this many minutes (the step under way ends early), then restart, read and measure what was fed */
  feedMinutes?: number;
  seeds: number;
  readBudgetSeconds: number;
  /** sub-agents of the big trace (40 ≈ 3,250 spans); 0 skips it */
  bigTraceAgents: number;
  /** timed fetches of each big-trace read */
  bigTraceRuns: number;
  workDir: string;
  /** each step's line as soon as it is measured */
  print: (line: string) => void;
  log: Log;
}

export interface SoakStep {
  spans: number;
  /** VmRSS once the step is durable */
  rssMb: number;
  /** the ingest workers' used V8 heap (in the RSS; not in the main thread's heap) */
  workerHeapMb: number;
  /** embedded ClickHouse's memory tracker and its allocator's resident bytes (in the RSS) */
  engineTrackedMb: number;
  engineResidentMb: number;
  /** the engine at the step's end, and when its tracker counted most during the step: who held it */
  engine?: EngineMemory;
  enginePeak?: EngineMemory;
  /** where the RSS lives: the process's own figures (/healthz) and its mappings (/proc/<pid>/smaps) */
  split?: RssSplit;
  peakRssMb: number;
  durablePerSec: number;
  ackPerSec: number;
  retried: number;
  resent: number;
  deadLettered: number;
}

/** The RSS after the feed stopped and the collector was left alone (its idle collections have run) */
export interface SoakQuiet {
  atSpans: number;
  afterSeconds: number;
  rssMb: number;
  engineResidentMb: number;
  split: RssSplit;
}

export interface SoakRestart {
  atSpans: number;
  stopSeconds: number;
  /** spawn until the banner (URLs) is printed */
  bannerSeconds: number;
  /** spawn until GET /healthz answers 200 */
  healthzSeconds: number;
  rssAfterMb: number;
}

export interface WireRead {
  name: string;
  n: number;
  p50Ms: number;
  maxMs: number;
  wireBytes: number;
  decodedBytes: number;
  /** graph nodes, or spans (trace by id); NaN where the answer has neither */
  nodes: number;
  truncated: boolean;
  status: number;
}

export interface SoakResult {
  steps: SoakStep[];
  firstStartSeconds: number;
  restarts: SoakRestart[];
  /** the RSS once the first step's feed stopped and the collector was quiet (before the first restart) */
  firstQuiet?: SoakQuiet;
  /** the RSS once the feed stopped and the collector was quiet (before the last restart) */
  quiet?: SoakQuiet;
  bigTrace?: { spans: number; reads: WireRead[] };
  latencies: Latency[];
  traceMismatches: number;
  disk: DiskPerTable;
  /** spans acknowledged, the big trace included */
  sent: number;
  seconds: number;
}

/**
 * The default configuration, except ports (ephemeral) and what the harness changes (its 50 ms flush
 * interval); and glibc's arenas capped as `npm start` (so the image) caps them.
 */
const DEFAULT_ENV = { CAUSEWAY_FLUSH_INTERVAL_MS: String(DEFAULTS.writer.flushIntervalMs), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
const START_TIMEOUT_MS = 1_800_000;

async function untilHealthz(cw: CollectorProcess, deadlineMs: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${cw.apiUrl}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (cw.child.exitCode !== null || cw.child.signalCode !== null) throw new Error(`collector exited while starting:\n${cw.output().slice(-3000)}`);
    if (performance.now() > deadlineMs) throw new Error(`/healthz did not answer 200 within ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a collector on `dataDir`; times spawn → banner and spawn → /healthz 200. */
async function start(dataDir: string): Promise<{ cw: CollectorProcess; bannerSeconds: number; healthzSeconds: number }> {
  const t0 = performance.now();
  const cw = await startCollector({ dataDir, env: DEFAULT_ENV, startTimeoutMs: START_TIMEOUT_MS });
  const bannerSeconds = (performance.now() - t0) / 1000;
  try {
    await untilHealthz(cw, t0 + START_TIMEOUT_MS);
  } catch (e) {
    await cw.kill9();
    throw e;
  }
  return { cw, bannerSeconds, healthzSeconds: (performance.now() - t0) / 1000 };
}

/** SIGTERM, SIGKILL after `withinS` (a collector that hangs on stop must not hang the bench); returns the seconds it took. */
export async function stop(cw: CollectorProcess, log: Log, withinS = 300): Promise<number> {
  const t0 = performance.now();
  const killer = setTimeout(() => {
    log(`  the collector did not stop within ${withinS} s of SIGTERM: SIGKILL`);
    cw.child.kill('SIGKILL');
  }, withinS * 1000);
  await cw.stop();
  clearTimeout(killer);
  return (performance.now() - t0) / 1000;
}

/** GET as the local admin, gzip accepted: the time until the last byte, bytes as transferred and decoded. */
function wireGet(cw: CollectorProcess, path: string): Promise<{ ms: number; status: number; wire: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(`${cw.apiUrl}${path}`, { headers: { ...cw.adminHeaders, 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - t0;
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ ms, status: res.statusCode ?? 0, wire: raw.length, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function wireRead(cw: CollectorProcess, name: string, path: string, runs: number): Promise<WireRead> {
  const xs: Awaited<ReturnType<typeof wireGet>>[] = [];
  for (let i = 0; i < runs; i++) xs.push(await wireGet(cw, path));
  const last = xs.at(-1)!;
  let nodes = NaN;
  let truncated = false;
  try {
    const j = JSON.parse(last.body.toString('utf8')) as { nodes?: unknown[]; spanCount?: number; truncated?: boolean };
    nodes = j.nodes?.length ?? j.spanCount ?? NaN;
    truncated = j.truncated === true;
  } catch {
    // not JSON: the status says why
  }
  return { name, n: xs.length, p50Ms: median(xs.map((x) => x.ms)), maxMs: Math.max(...xs.map((x) => x.ms)), wireBytes: last.wire, decodedBytes: last.body.length, nodes, truncated, status: last.status };
}

export async function benchSoak(o: SoakOptions): Promise<SoakResult> {
  const t0 = performance.now();
  const { log } = o;
  const dataDir = join(o.workDir, 'store');
  const gen = new AgentTraceGenerator({ spans: o.spans, seed: 11 });
  let handed = 0;
  let exhausted = false;
  const feedUntil = o.feedMinutes !== undefined ? t0 + o.feedMinutes * 60_000 : Number.POSITIVE_INFINITY;
  let stoppedEarly = false;
  const outOfTime = (): boolean => (stoppedEarly ||= performance.now() > feedUntil);
  const upTo =
    (limit: number) =>
    (): AgentRequest | undefined => {
      // out of time, the traces already made are still sent whole (their last spans wait in the
      // generator's batches): the reads below are of traces in gen.traces, all of which must be stored
      if (outOfTime()) gen.finish();
      else if (handed >= limit) return undefined;
      const r = gen.next();
      if (r) handed += r.spans;
      else exhausted = true;
      return r;
    };
  const steps: SoakStep[] = [];
  const restarts: SoakRestart[] = [];
  let sent = 0;
  let bigTrace: SoakResult['bigTrace'];
  let reads: Awaited<ReturnType<typeof measureReads>> = { latencies: [], traceMismatches: 0 };
  let quiet: SoakQuiet | undefined;
  let firstQuiet: SoakQuiet | undefined;

  let started = await start(dataDir);
  let cw = started.cw;
  const firstStartSeconds = started.healthzSeconds;
  log(`soak: collector up in ${firstStartSeconds.toFixed(1)} s (empty store, data dir ${dataDir}); ${o.spans.toLocaleString('en-US')} spans in steps of ${o.step.toLocaleString('en-US')}`);
  // Ctrl-C or a kill of the bench must not leave the collector running.
  const onSignal = (sig: NodeJS.Signals): void => {
    cw.child.kill('SIGKILL');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const restart = async (): Promise<void> => {
    const stopSeconds = await stop(cw, log);
    started = await start(dataDir);
    cw = started.cw;
    const r: SoakRestart = { atSpans: handed, stopSeconds, bannerSeconds: started.bannerSeconds, healthzSeconds: started.healthzSeconds, rssAfterMb: rssMbOf(cw.child.pid!) };
    restarts.push(r);
    o.print(`soak restart at ${int(r.atSpans)} spans: stop ${r.stopSeconds.toFixed(1)} s; start to /healthz ${r.healthzSeconds.toFixed(1)} s (banner at ${r.bannerSeconds.toFixed(1)} s); RSS after start ${int(r.rssAfterMb)} MB`);
  };
  try {
    for (let k = 1; !exhausted && !stoppedEarly; k++) {
      const before = handed;
      // the last step takes what the generator still holds (it makes whole traces)
      const limit = k * o.step >= o.spans ? Number.POSITIVE_INFINITY : k * o.step;
      if (handed >= limit) continue; // a step smaller than a request: the last one passed this boundary
      const r: PostResult = await postAll(cw, upTo(limit), o.concurrency, log, o.spans, handed);
      sent += r.spans;
      // the durable-count check: postAll returned once /healthz showed nothing pending (rows written since, e.g.
      // detections' findings, may be pending again); nothing may have been set aside
      const h = (await cw.getJson<HealthResponse>('/healthz')).body;
      const step: SoakStep = {
        spans: handed,
        rssMb: rssMbOf(cw.child.pid!),
        workerHeapMb: (h.ingestWorkers?.workers ?? []).reduce((a, w) => a + w.heapUsedMb, 0),
        engineTrackedMb: h.memory?.engine?.trackedMb ?? NaN,
        engineResidentMb: h.memory?.engine?.allocatorResidentMb ?? NaN,
        ...(h.memory?.engine ? { engine: h.memory.engine } : {}),
        ...(r.peakEngine ? { enginePeak: r.peakEngine } : {}),
        split: rssSplitOf(h, cw.child.pid!),
        peakRssMb: r.peakRssMb,
        durablePerSec: (handed - before) / r.durableSeconds,
        ackPerSec: (handed - before) / r.ackSeconds,
        retried: r.retried,
        resent: r.resent,
        deadLettered: h.store.deadLetteredRows,
      };
      steps.push(step);
      o.print(
        `soak ${int(step.spans).padStart(9)} spans  RSS ${int(step.rssMb).padStart(5)} MB (step peak ${int(step.peakRssMb).padStart(5)}, worker heap ${int(step.workerHeapMb).padStart(4)}, chDB tracked ${int(step.engineTrackedMb)} / allocator resident ${int(step.engineResidentMb)})  ` +
          `durable ${int(step.durablePerSec).padStart(6)} spans/s  acknowledged ${int(step.ackPerSec).padStart(6)} spans/s  ` +
          `429 retried ${step.retried}, re-sent ${step.resent}, dead-lettered rows ${step.deadLettered}`,
      );
      if (step.split) o.print(`     RSS split: ${formatSplit(step.rssMb, step.engineResidentMb, step.split)}`);
      if (step.engine) o.print(`     chDB at step end: ${engineOwners(step.engine)}`);
      if (step.enginePeak) o.print(`     chDB at the step's most tracked: ${engineOwners(step.enginePeak)}`);
      if (stoppedEarly) {
        o.print(`soak: feeding stopped after ${o.feedMinutes} min (BENCH_SOAK_FEED_MINUTES) at ${int(handed)} of ${int(o.spans)} spans`);
        break;
      }
      if (k === 1 && !exhausted) {
        // settled as the last step's is, so the two compare like for like (a step's end samples whatever is in flight)
        firstQuiet = await quietSample(cw, handed, o);
        await restart();
      }
    }
    quiet = await quietSample(cw, handed, o);
    await restart();
    // Read first, then add the big trace: read after it, the slices waited on what a collector does
    // with a new 3,252-span trace (its detections, its parts' merges): backward p95 1,171 ms in a
    // 1M soak against 334 ms on the same store, restarted and idle.
    reads = await measureReads(cw, gen.traces, o, log);

    if (o.bigTraceAgents > 0) {
      const t = multiAgentTrace({ agents: o.bigTraceAgents, seed: 15 });
      const reqs: AgentRequest[] = t.requests.map((b) => {
        const body = b as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
        const spans = body.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
        return { body: Buffer.from(JSON.stringify(b)), spans };
      });
      let i = 0;
      const r = await postAll(cw, () => reqs[i++], 1, log);
      sent += r.spans;
      log(`  big trace: ${t.spans} spans durable in ${r.durableSeconds.toFixed(1)} s`);
      const runs = o.bigTraceRuns;
      bigTrace = {
        spans: t.spans,
        reads: [
          await wireRead(cw, 'causal graph /api/provenance/traces/:id', `/api/provenance/traces/${t.traceId}`, runs),
          await wireRead(cw, 'overview /api/provenance/traces/:id/overview', `/api/provenance/traces/${t.traceId}/overview`, runs),
          await wireRead(cw, 'spans /api/traces/:id', `/api/traces/${t.traceId}`, runs),
        ],
      };
    }
  } catch (e) {
    log(cw.output().slice(-5000));
    throw e;
  } finally {
    await stop(cw, log);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  log('  bytes per table (chDB in this process, the collector stopped)…');
  const disk = await diskPerTable(dataDir);
  return { steps, firstStartSeconds, restarts, ...(firstQuiet ? { firstQuiet } : {}), ...(quiet ? { quiet } : {}), bigTrace, ...reads, disk, sent, seconds: (performance.now() - t0) / 1000 };
}

export function printSoak(r: SoakResult, o: { machine: string; seeds: number; readBudgetSeconds: number }): string {
  const out: string[] = ['', `== Soak: ${int(r.steps.at(-1)?.spans ?? 0)} spans of generated agent traces, default configuration (provenance, redaction, ledger on) ==`];
  out.push(
    table(
      ['spans', 'RSS MB', 'step peak RSS MB', 'durable spans/s (step)', 'acknowledged spans/s (step)'],
      r.steps.map((s) => [int(s.spans), int(s.rssMb), int(s.peakRssMb), int(s.durablePerSec), int(s.ackPerSec)]),
    ),
  );
  const first = r.steps[0];
  const last = r.steps.at(-1);
  if (first && last) {
    const peak = Math.max(...r.steps.map((s) => s.peakRssMb));
    out.push(
      `  RSS after ${int(last.spans)} − after ${int(first.spans)}: ${int(last.rssMb - first.rssMb)} MB (goal ≤ 100); peak ${int(peak)} MB (goal < 1,500); ` +
        `429 retried ${r.steps.reduce((n, s) => n + s.retried, 0)}, re-sent after a connection error ${r.steps.reduce((n, s) => n + s.resent, 0)}, dead-lettered rows ${last.deadLettered}`,
    );
  }
  if (r.firstQuiet && r.quiet) {
    out.push(`  settled (${QUIET_SECONDS} s quiet) RSS after ${int(r.quiet.atSpans)} − after ${int(r.firstQuiet.atSpans)}: ${int(r.quiet.rssMb - r.firstQuiet.rssMb)} MB (${int(r.firstQuiet.rssMb)} → ${int(r.quiet.rssMb)}; goal ≤ 100)`);
  }
  out.push(`  start to /healthz: empty store ${r.firstStartSeconds.toFixed(1)} s; ${r.restarts.map((x) => `at ${int(x.atSpans)} spans ${x.healthzSeconds.toFixed(1)} s (stop ${x.stopSeconds.toFixed(1)} s)`).join('; ')} (goal < 5 s)`);
  if (r.bigTrace) {
    out.push(`  a ${int(r.bigTrace.spans)}-span multi-agent trace added after the last restart; ${r.bigTrace.reads[0]?.n ?? 0} timed GETs each, gzip accepted:`);
    out.push(
      table(
        ['read', 'p50 ms', 'max ms', 'on the wire MB', 'decoded MB', 'nodes/spans', 'truncated', 'status'],
        r.bigTrace.reads.map((x) => [x.name, int(x.p50Ms), int(x.maxMs), (x.wireBytes / 1e6).toFixed(2), (x.decodedBytes / 1e6).toFixed(2), int(x.nodes), x.truncated ? 'yes' : 'no', String(x.status)]),
      ),
    );
  }
  out.push(
    table(
      ['read (one at a time, through the API)', 'n', 'p50 ms', 'p95 ms', 'max ms', 'median nodes', 'truncated', 'errors'],
      r.latencies.map((l) => [l.name, String(l.n), l.p50.toFixed(1), l.p95.toFixed(1), l.max.toFixed(1), int(l.medianSize), String(l.truncated), String(l.errors)]),
    ),
  );
  out.push(`  ${o.seeds} random seeds per read (after 10 not counted), fewer where a read used up its ${o.readBudgetSeconds} s budget; trace by id answers with another span count than sent: ${r.traceMismatches}`);
  out.push(formatDiskPerTable(r.disk, `in the store (${int(r.sent)} acknowledged)`));
  out.push(`soak: ${o.machine}; took ${(r.seconds / 60).toFixed(1)} min`);
  out.push('');
  return out.join('\n');
}

const QUIET_SECONDS = Number(process.env.BENCH_SOAK_QUIET_S ?? 15);

/** Waits QUIET_SECONDS with nothing sent (longer than the idle full GC's 2 s + 10 s), then samples the RSS and its split. */
async function quietSample(cw: CollectorProcess, atSpans: number, o: SoakOptions): Promise<SoakQuiet> {
  await new Promise((r) => setTimeout(r, QUIET_SECONDS * 1000));
  const h = (await cw.getJson<HealthResponse>('/healthz')).body;
  const q: SoakQuiet = { atSpans, afterSeconds: QUIET_SECONDS, rssMb: rssMbOf(cw.child.pid!), engineResidentMb: h.memory?.engine?.allocatorResidentMb ?? NaN, split: rssSplitOf(h, cw.child.pid!) };
  const workersUsed = (h.ingestWorkers?.workers ?? []).reduce((a, w) => a + w.heapUsedMb, 0);
  o.print(`soak quiet ${QUIET_SECONDS} s after ${int(atSpans)} spans: ${formatSplit(q.rssMb, q.engineResidentMb, q.split)}; workers' heap in use ${int(workersUsed)}`);
  return q;
}

/** Who holds the engine's tracked memory: merges (the largest running), parts' indexes, caches; and its allocator. */
export function engineOwners(e: EngineMemory): string {
  const top = e.merges?.[0];
  const merge = top ? ` (${e.merges!.length} running; largest ${top.table}: ${top.parts} parts, ${int(top.rows)} rows read, ${int(top.memoryMb)} MB, ${top.algorithm})` : '';
  return (
    `tracked ${int(e.trackedMb)} MB: merges ${int(e.mergesMb ?? NaN)} MB${merge}, queries ${int(e.queriesMb ?? NaN)} MB (${int(e.queries ?? NaN)} running), ${int(e.activeParts ?? NaN)} active parts (indexes ${int(e.primaryIndexMb ?? NaN)} MB), caches ${int(e.cachesMb ?? NaN)} MB; ` +
    `allocator allocated ${int(e.allocatorAllocatedMb ?? NaN)} / resident ${int(e.allocatorResidentMb ?? NaN)} / retained ${int(e.allocatorRetainedMb ?? NaN)} MB`
  );
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');
