// Profiles one end-to-end ingest: a collector started with --cpu-prof (main thread and ingest
// workers each write a .cpuprofile into <dir>), fed the bench's GenAI spans over OTLP/HTTP.
//   node --import tsx collector/bench/profile-ingest.ts <dir> [spans]
// <dir> '-': no profiles (a plain run, for quick A/B); env CAUSEWAY_* passes through to the collector.
// Rank the profiles with collector/bench/cpuprofile-rank.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openClickHouse } from '../src/store/clickhouse.ts';
import { startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { makeCorpus } from './genai-spans.ts';
import { benchIngest } from './ingest.ts';

const [dir, spansArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: profile-ingest.ts <dir> [spans]');
const corpus = makeCorpus(Number(spansArg ?? 20_000), 512);
const dataDir = join(tempDataDir('causeway-prof-'), 'collector');
const cw = await startCollector({ dataDir, nodeArgs: dir === '-' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
try {
  const before = threadCpu(cw.child.pid!);
  const self0 = process.cpuUsage();
  const r = await benchIngest(cw, corpus.batches, 8, (s) => process.stderr.write(`${s}\n`));
  const after = threadCpu(cw.child.pid!);
  const self = process.cpuUsage(self0);
  const byName = new Map<string, number>();
  // node threads one by one (the main thread is `main`), engine threads by name
  for (const [tid, t] of after) {
    const name = tid === String(cw.child.pid) ? 'main' : t.name === 'node' ? `node ${tid}` : t.name;
    byName.set(name, (byName.get(name) ?? 0) + t.seconds - (before.get(tid)?.seconds ?? 0));
  }
  const cpu = Object.fromEntries([...byName].filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]).map(([n, s]) => [n, Number(s.toFixed(2))]));
  process.stdout.write(`${JSON.stringify({ collectorCpuS: Number([...byName.values()].reduce((a, b) => a + b, 0).toFixed(2)), benchCpuS: Number(((self.user + self.system) / 1e6).toFixed(2)), cpu })}\n`);
  process.stdout.write(`${JSON.stringify({ durableSpansPerSec: r.durableSpansPerSec, durableSeconds: r.durableSeconds, ack: r.ackLatencyMs, peakRssMb: r.peakRssMb, peakPendingMb: r.peakPendingMb })}\n`);
} finally {
  await cw.stop();
}
// what the engine holds afterwards, per table: rows, parts (active), bytes on disk
const ch = await openClickHouse({ database: 'causeway', dataDir });
const parts = await ch.query<{ table: string; rows: string; parts: string; mb: string }>(
  "SELECT table, toString(sum(rows)) AS rows, count() AS parts, round(sum(bytes_on_disk) / 1e6, 1) AS mb FROM system.parts WHERE database = 'causeway' AND active GROUP BY table ORDER BY toUInt64(rows) DESC",
);
process.stdout.write(`${parts.map((p) => `${p.table}: ${p.rows} rows, ${p.parts} parts, ${p.mb} MB`).join('\n')}\n`);
await ch.close();

/** CPU seconds (user + system) of each thread of a process, by thread id, with its name. */
function threadCpu(pid: number): Map<string, { name: string; seconds: number }> {
  const out = new Map<string, { name: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '#');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, seconds: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      // the thread ended
    }
  }
  return out;
}
