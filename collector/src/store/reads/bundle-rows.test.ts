// A bundle's provenance rows are the same whether a row was stored with its row_hash (before
// store/insert-lines.ts) or without it: one per distinct row, by trace, span, seq (artifacts: by
// id), then by the hash rebuilt from the row's columns, which is its ledger leaf.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { rowLeafHash } from '../../format/canonical-row.ts';
import { canonicalProvRow, provPayload } from '../../format/prov-lines.ts';
import { type ClickHouse, openClickHouse } from '../clickhouse.ts';
import { withoutRowHash } from '../insert-lines.ts';
import { migrate } from '../migrate.ts';
import { INSERT_SETTINGS } from '../writer.ts';
import { BundleRows } from './bundle-rows.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-bundle-rows-'), database: 'causeway' });
  await migrate(ch);
});
afterAll(() => ch?.close());

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
const TRACES = [hex('t1', 32), hex('t2', 32)];

const rel = (i: number) => ({
  tenant: i % 11 === 0 ? 'other' : 't',
  trace_id: TRACES[i % 2]!,
  span_id: hex(`s${i % 5}`, 16),
  relation: 'used' as const,
  artifact_id: hex(`a${i}`, 32),
  artifact_kind: 'document' as const,
  container_id: '',
  call_id: '',
  tool_name: '',
  role: `r${i % 3} "q" \\ ü`,
  origin: 'span' as const,
  // several rows share (trace, span, seq): the hash orders them
  seq: i % 2,
});
const art = (i: number, trace: number) => ({
  tenant: 't',
  trace_id: TRACES[trace]!,
  span_id: hex(`s${i}`, 16),
  artifact_id: hex(`a${i % 4}`, 32),
  kind: 'document' as const,
  content: `text ${i % 4}`,
  content_length: 6,
  tool_name: '',
  document_id: '',
  source: '',
  fingerprints: ['18446744073709551615', `${i % 4}`],
  fp_positions: [0, 3],
  normalized_length: 6,
  parts: [],
});

describe('bundle provenance rows', () => {
  it('are one per distinct row in (key, hash) order, rows stored with and without their row_hash alike', async () => {
    const rels = Array.from({ length: 60 }, (_, i) => rel(i));
    const arts = Array.from({ length: 12 }, (_, i) => art(i, i % 2));
    // the first half as stored before (with row_hash), all of them again as stored now (without): each row twice
    const half = <T>(xs: T[]): T[] => xs.slice(0, xs.length / 2);
    await ch.insertJsonEachRow('prov_relations', [provPayload('prov_relations', half(rels))], INSERT_SETTINGS);
    await ch.insertJsonEachRow('prov_relations', [withoutRowHash([provPayload('prov_relations', rels)])], INSERT_SETTINGS);
    await ch.insertJsonEachRow('prov_artifacts', [provPayload('prov_artifacts', half(arts))], INSERT_SETTINGS);
    await ch.insertJsonEachRow('prov_artifacts', [withoutRowHash([provPayload('prov_artifacts', arts)])], INSERT_SETTINGS);
    const [{ stored }] = (await ch.query<{ stored: string }>(`SELECT countIf(row_hash != toFixedString('', 64)) AS stored FROM causeway.prov_relations`)) as [{ stored: string }];
    expect(Number(stored)).toBe(30);

    const b = new BundleRows(ch, 't');
    const want = <T extends object>(table: 'prov_relations' | 'prov_artifacts', rows: T[], key: (r: T) => string) =>
      rows
        .map((r) => ({ line: canonicalProvRow(table, r as Record<string, unknown>), k: key(r) }))
        .map((x) => ({ ...x, h: rowLeafHash(x.line) }))
        .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.h < y.h ? -1 : x.h > y.h ? 1 : 0));
    const gotRels = await b.provOfTraces('prov_relations', TRACES);
    const wantRels = want('prov_relations', rels.filter((r) => r.tenant === 't'), (r) => `${r.trace_id}/${r.span_id}/${r.seq}`);
    expect(gotRels.map((r) => canonicalProvRow('prov_relations', r))).toEqual(wantRels.map((x) => x.line));
    expect(gotRels.map((r) => r.row_hash)).toEqual(wantRels.map((x) => x.h));

    const ids = [...new Set(arts.map((a) => a.artifact_id))];
    const gotArts = await b.artifacts(ids);
    const wantArts = want('prov_artifacts', arts, (a) => a.artifact_id);
    expect(gotArts.map((r) => canonicalProvRow('prov_artifacts', r))).toEqual(wantArts.map((x) => x.line));
    expect(gotArts.map((r) => r.row_hash)).toEqual(wantArts.map((x) => x.h));
  });
});
