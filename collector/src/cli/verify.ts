// `causeway verify`: checks the store against the ledger; exit 0 if nothing was changed, dropped
// or added behind the collector's back, 1 otherwise. Read-only. On embedded chDB, stop the
// collector first (chDB binds one data directory per process).
import { loadConfig } from '../config.ts';
import { parseArgs } from './args.ts';
import { logKeyFor } from '../ledger/log-key.ts';
import { openClickHouse } from '../store/clickhouse.ts';
import { verifyStore } from '../store/verify-store.ts';

export async function verifyCommand(args: string[] = []): Promise<number> {
  // --piece-rows N: rows per read (fewer: less memory, more reads)
  const piece = parseArgs(args)['piece-rows']?.[0];
  const pieceRows = piece === undefined ? undefined : Number(piece);
  if (pieceRows !== undefined && !(Number.isSafeInteger(pieceRows) && pieceRows > 0)) throw new Error('usage: causeway verify [--piece-rows <rows per read>]');
  const config = loadConfig();
  const key = logKeyFor(config);
  const ch = await openClickHouse({ ...config.clickhouse, dataDir: config.dataDir });
  try {
    const r = await verifyStore(ch, key, pieceRows === undefined ? {} : { pieceRows });
    for (const p of r.problems) process.stdout.write(`TAMPERED  ${p}\n`);
    process.stdout.write(
      `${r.problems.length === 0 ? 'verified' : `FAILED with ${r.problems.length} problem(s)`}: log ${r.logId}, ${r.rows} rows, ${r.leaves} leaves, ` +
        `${r.checkpoints} signed checkpoints (newest size ${r.newestCheckpointSize})\n`,
    );
    return r.problems.length === 0 ? 0 : 1;
  } finally {
    await ch.close();
  }
}
