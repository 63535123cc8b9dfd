// Memory and disk per span on the default path (provenance, redaction, ledger on): feeds N
// generated agent spans to a collector, waits until they are durable and memory has settled,
// splits its RSS (JS heap, Buffers, the rest: chDB), stops it, then reads the store in this
// process: bytes per span per table and the largest columns.
//
//   node --import tsx collector/bench/footprint.ts [--spans 30000] [--keep dir] [--settle s] [--env K=V…] [--heap-snapshot]
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthResponse } from '@causeway/schemas';
import { type CollectorProcess, startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { AgentTraceGenerator } from './agent-traces.ts';
import { diskPerTable, formatDiskPerTable } from './disk-per-table.ts';
import { stop } from './soak.ts';
import { postAll } from './provenance.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SPANS = Number(arg('spans') ?? 30_000);
const SETTLE_S = Number(arg('settle') ?? 20);
/** --env K=V (repeatable): extra environment for the collector */
function envArgs(): Record<string, string> {
  const out: Record<string, string> = {};
  process.argv.forEach((a, i) => {
    if (a === '--env') {
      const [k, ...v] = (process.argv[i + 1] ?? '').split('=');
      if (k) out[k] = v.join('=');
    }
  });
  return out;
}
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Mem { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; tag: string }

function lastMem(file: string, tag: string): Mem | undefined {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Mem);
    return lines.filter((l) => l.tag === tag).at(-1);
  } catch {
    return undefined;
  }
}
const mb = (b: number | undefined): string => (b === undefined ? '?' : (b / 2 ** 20).toFixed(0));
const fmt = (m: Mem | undefined): string => (m ? `RSS ${mb(m.rss)} MB = heap ${mb(m.heapUsed)} (of ${mb(m.heapTotal)}) + external ${mb(m.external)} (arrayBuffers ${mb(m.arrayBuffers)}) + other ${mb(m.rss - m.heapTotal - m.external)}` : '?');

/** Each ingest worker's heap (its own isolate: not in the main thread's figures above, but in RSS's "other"). */
async function workerHeaps(cw: CollectorProcess): Promise<string> {
  const h = (await cw.getJson<HealthResponse>('/healthz')).body;
  const workers = h.ingestWorkers?.workers;
  const e = h.memory?.engine;
  const engine = e ? `; chDB: tracked ${e.trackedMb.toFixed(0)} MB, allocator allocated ${e.allocatorAllocatedMb?.toFixed(0)} / resident ${e.allocatorResidentMb?.toFixed(0)} / retained ${e.allocatorRetainedMb?.toFixed(0)} MB` : '';
  return (workers ? workers.map((w, i) => `#${i} heap ${w.heapUsedMb.toFixed(0)} MB, busy ${w.activeSeconds.toFixed(0)} s`).join('; ') : 'none (CAUSEWAY_INGEST_WORKERS=0)') + engine;
}

async function main(): Promise<void> {
  const keep = arg('keep');
  const dataDir = keep ?? tempDataDir('causeway-footprint-');
  const memlog = `${dataDir.replace(/\/$/, '')}.memlog.jsonl`;
  const snapshot = process.argv.includes('--heap-snapshot');
  const cw = await startCollector({ dataDir, nodeArgs: ['--expose-gc', '--require', join(HERE, 'memlog.cjs'), ...(snapshot ? [`--diagnostic-dir=${dirname(dataDir)}`, '--heapsnapshot-signal=SIGUSR2'] : [])], env: { CAUSEWAY_BENCH_MEMLOG: memlog, ...envArgs() } });
  let peak = 0;
  try {
    await new Promise((r) => setTimeout(r, 3000));
    log(`idle: ${fmt(lastMem(memlog, 'tick'))}`);
    const gen = new AgentTraceGenerator({ spans: SPANS, seed: 11 });
    const r = await postAll(cw, () => gen.next(), 8, log, SPANS);
    peak = r.peakRssMb;
    log(`${r.spans} spans durable in ${r.durableSeconds.toFixed(1)} s (${(r.spans / r.durableSeconds).toFixed(0)} spans/s), ${r.insertedRows} rows; RSS idle ${r.idleRssMb.toFixed(0)} MB, peak ${r.peakRssMb.toFixed(0)} MB, largest queue ${r.peakPendingRows} rows`);
    log(`right after: ${fmt(lastMem(memlog, 'tick'))}`);
    log(`  workers and engine right after: ${await workerHeaps(cw)}`);
    await new Promise((res) => setTimeout(res, SETTLE_S * 1000));
    log(`settled (${SETTLE_S} s): ${fmt(lastMem(memlog, 'tick'))}`);
    log(`ingest workers: ${await workerHeaps(cw)}`);
    writeFileSync(`${memlog}.gc`, '');
    await new Promise((res) => setTimeout(res, 3000));
    log(`after full GC: ${fmt(lastMem(memlog, 'gc'))}`);
    if (snapshot) {
      cw.child.kill('SIGUSR2');
      log(`heap snapshot asked for (SIGUSR2), written to ${dirname(dataDir)}`);
      await new Promise((res) => setTimeout(res, 30_000));
    }
  } finally {
    log(`stopped in ${(await stop(cw, log, 120)).toFixed(1)} s`);
  }
  try {
    process.stdout.write(`${formatDiskPerTable(await diskPerTable(dataDir), `(peak RSS ${peak.toFixed(0)} MB)`)}\n`);
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
