// Canonical lines for the provenance tables: JSON with the table's columns in a fixed order and
// one type per column (UInt64 as decimal strings), computed the same way from a row about to be
// written and from a row read back, so row_hash = SHA-256(0x00 ‖ bytes) is also its ledger leaf.
import type { ActivityRow, ArtifactRow, RelationRow } from '@causeway/schemas';
import { HashedLines } from './hashed-lines.ts';

type ColType = 'str' | 'u64' | 'num' | 'strs' | 'u64s' | 'nums';

export const PROV_COLUMNS = {
  prov_activities: {
    tenant: 'str',
    trace_id: 'str',
    span_id: 'str',
    parent_span_id: 'str',
    start_time_unix_nano: 'u64',
    end_time_unix_nano: 'u64',
    kind: 'str',
    convention: 'str',
    operation: 'str',
    name: 'str',
    service_name: 'str',
    agent_name: 'str',
    agent_id: 'str',
    conversation_id: 'str',
    tool_name: 'str',
    call_id: 'str',
    request_id: 'str',
    data_source: 'str',
    model: 'str',
    status_code: 'num',
    links: 'strs',
  },
  prov_relations: {
    tenant: 'str',
    trace_id: 'str',
    span_id: 'str',
    relation: 'str',
    artifact_id: 'str',
    artifact_kind: 'str',
    container_id: 'str',
    call_id: 'str',
    tool_name: 'str',
    role: 'str',
    origin: 'str',
    seq: 'num',
  },
  prov_artifacts: {
    tenant: 'str',
    trace_id: 'str',
    span_id: 'str',
    artifact_id: 'str',
    kind: 'str',
    content: 'str',
    content_length: 'num',
    tool_name: 'str',
    document_id: 'str',
    source: 'str',
    fingerprints: 'u64s',
    fp_positions: 'nums',
    normalized_length: 'num',
    parts: 'strs',
  },
} as const satisfies Record<string, Record<string, ColType>>;

export type ProvTable = keyof typeof PROV_COLUMNS;
export const PROV_TABLES = Object.keys(PROV_COLUMNS) as ProvTable[];

/**
 * The row as `JSON.stringify` of an object with the table's columns in order, each coerced to its
 * type: built as a string directly (no intermediate object), compiled once per table.
 */
export function canonicalProvRow(table: ProvTable, row: Record<string, unknown>): string {
  return SERIALIZERS[table](row);
}

const SERIALIZERS = Object.fromEntries(
  PROV_TABLES.map((t) => {
    const cols = Object.entries(PROV_COLUMNS[t] as Record<string, ColType>).map(([c, type], i) => ({ c, type, prefix: `${i === 0 ? '{' : ','}${JSON.stringify(c)}:` }));
    const s = JSON.stringify;
    return [
      t,
      (row: Record<string, unknown>): string => {
        let out = '';
        for (const { c, type, prefix } of cols) {
          const v = row[c];
          switch (type) {
            case 'str':
            case 'u64':
              out += prefix + s(String(v ?? (type === 'u64' ? '0' : '')));
              break;
            case 'num':
              out += prefix + s(Number(v ?? 0));
              break;
            case 'strs':
            case 'u64s':
              out += prefix + s(((v as unknown[] | undefined) ?? []).map(String));
              break;
            case 'nums':
              out += prefix + s(((v as unknown[] | undefined) ?? []).map(Number));
              break;
          }
        }
        return `${out}}`;
      },
    ];
  }),
) as Record<ProvTable, (row: Record<string, unknown>) => string>;

/** JSONEachRow lines (canonical form + row_hash) for the writer and the ledger. */
export function provPayload(table: 'prov_activities', rows: ActivityRow[]): Buffer;
export function provPayload(table: 'prov_relations', rows: RelationRow[]): Buffer;
export function provPayload(table: 'prov_artifacts', rows: ArtifactRow[]): Buffer;
export function provPayload(table: ProvTable, rows: object[]): Buffer {
  const lines = new HashedLines();
  for (const r of rows) lines.add(canonicalProvRow(table, r as Record<string, unknown>));
  return lines.done();
}
