// What embedded ClickHouse (chDB) holds of the collector's memory: the bytes its memory tracker
// counts (queries, merges, caches) and what its allocator (jemalloc, inside libchdb) has handed
// out, keeps resident, and has mapped but returned to the system. The collector's RSS minus its
// V8 heaps and this is memory neither side accounts for (libchdb's code, glibc's heap).
// Also who owns the tracked bytes: background merges (each running one), the parts' primary
// indexes held in memory, queries and inserts running, and the caches — what a store that grows over hours may grow by.
import type { EngineMemory, EngineMerge } from '@causeway/schemas';
import type { ClickHouse } from './clickhouse.ts';

const mb = (bytes: unknown): number => Math.round((Number(bytes) / 2 ** 20) * 10) / 10;
/** jemalloc's summary line: "Allocated: N, active: N, metadata: N (…), resident: N, mapped: N, retained: N" */
const SUMMARY = /^Allocated: (\d+), active: (\d+), metadata: (\d+).*?, resident: (\d+), mapped: (\d+), retained: (\d+)/m;
const METRICS = ['MemoryTracking', 'MarkCacheBytes', 'PrimaryIndexCacheBytes', 'IndexMarkCacheBytes', 'QueryConditionCacheBytes', 'CompiledExpressionCacheBytes'];

export async function readEngineMemory(ch: ClickHouse): Promise<EngineMemory | undefined> {
  if (ch.backend !== 'chdb') return undefined; // a server's memory is not the collector's
  const rows = await ch.query<{ metric: string; value: string | number }>('SELECT metric, value FROM system.metrics WHERE metric IN {names:Array(String)}', { names: METRICS });
  const metric = (name: string): number => Number(rows.find((r) => r.metric === name)?.value ?? 0);
  // the summary line only, not the ~64 KB of per-arena tables around it
  const [stats] = await ch.query<{ line: string }>("SELECT substring(stats, position(stats, 'Allocated: '), 400) AS line FROM system.jemalloc_stats");
  const m = SUMMARY.exec(stats?.line ?? '');
  const merges = await ch.query<{ table: string; parts: string; rows: string; memory: string; algorithm: string }>(
    'SELECT table, num_parts AS parts, rows_read AS rows, memory_usage AS memory, merge_algorithm AS algorithm FROM system.merges WHERE database = {db:String} ORDER BY memory_usage DESC',
    { db: ch.database },
  );
  const [parts] = await ch.query<{ n: string; index: string }>(
    'SELECT count() AS n, sum(primary_key_bytes_in_memory_allocated + index_granularity_bytes_in_memory_allocated) AS index FROM system.parts WHERE database = {db:String} AND active',
    { db: ch.database },
  );
  // the collector's own queries and inserts running now (not this one); no query text, it may hold values
  const [queries] = await ch.query<{ n: string; memory: string }>('SELECT count() AS n, sum(memory_usage) AS memory FROM system.processes WHERE query_id != queryID()');
  return {
    trackedMb: mb(metric('MemoryTracking')),
    ...(m ? { allocatorAllocatedMb: mb(m[1]), allocatorResidentMb: mb(m[4]), allocatorRetainedMb: mb(m[6]) } : {}),
    // the sum over system.merges: embedded chDB leaves its MergesMutationsMemoryTracking at 0
    mergesMb: mb(merges.reduce((a, r) => a + Number(r.memory), 0)),
    merges: merges.map((r): EngineMerge => ({ table: r.table, parts: Number(r.parts), rows: Number(r.rows), memoryMb: mb(r.memory), algorithm: r.algorithm })),
    queries: Number(queries?.n ?? 0),
    queriesMb: mb(queries?.memory ?? 0),
    activeParts: Number(parts?.n ?? 0),
    primaryIndexMb: mb(parts?.index ?? 0),
    cachesMb: mb(METRICS.slice(1).reduce((a, n) => a + metric(n), 0)),
  };
}
