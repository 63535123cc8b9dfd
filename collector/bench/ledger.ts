// Ledger bench: a store of N generated agent spans (agent-traces.ts), then restarts of the
// collector on it: time from spawn to the first `/healthz` answer, RSS once it answers and once
// it has settled, and what the ledger costs on disk (bytes per span, leaves per span).
// Not a test: nothing here asserts on time. Run it on a quiet-ish machine, `nice`d.
//
//   node --import tsx collector/bench/ledger.ts --dir <work dir> --spans 100000 [--restarts 3] [--heap 8192]
//   node --import tsx collector/bench/ledger.ts --dir <work dir> --restarts 3        (reuse the store)
//   node --import tsx collector/bench/ledger.ts stats <data dir>                     (one JSON line; own process)
//
// The store lives in <work dir>/store and is kept, so a 1M-span store is built once and
// measured again after a code change (an older store's ledger is upgraded at its first start).
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClickHouse, openClickHouse } from '../src/store/clickhouse.ts';
import type { CollectorProcess } from '@causeway/testkit/collector-process.ts';
import { AgentTraceGenerator } from './agent-traces.ts';
import { postAll } from './provenance.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const log = (s: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

interface LedgerStats {
  spans: number;
  rows: Record<string, number>;
  leaves: number;
  bytes: Record<string, number>;
  /** compressed bytes of each column of the ledger tables */
  columns: Record<string, number>;
}

async function stats(dataDir: string): Promise<LedgerStats> {
  const ch = await openClickHouse({ database: 'causeway', dataDir });
  try {
    const q = <T>(query: string): Promise<T[]> => ch.query<T>(query);
    const tables = await q<{ table: string; rows: string; bytes: string }>(
      `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = '${ch.database}' AND active GROUP BY table ORDER BY table`,
    );
    const names = tables.map((t) => t.table);
    const spans = Number((await q<{ n: string }>(`SELECT count() AS n FROM ${ch.database}.spans`))[0]!.n);
    const leafTable = names.includes('ledger_entries') ? 'ledger_entries' : 'ledger_leaves';
    const leaves = Number((await q<{ n: string }>(`SELECT count() AS n FROM ${ch.database}.${leafTable}`))[0]!.n);
    const columns = await q<{ c: string; b: string }>(
      `SELECT concat(table, '.', column) AS c, sum(column_data_compressed_bytes) AS b FROM system.parts_columns
       WHERE database = '${ch.database}' AND active AND (table LIKE 'ledger%' OR table = 'checkpoints') GROUP BY c ORDER BY c`,
    );
    return {
      spans,
      leaves,
      columns: Object.fromEntries(columns.map((c) => [c.c, Number(c.b)])),
      rows: Object.fromEntries(tables.map((t) => [t.table, Number(t.rows)])),
      bytes: Object.fromEntries(tables.map((t) => [t.table, Number(t.bytes)])),
    };
  } finally {
    await closeQuietly(ch);
  }
}

async function closeQuietly(ch: ClickHouse): Promise<void> {
  await ch.close().catch(() => undefined);
}

function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Spawns `causeway start` on the store and times spawn → first /healthz 200. */
async function start(dataDir: string, heapMb: number): Promise<{ cw: CollectorProcess; seconds: number; peakRssMb: number }> {
  const t0 = performance.now();
  mkdirSync(dirname(dataDir), { recursive: true });
  // Started through an entry file of its own under the work dir: on a shared machine a long run
  // is then not matched by someone else's clean-up of "collector/src/main.ts" processes.
  const entry = join(dirname(dataDir), 'ledger-bench-collector.mts');
  writeFileSync(entry, `import ${JSON.stringify(join(ROOT, 'collector/src/main.ts'))};\n`);
  const child: ChildProcess = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', entry, 'start'], {
    cwd: ROOT,
    env: { ...process.env, CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_OTLP_PORT: '0', CAUSEWAY_PORT: '0', CAUSEWAY_FLUSH_INTERVAL_MS: '50', CLICKHOUSE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // everything the collector says, also in <work dir>/collector.log (a run of the 1M store is long)
  const tee = (d: Buffer): void => {
    out += d.toString();
    appendFileSync(join(dirname(dataDir), 'collector.log'), d);
  };
  child.stdout!.on('data', tee);
  child.stderr!.on('data', tee);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 100);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`collector exited (${child.exitCode ?? child.signalCode}) before answering:\n${out.slice(-4000)}`);
      const api = /Query API:\s+(\S+)\/api\/traces/.exec(out)?.[1];
      if (api && (await fetch(`${api}/healthz`).then((r) => r.ok, () => false))) break;
      if (performance.now() - t0 > 1_800_000) {
        child.kill('SIGKILL');
        throw new Error(`collector did not answer within 30 min:\n${out.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, rssMb(child.pid!));
  const otlp = /OTLP\/HTTP traces:\s+(\S+)\/v1\/traces/.exec(out)![1]!;
  const apiUrl = /Query API:\s+(\S+)\/api\/traces/.exec(out)![1]!;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  const cw: CollectorProcess = {
    otlpUrl: otlp,
    otlpGrpcUrl: /OTLP\/gRPC:\s+(\S+)/.exec(out)?.[1] ?? '',
    apiUrl,
    dataDir,
    child,
    output: () => out,
    settled: () => Promise.reject(new Error('not used')),
    stop: () => stop('SIGTERM'),
    kill9: () => stop('SIGKILL'),
  };
  return { cw, seconds, peakRssMb: peak };
}

function runStats(dataDir: string): Promise<LedgerStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'stats', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`stats exited with ${code}:\n${out}\n${err}`));
      else resolve(JSON.parse(line) as LedgerStats);
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === 'stats') {
    process.stdout.write(`${JSON.stringify(await stats(args[1]!))}\n`);
    return;
  }
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = opt('dir');
  if (!dir) throw new Error('usage: ledger.ts --dir <work dir> [--spans N] [--restarts K] [--heap MB]');
  const spans = Number(opt('spans') ?? 0);
  const restarts = Number(opt('restarts') ?? 3);
  const heapMb = Number(opt('heap') ?? 8192);
  const dataDir = join(dir, 'store');

  if (spans > 0) {
    if (existsSync(dataDir)) throw new Error(`${dataDir} exists: leave out --spans to measure it again`);
    log(`building a store of ${spans} agent spans in ${dataDir} (--max-old-space-size=${heapMb})…`);
    const { cw } = await start(dataDir, heapMb);
    try {
      const gen = new AgentTraceGenerator({ spans, seed: 11 });
      const r = await postAll(cw, () => gen.next(), 8, log, spans);
      log(
        `  ${r.spans} spans durable in ${r.durableSeconds.toFixed(0)} s (${(r.spans / r.durableSeconds).toFixed(0)} spans/s; acknowledged in ${r.ackSeconds.toFixed(0)} s), ` +
          `${r.insertedRows} rows; collector RSS idle ${r.idleRssMb.toFixed(0)} MB, peak ${r.peakRssMb.toFixed(0)} MB, settled ${rssMb(cw.child.pid!).toFixed(0)} MB`,
      );
    } finally {
      const t = performance.now();
      await cw.stop();
      log(`  stopped in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }

  for (let i = 0; i < restarts; i++) {
    const { cw, seconds, peakRssMb } = await start(dataDir, heapMb);
    const atHealthz = rssMb(cw.child.pid!);
    await new Promise((r) => setTimeout(r, 5000));
    const settled = rssMb(cw.child.pid!);
    const t = performance.now();
    await cw.stop();
    log(
      `restart ${i + 1}: /healthz after ${seconds.toFixed(2)} s; RSS at /healthz ${atHealthz.toFixed(0)} MB, peak during start ${peakRssMb.toFixed(0)} MB, ` +
        `5 s later ${settled.toFixed(0)} MB; stop ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }

  if (args.includes('--verify')) {
    // `causeway verify`, the full check: time and peak RSS
    const t = performance.now();
    const child = spawn(process.execPath, ['--max-old-space-size=' + heapMb, '--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'verify'], {
      cwd: ROOT,
      env: { ...process.env, CAUSEWAY_DATA_DIR: dataDir, CLICKHOUSE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearInterval(sampler);
    log(`verify: exit ${code} in ${((performance.now() - t) / 1000).toFixed(1)} s, peak RSS ${peak.toFixed(0)} MB: ${out.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`);
  }

  const s = await runStats(dataDir);
  const ledgerTables = Object.keys(s.bytes).filter((t) => t.startsWith('ledger_') || t === 'checkpoints');
  const ledgerBytes = ledgerTables.reduce((n, t) => n + s.bytes[t]!, 0);
  const total = Object.values(s.bytes).reduce((n, b) => n + b, 0);
  log(`store: ${s.spans} spans, ${s.leaves} leaves (${(s.leaves / s.spans).toFixed(2)} per span)`);
  log(`ledger on disk: ${ledgerTables.map((t) => `${t} ${(s.bytes[t]! / 1e6).toFixed(1)} MB (${s.rows[t]} rows)`).join(', ')}`);
  log(`ledger bytes per span: ${(ledgerBytes / s.spans).toFixed(0)} B of ${(total / s.spans).toFixed(0)} B per span in all tables`);
  log(`  by column (compressed, B per span): ${Object.entries(s.columns).map(([c, b]) => `${c} ${(b / s.spans).toFixed(1)}`).join(', ')}`);
}

main().catch((e: Error) => {
  log(e.stack ?? e.message);
  process.exit(1);
});
