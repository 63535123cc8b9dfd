import type { LogRow, RelationRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { rowLeafHash } from '../format/canonical-row.ts';
import { canonicalProvRow, provPayload } from '../format/prov-lines.ts';
import { logsPayload } from '../format/row-line.ts';
import { entriesOf } from './ledger-entries.ts';

const relation = (tenant: string, i: number): RelationRow => ({
  tenant,
  trace_id: '5b8efff798038103d269b633813fc60c',
  span_id: `eee19b7ec3c1b1${String(i).padStart(2, '0')}`,
  relation: 'used',
  artifact_id: `${i}`.padStart(32, 'a'),
  artifact_kind: 'user_prompt',
  container_id: '',
  call_id: '',
  tool_name: '',
  role: 'user',
  origin: 'explicit',
  seq: i,
});

const log: LogRow = {
  tenant: 'default',
  trace_id: '',
  span_id: '',
  time_unix_nano: '1700000000000000000',
  observed_time_unix_nano: '1700000000000000000',
  severity_number: 9,
  severity_text: 'INFO',
  event_name: '',
  body: { key: '', type: 'string', str: 'no trace' },
  attributes: [],
  dropped_attributes_count: 0,
  flags: 0,
  service_name: 'svc',
  resource_attributes: [],
  resource_dropped_attributes_count: 0,
  resource_schema_url: '',
  scope_name: '',
  scope_version: '',
  scope_attributes: [],
  scope_dropped_attributes_count: 0,
  scope_schema_url: '',
  redactions: [],
};

/** TabSeparated cells back to bytes. */
function cells(tsv: Buffer): Buffer[][] {
  const lines: Buffer[][] = [];
  let row: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < tsv.length; i++) {
    const b = tsv[i]!;
    if (b === 0x5c) {
      const e = tsv[++i]!;
      cur.push(e === 0x74 ? 0x09 : e === 0x6e ? 0x0a : e);
    } else if (b === 0x09 || b === 0x0a) {
      row.push(Buffer.from(cur));
      cur = [];
      if (b === 0x0a) {
        lines.push(row);
        row = [];
      }
    } else cur.push(b);
  }
  return lines;
}

describe('ledger entries from spool payloads', () => {
  it('reads every line: its leaf hash, tenant (escapes undone), trace and span ids as bytes, in order and numbered from the first index', () => {
    const odd = 'team\t"a"\\b\nc'; // every byte TSV and JSON escape
    const rels = [relation(odd, 1), relation(odd, 2), relation('default', 3)];
    const batch = [
      { table: 'logs', payloads: [logsPayload([log])] },
      { table: 'prov_relations', payloads: [provPayload('prov_relations', rels.slice(0, 2)), provPayload('prov_relations', rels.slice(2))] },
    ];
    const e = entriesOf(batch, 'ab'.repeat(16), 40);
    expect(e.count).toBe(4);
    const hashes = [
      /"row_hash":"([0-9a-f]{64})"/.exec(logsPayload([log]).toString())![1]!,
      ...rels.map((r) => rowLeafHash(canonicalProvRow('prov_relations', r as unknown as Record<string, unknown>))),
    ];
    expect(Array.from({ length: 4 }, (_, i) => e.leaves.subarray(i * 32, i * 32 + 32).toString('hex'))).toEqual(hashes);
    const [header, ...rows] = cells(e.tsv);
    expect(header!.map(String)).toEqual(['log_id', 'leaf_index', 'leaf_hash', 'tbl', 'tenant', 'trace_id', 'span_id']);
    expect(rows.map((r) => [r[0]!.toString(), r[1]!.toString(), r[2]!.toString('hex'), r[3]!.toString(), r[4]!.toString(), r[5]!.toString('hex'), r[6]!.toString('hex')])).toEqual([
      ['ab'.repeat(16), '40', hashes[0], 'logs', 'default', '0'.repeat(32), '0'.repeat(16)],
      ['ab'.repeat(16), '41', hashes[1], 'prov_relations', odd, '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b101'],
      ['ab'.repeat(16), '42', hashes[2], 'prov_relations', odd, '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b102'],
      ['ab'.repeat(16), '43', hashes[3], 'prov_relations', 'default', '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b103'],
    ]);
  });

  it('refuses a line without its row hash or with ids that are not hex', () => {
    const line = provPayload('prov_relations', [relation('default', 1)]).toString();
    const entries = (text: string): unknown => entriesOf([{ table: 'prov_relations', payloads: [Buffer.from(text)] }], 'x', 0);
    expect(() => entries(line.replace(/,"row_hash":"[0-9a-f]+"/, ''))).toThrow(/does not end with its row_hash/);
    expect(() => entries(line.replace(/"row_hash":"[0-9a-f]/, '"row_hash":"z'))).toThrow(/does not end with its row_hash/);
    expect(() => entries(line.replace('"span_id":"eee1', '"span_id":"xee1'))).toThrow(/span_id is not 16 hex digits/);
    expect(() => entries(line.replace('{"tenant"', '{"owner"'))).toThrow(/does not start with its tenant/);
  });
});
