// A store written before the tiled log kept one ledger_leaves row per leaf (hex) and rebuilt the
// whole tree in memory at each start. Its first start on the tiled log copies those leaves into
// ledger_entries and stores their tiles, once (ledger_leaves itself is left as it was).
import { TreeEdge } from '../ledger/tiles.ts';
import type { ClickHouse } from './clickhouse.ts';
import { LedgerIntegrityError, type StoredTiles } from './ledger-tiles.ts';

/** Leaves appended to the tree per round while the tiles are built. */
const ROUND = 1 << 18;

export async function upgradeFromLeaves(ch: ClickHouse, stored: StoredTiles, log: (msg: string) => void): Promise<void> {
  const db = ch.database;
  const logId = stored.logId;
  if ((await stored.size()) > 0) return;
  const q = <T>(query: string): Promise<T[]> => ch.query<T>(query, { logId });
  const old = await q<{ i: string }>(`SELECT leaf_index AS i FROM ${db}.ledger_leaves WHERE log_id = {logId:String} ORDER BY leaf_index DESC LIMIT 1`);
  if (old.length === 0) return;
  const t0 = performance.now();
  log(`ledger: copying the ${Number(old[0]!.i) + 1} leaves of log ${logId} from ledger_leaves into the tiled log (once)`);
  // The log id is a hex digest (logIdOf), so it can stand in the statement as a literal.
  if (!/^[0-9a-f]{32}$/.test(logId)) throw new Error(`unexpected log id ${logId}`);
  await ch.command(
    `INSERT INTO ${db}.ledger_entries (log_id, leaf_index, leaf_hash, tbl, tenant, trace_id, span_id)
     SELECT log_id, leaf_index, unhex(leaf_hash), tbl, tenant, unhex(trace_id), unhex(span_id) FROM ${db}.ledger_leaves
     WHERE log_id = '${logId}' ORDER BY leaf_index LIMIT 1 BY leaf_index, leaf_hash`,
  );
  // The tiles: every leaf through the tree once, in order.
  const size = await stored.size();
  const edge = TreeEdge.empty();
  for (let lo = 0; lo < size; lo += ROUND) {
    const hi = Math.min(size, lo + ROUND);
    const leaves = await stored.leaves(lo, hi).catch((e: Error) => {
      throw e instanceof LedgerIntegrityError ? e : new LedgerIntegrityError(`ledger_leaves could not be read back (${e.message})`);
    });
    await stored.insertTiles(edge.append(leaves));
  }
  log(`ledger: ${size} leaves copied and their tiles stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
