// `causeway verify` on a store: recompute every stored row's leaf from its content, compare
// with the ledger by identity, rebuild the Merkle tree and check it against every checkpoint
// the log key signed. Reports each row changed, dropped or added behind the collector's back.
import type { LogRow, SpanRow } from '@causeway/schemas';
import { type LogKey, logIdOf, openCheckpoint } from '../ledger/checkpoint.ts';
import { MerkleLog } from '../ledger/merkle.ts';
import { canonicalLogRow, canonicalRow, rowLeafHash } from '../format/canonical-row.ts';
import type { ClickHouse } from './clickhouse.ts';
import { PROV_COLUMNS, PROV_TABLES, canonicalProvRow } from '../format/prov-lines.ts';

export interface VerifyReport {
  logId: string;
  rows: number;
  leaves: number;
  checkpoints: number;
  newestCheckpointSize: number;
  problems: string[];
}

type StoredRow = SpanRow & { row_hash: string };

export async function verifyStore(ch: ClickHouse, key: Pick<LogKey, 'name' | 'publicKey'>): Promise<VerifyReport> {
  const db = ch.database;
  const logId = logIdOf(key);
  const problems: string[] = [];
  const q = <T>(query: string): Promise<T[]> => ch.query<T>(query, { logId });
  // Stored rows are streamed: only their hashes are kept, so a large store verifies in bounded memory.
  const each = async <T>(query: string, fn: (row: T) => void): Promise<number> => {
    let n = 0;
    for await (const row of ch.stream<T>(query)) {
      fn(row);
      n++;
    }
    return n;
  };

  // 1. the log: contiguous leaves, one hash per index
  const leaves = await q<{ leaf_index: string; leaf_hash: string; tbl: string; trace_id: string; span_id: string }>(
    `SELECT leaf_index, leaf_hash, tbl, trace_id, span_id FROM ${db}.ledger_leaves WHERE log_id = {logId:String} ORDER BY leaf_index`,
  );
  const byIndex = new Map<number, (typeof leaves)[number]>();
  for (const l of leaves) {
    const i = Number(l.leaf_index);
    const seen = byIndex.get(i);
    if (seen && seen.leaf_hash !== l.leaf_hash) problems.push(`ledger leaf ${i} is stored twice with different hashes`);
    else byIndex.set(i, l);
  }
  const size = byIndex.size === 0 ? 0 : Math.max(...byIndex.keys()) + 1;
  const log = new MerkleLog();
  let contiguous = true;
  for (let i = 0; i < size; i++) {
    const l = byIndex.get(i);
    if (!l) {
      problems.push(`ledger leaf ${i} is missing (deleted from ledger_leaves)`);
      contiguous = false;
      continue;
    }
    if (contiguous) log.append(Buffer.from(l.leaf_hash, 'hex'));
  }

  // 2. every signed checkpoint must open with the key and match the rebuilt tree
  const checkpoints = await q<{ tree_size: string; note: string }>(`SELECT tree_size, note FROM ${db}.checkpoints WHERE log_id = {logId:String} ORDER BY tree_size`);
  let newest = 0;
  for (const c of checkpoints) {
    try {
      const cp = openCheckpoint(c.note, key.name, key.publicKey);
      const n = Number(cp.size);
      newest = Math.max(newest, n);
      if (n > log.size) problems.push(`checkpoint ${n}: the log has only ${log.size} verifiable leaves`);
      else if (!log.root(n).equals(cp.root)) problems.push(`checkpoint ${n}: root does not match the stored leaves`);
    } catch (e) {
      problems.push(`checkpoint ${c.tree_size}: ${(e as Error).message}`);
    }
  }
  if (checkpoints.length === 0 && size > 0) problems.push('no signed checkpoint for this log');

  // 3. rows against leaves, by content hash and by identity
  const leafHashes = new Set([...byIndex.values()].map((l) => l.leaf_hash));
  const leavesOf = new Map<string, number[]>();
  for (const [i, l] of byIndex) if (l.tbl === 'spans') leavesOf.set(`${l.trace_id}/${l.span_id}`, [...(leavesOf.get(`${l.trace_id}/${l.span_id}`) ?? []), i]);
  const rowHashes = new Set<string>();
  const changedIds = new Set<string>();
  const spanRows = await each<StoredRow>(`SELECT * EXCEPT (ingested_at) FROM ${db}.spans`, (r) => {
    const hash = rowLeafHash(canonicalRow(r));
    rowHashes.add(hash);
    if (leafHashes.has(hash)) return;
    const id = `${r.trace_id}/${r.span_id}`;
    const known = leavesOf.get(id);
    if (known) {
      changedIds.add(id);
      problems.push(`row changed: span ${id} no longer matches its leaf ${known.join(', ')}`);
    } else problems.push(`row added: span ${id} is not in the log`);
  });
  // Log records have no unique identity: a changed one shows as one dropped and one added.
  const logRows = await each<LogRow>(`SELECT * EXCEPT (ingested_at, row_hash) FROM ${db}.logs`, (r) => {
    const hash = rowLeafHash(canonicalLogRow(r));
    rowHashes.add(hash);
    if (!leafHashes.has(hash)) problems.push(`log record added: a record of span ${r.trace_id || '-'}/${r.span_id || '-'} is not in the log`);
  });
  // Provenance rows: recomputed from the typed columns (prov-lines.ts), like log records.
  let provRows = 0;
  for (const table of PROV_TABLES) {
    const cols = Object.keys(PROV_COLUMNS[table]).join(', ');
    provRows += await each<Record<string, unknown>>(`SELECT ${cols} FROM ${db}.${table}`, (r) => {
      const hash = rowLeafHash(canonicalProvRow(table, r));
      rowHashes.add(hash);
      if (!leafHashes.has(hash)) problems.push(`${table} row added: a row of span ${String(r.trace_id) || '-'}/${String(r.span_id) || '-'} is not in the log`);
    });
  }
  for (const [i, l] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    const id = `${l.trace_id}/${l.span_id}`;
    if (rowHashes.has(l.leaf_hash) || (l.tbl === 'spans' && changedIds.has(id))) continue;
    if (l.tbl === 'logs') problems.push(`log record dropped: leaf ${i} (span ${id || '-'}) has no stored record`);
    else if (l.tbl === 'spans') problems.push(`row dropped: leaf ${i} (span ${id}) has no stored row`);
    else problems.push(`${l.tbl} row dropped: leaf ${i} (span ${id || '-'}) has no stored row`);
  }
  return { logId, rows: spanRows + logRows + provRows, leaves: byIndex.size, checkpoints: checkpoints.length, newestCheckpointSize: newest, problems };
}
