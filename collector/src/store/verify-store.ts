// `causeway verify` on a store: the full check, reading everything. Every leaf in order rebuilds
// the tree (checked against every checkpoint the log key signed, and against the stored tiles);
// every stored row's leaf is recomputed from its content and looked up among the leaves. Reports
// each row changed, dropped or added behind the collector's back, each missing leaf, each tile
// or checkpoint that does not match. Memory: ~40 bytes per leaf (its hash and a slot of a hash
// set); rows are streamed.
import type { LogRow, SpanRow } from '@causeway/schemas';
import { type LogKey, logIdOf, openCheckpoint } from '../ledger/checkpoint.ts';
import { TILE_HEIGHT, TreeEdge } from '../ledger/tiles.ts';
import { canonicalLogRow, canonicalRow, rowLeafHash } from '../format/canonical-row.ts';
import type { ClickHouse } from './clickhouse.ts';
import { LeafSet } from '../ledger/leaf-set.ts';
import { addPiece, assembleTile } from './ledger-tiles.ts';
import { PROV_COLUMNS, PROV_TABLES, canonicalProvRow } from '../format/prov-lines.ts';
import { AUDIT_COLUMNS, type AuditRow, canonicalAuditRow } from '../format/audit-line.ts';
import { FINDING_EVENT_SELECT, FINDING_SELECT, type FindingEventRow, type FindingRow, canonicalFindingEventRow, canonicalFindingRow } from '../format/finding-lines.ts';
import { REGISTRY_SELECT, type RegistryRow, canonicalRegistryRow } from '../format/registry-lines.ts';

export interface VerifyReport {
  logId: string;
  rows: number;
  leaves: number;
  checkpoints: number;
  newestCheckpointSize: number;
  problems: string[];
}

type StoredRow = SpanRow & { row_hash: string };
interface Unlogged {
  table: string;
  traceId: string;
  spanId: string;
  /** how the row is named in a report, when not by its span */
  label?: string;
}

const W = 2 ** TILE_HEIGHT;
/** rows per read, and uncompressed bytes of a table per read, unless told */
const PIECE_ROWS = 100_000;
const PIECE_TABLE_BYTES = 64 << 20;
/** the column each table is read by in ranges: one its primary key orders by */
const CHUNK_BY = { spans: 'start_time', logs: 'trace_id', prov_activities: 'trace_id', prov_relations: 'trace_id', prov_artifacts: 'artifact_id', audit_events: 'event_id', findings: 'finding_id', finding_events: 'finding_id', agent_registry: 'agent_id' } as const;

export async function verifyStore(ch: ClickHouse, key: Pick<LogKey, 'name' | 'publicKey'>, opts: { pieceRows?: number } = {}): Promise<VerifyReport> {
  const PIECE = opts.pieceRows ?? PIECE_ROWS;
  const PIECE_BYTES = opts.pieceRows ? Number.POSITIVE_INFINITY : PIECE_TABLE_BYTES;
  const db = ch.database;
  const logId = logIdOf(key);
  const problems: string[] = [];
  const q = <T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> => ch.query<T>(query, { logId, ...params });
  // Stored rows are read in pieces of about PIECE rows and only their hashes kept, so a large
  // store verifies in bounded memory (embedded chDB hands back a whole result at once).
  const each = async <T>(query: string, fn: (row: T) => void): Promise<number> => {
    let n = 0;
    for await (const row of ch.stream<T>(query, { logId })) {
      fn(row);
      n++;
    }
    return n;
  };
  const eachPage = async <T>(query: (lo: number, hi: number) => string, size: () => Promise<number>, fn: (row: T) => void): Promise<number> => {
    let n = 0;
    const end = await size();
    for (let lo = 0; lo < end; lo += PIECE) n += await each<T>(query(lo, lo + PIECE), fn);
    return n;
  };
  // A table in ranges of a column its primary key orders by (so a range reads only its own granules).
  const eachChunk = async <T>(table: keyof typeof CHUNK_BY, select: string, fn: (row: T) => void): Promise<number> => {
    const col = CHUNK_BY[table];
    const [size] = await q<{ rows: string; bytes: string }>(
      `SELECT sum(rows) AS rows, sum(data_uncompressed_bytes) AS bytes FROM system.parts WHERE database = {db:String} AND table = {table:String} AND active`,
      { db, table },
    );
    const pieces = Math.max(1, Math.ceil(Number(size?.rows ?? 0) / PIECE), Math.ceil(Number(size?.bytes ?? 0) / PIECE_BYTES));
    // hex ids are uniform: equal ranges of their first 8 digits; times: the data's own quantiles
    const bounds =
      col === 'start_time'
        ? pieces === 1
          ? []
          : (await q<{ b: string[] }>(`SELECT quantiles(${Array.from({ length: pieces - 1 }, (_, i) => ((i + 1) / pieces).toFixed(6)).join(', ')})(start_time) AS b FROM ${db}.${table}`))[0]!.b
        : Array.from({ length: pieces - 1 }, (_, i) => Math.floor(((i + 1) * 2 ** 32) / pieces).toString(16).padStart(8, '0'));
    const lit = (b: string): string => (col === 'start_time' ? `toDateTime64('${b.replace(/'/g, '')}', 6)` : `'${b}'`);
    let n = 0;
    for (let i = 0; i <= bounds.length; i++) {
      const where = [i > 0 ? `${col} >= ${lit(bounds[i - 1]!)}` : '', i < bounds.length ? `${col} < ${lit(bounds[i]!)}` : ''].filter(Boolean).join(' AND ');
      n += await each<T>(`${select} FROM ${db}.${table}${where ? ` WHERE ${where}` : ''}`, fn);
    }
    return n;
  };

  // 1. the signed checkpoints
  const checkpoints = await q<{ tree_size: string; note: string }>(`SELECT tree_size, note FROM ${db}.checkpoints WHERE log_id = {logId:String} ORDER BY tree_size`);
  const signed: { size: number; root: Buffer }[] = [];
  for (const c of checkpoints) {
    try {
      const cp = openCheckpoint(c.note, key.name, key.publicKey);
      signed.push({ size: Number(cp.size), root: cp.root });
    } catch (e) {
      problems.push(`checkpoint ${c.tree_size}: ${(e as Error).message}`);
    }
  }

  // 2. the leaves in order: contiguous, one hash per index; the tree rebuilt from them
  const leaves = new LeafSet();
  const edge = TreeEdge.empty();
  const computed: Buffer[][] = []; // per tile level ≥ 1: its tiles' hashes, in order
  let contiguous = true;
  let pending: Buffer[] = [];
  let next = 0; // the next checkpoint to reach
  const flush = (): void => {
    if (pending.length === 0) return;
    for (const r of edge.append(Buffer.concat(pending))) if (r.width === W) (computed[r.level] ??= []).push(r.hashes);
    pending = [];
  };
  const atCheckpoints = (size: number): void => {
    while (next < signed.length && signed[next]!.size === size) {
      flush();
      if (!edge.root().equals(signed[next]!.root)) problems.push(`checkpoint ${size}: root does not match the stored leaves`);
      next++;
    }
  };
  await eachPage<{ i: string; h: string }>(
    (lo, hi) =>
      `SELECT leaf_index AS i, hex(leaf_hash) AS h FROM ${db}.ledger_entries WHERE log_id = {logId:String} AND leaf_index >= ${lo} AND leaf_index < ${hi} ORDER BY leaf_index`,
    async () => Number((await q<{ i: string }>(`SELECT leaf_index AS i FROM ${db}.ledger_entries WHERE log_id = {logId:String} ORDER BY leaf_index DESC LIMIT 1`))[0]?.i ?? -1) + 1,
    (l) => {
      const i = Number(l.i);
      const h = Buffer.from(l.h, 'hex');
      if (i < leaves.size) {
        if (!leaves.hash(i).equals(h)) problems.push(`ledger leaf ${i} is stored twice with different hashes`);
        return;
      }
      for (let k = leaves.size; k < i; k++) {
        problems.push(`ledger leaf ${k} is missing (deleted from ledger_entries)`);
        leaves.add(undefined);
        contiguous = false;
      }
      leaves.add(h);
      if (!contiguous) return;
      pending.push(h);
      if (pending.length >= 65_536) flush();
      atCheckpoints(leaves.size);
    },
  );
  flush();
  const verifiable = edge.size;
  for (const c of signed) if (c.size > verifiable) problems.push(`checkpoint ${c.size}: the log has only ${verifiable} verifiable leaves`);
  if (checkpoints.length === 0 && leaves.size > 0) problems.push('no signed checkpoint for this log');

  // 3. the stored tiles against the tree rebuilt from the leaves
  for (let L = 1; L < edge.tileLevels(); L++) (computed[L] ??= []).push(edge.partial(L));
  const pieces = new Map<string, Map<number, Buffer>>();
  await each<{ level: string; idx: string; width: string; h: string }>(
    `SELECT level, idx, width, hex(hashes) AS h FROM ${db}.ledger_tiles WHERE log_id = {logId:String} ORDER BY level, idx, width`,
    (r) => {
      const k = `${r.level}/${r.idx}`;
      try {
        addPiece(pieces.get(k) ?? pieces.set(k, new Map()).get(k)!, Number(r.width), Buffer.from(r.h, 'hex'), `tile ${k}`);
      } catch (e) {
        problems.push(`ledger ${(e as Error).message.replace(/^ledger integrity: /, '').replace(/; run .*$/, '')}`);
      }
    },
  );
  const levels = computed.map((c) => Buffer.concat(c ?? []));
  for (const [k, p] of pieces) {
    const [level, idx] = k.split('/').map(Number) as [number, number];
    let tile: Buffer;
    try {
      tile = assembleTile(p, `tile ${k}`);
    } catch (e) {
      problems.push(`ledger ${(e as Error).message.replace(/^ledger integrity: /, '').replace(/; run .*$/, '')}`);
      continue;
    }
    const want = (levels[level] ?? Buffer.alloc(0)).subarray(idx * W * 32, (idx + 1) * W * 32);
    if (tile.length > want.length) problems.push(`ledger tile ${k} holds ${tile.length / 32} entries, the leaves make ${want.length / 32}`);
    else if (!tile.equals(want.subarray(0, tile.length))) problems.push(`ledger tile ${k} does not match the stored leaves`);
  }

  // 4. rows against leaves, by content hash; then what the unmatched ones were
  const unlogged: Unlogged[] = [];
  const check = (table: string, hash: string, traceId: string, spanId: string, label?: string): void => {
    if (!leaves.match(Buffer.from(hash, 'hex'))) unlogged.push({ table, traceId, spanId, ...(label ? { label } : {}) });
  };
  const spanRows = await eachChunk<StoredRow>('spans', 'SELECT * EXCEPT (ingested_at)', (r) => check('spans', rowLeafHash(canonicalRow(r)), r.trace_id, r.span_id));
  const logRows = await eachChunk<LogRow>('logs', 'SELECT * EXCEPT (ingested_at, row_hash)', (r) => check('logs', rowLeafHash(canonicalLogRow(r)), r.trace_id, r.span_id));
  let provRows = 0;
  for (const table of PROV_TABLES) {
    const cols = Object.keys(PROV_COLUMNS[table]).join(', ');
    provRows += await eachChunk<Record<string, unknown>>(table, `SELECT ${cols}`, (r) => check(table, rowLeafHash(canonicalProvRow(table, r)), String(r.trace_id), String(r.span_id)));
  }
  // The access audit: recomputed like the provenance rows.
  provRows += await eachChunk<AuditRow>('audit_events', `SELECT ${AUDIT_COLUMNS.join(', ')}`, (r) => check('audit_events', rowLeafHash(canonicalAuditRow(r)), r.trace_id, r.span_id));
  // Findings and their status events (a finding is evidence too); one written before they were
  // ledgered (schema 013) has no leaf and is reported like one added behind the collector's back.
  provRows += await eachChunk<FindingRow>('findings', `SELECT ${FINDING_SELECT}`, (r) =>
    check('findings', rowLeafHash(canonicalFindingRow(r)), r.trace_id, r.span_id, `finding ${r.finding_id}`),
  );
  provRows += await eachChunk<FindingEventRow>('finding_events', `SELECT ${FINDING_EVENT_SELECT}`, (r) =>
    check('finding_events', rowLeafHash(canonicalFindingEventRow(r)), r.trace_id, r.span_id, `event ${r.event_id} of finding ${r.finding_id}`),
  );
  // Registry versions written through the API (schema 017 on; older ones have no leaf, as above).
  provRows += await eachChunk<RegistryRow>('agent_registry', `SELECT ${REGISTRY_SELECT}`, (r) =>
    check('agent_registry', rowLeafHash(canonicalRegistryRow(r)), r.trace_id, r.span_id, `agent ${r.agent_id} version ${r.version}`),
  );
  const identity = async (where: string, params: Record<string, unknown>): Promise<{ i: number; tbl: string; id: string }[]> =>
    (
      await q<{ i: string; tbl: string; t: string; s: string }>(
        `SELECT leaf_index AS i, tbl, lower(hex(trace_id)) AS t, lower(hex(span_id)) AS s FROM ${db}.ledger_entries WHERE log_id = {logId:String} AND ${where} ORDER BY leaf_index`,
        params,
      )
    ).map((r) => ({ i: Number(r.i), tbl: r.tbl, id: `${zeroAsEmpty(r.t)}/${zeroAsEmpty(r.s)}` }));
  // A span row that no longer matches: its span still has a leaf (changed), or never had one (added).
  const unloggedSpans = unlogged.filter((u) => u.table === 'spans');
  const spanLeaves = new Map<string, number[]>();
  for (let i = 0; i < unloggedSpans.length; i += 5000) {
    const ids = unloggedSpans.slice(i, i + 5000).map((u) => `${u.traceId}${u.spanId}`);
    for (const l of await identity(`tbl = 'spans' AND concat(trace_id, span_id) IN (SELECT unhex(arrayJoin({ids:Array(String)})))`, { ids })) {
      spanLeaves.set(l.id, [...(spanLeaves.get(l.id) ?? []), l.i]);
    }
  }
  const changed = new Set<string>();
  for (const u of unlogged) {
    const id = `${u.traceId}/${u.spanId}`;
    if (u.table === 'spans') {
      const known = spanLeaves.get(id);
      if (known) {
        changed.add(id);
        problems.push(`row changed: span ${id} no longer matches its leaf ${known.join(', ')}`);
      } else problems.push(`row added: span ${id} is not in the log`);
    } else if (u.label) problems.push(`${u.table} row added or changed: ${u.label} is not in the log`);
    else if (u.table === 'logs') problems.push(`log record added: a record of span ${u.traceId || '-'}/${u.spanId || '-'} is not in the log`);
    else problems.push(`${u.table} row added: a row of span ${u.traceId || '-'}/${u.spanId || '-'} is not in the log`);
  }
  // Leaves no stored row matches.
  const dropped = leaves.unmatched();
  for (let i = 0; i < dropped.length; i += 5000) {
    for (const l of await identity('leaf_index IN {indices:Array(UInt64)}', { indices: dropped.slice(i, i + 5000) })) {
      if (l.tbl === 'spans' && changed.has(l.id)) continue;
      const id = l.id === '/' ? '-' : l.id;
      if (l.tbl === 'logs') problems.push(`log record dropped: leaf ${l.i} (span ${id}) has no stored record`);
      else if (l.tbl === 'spans') problems.push(`row dropped: leaf ${l.i} (span ${id}) has no stored row`);
      else problems.push(`${l.tbl} row dropped: leaf ${l.i} (span ${id}) has no stored row`);
    }
  }
  return { logId, rows: spanRows + logRows + provRows, leaves: leaves.count, checkpoints: checkpoints.length, newestCheckpointSize: Math.max(0, ...signed.map((c) => c.size)), problems };
}

function zeroAsEmpty(hex: string): string {
  return /^0+$/.test(hex) ? '' : hex;
}
