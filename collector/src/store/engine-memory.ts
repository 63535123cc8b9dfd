// What embedded ClickHouse (chDB) holds of the collector's memory: the bytes its memory tracker
// counts (queries, merges, caches) and what its allocator (jemalloc, inside libchdb) has handed
// out, keeps resident, and has mapped but returned to the system. The collector's RSS minus its
// V8 heaps and this is memory neither side accounts for (libchdb's code, glibc's heap).
import type { EngineMemory } from '@causeway/schemas';
import type { ClickHouse } from './clickhouse.ts';

const mb = (bytes: unknown): number => Math.round((Number(bytes) / 2 ** 20) * 10) / 10;
/** jemalloc's summary line: "Allocated: N, active: N, metadata: N (…), resident: N, mapped: N, retained: N" */
const SUMMARY = /^Allocated: (\d+), active: (\d+), metadata: (\d+).*?, resident: (\d+), mapped: (\d+), retained: (\d+)/m;

export async function readEngineMemory(ch: ClickHouse): Promise<EngineMemory | undefined> {
  if (ch.backend !== 'chdb') return undefined; // a server's memory is not the collector's
  const [tracked] = await ch.query<{ value: string | number }>("SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'");
  // the summary line only, not the ~64 KB of per-arena tables around it
  const [stats] = await ch.query<{ line: string }>("SELECT substring(stats, position(stats, 'Allocated: '), 400) AS line FROM system.jemalloc_stats");
  const m = SUMMARY.exec(stats?.line ?? '');
  return {
    trackedMb: mb(tracked?.value ?? 0),
    ...(m ? { allocatorAllocatedMb: mb(m[1]), allocatorResidentMb: mb(m[4]), allocatorRetainedMb: mb(m[6]) } : {}),
  };
}
