// Where artifacts appear (022: small granules). A store made before 022 has its appearances copied
// into the new table, rows written after reach it through its own view, and every artifact reads
// as its first `limit` distinct rows in key order — also an artifact crowded enough to be read
// alone (in key order, where LIMIT stops) rather than with the others.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Appearance } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from '../clickhouse.ts';
import { SCHEMA_DIR, statements } from '../migrate.ts';
import { INSERT_SETTINGS } from '../writer.ts';
import { ProvenanceReads } from './provenance.ts';

let ch: ClickHouse;
const apply = async (f: string): Promise<void> => {
  for (const s of statements(readFileSync(join(SCHEMA_DIR, f), 'utf8'))) await ch.command(s.replaceAll('{db}', 'causeway'));
};
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-appearances-'), database: 'causeway' });
  // the provenance tables as 007 made them, not the whole schema
  await ch.command('CREATE DATABASE IF NOT EXISTS causeway');
  await apply('007_provenance.sql');
});
afterAll(() => ch?.close());

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
const CROWDED = hex('system prompt', 32);
/** crowded too, its first (trace, span) written many times: a read of its first rows in key order holds repeats only */
const REPEATED = hex('repeated', 32);
const FEW = Array.from({ length: 12 }, (_, i) => hex(`doc${i}`, 32));

/** Relation rows: a crowded artifact in 1,500 (trace, span) pairs, used and generated at some, each row twice at some; the others a few times; another tenant's too. */
function relations(round: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const rel = (tenant: string, artifact_id: string, i: number, relation: string, container_id = ''): void => {
    rows.push({ tenant, trace_id: hex(`${round}t${i % 300}`, 32), span_id: hex(`${round}s${i}`, 16), relation, artifact_id, artifact_kind: 'document', container_id, call_id: '', tool_name: '', role: 'r', origin: 'span', seq: i % 50, row_hash: hex(`${round}${tenant}${artifact_id}${i}${relation}${container_id}`, 64) });
  };
  for (let i = 0; i < 1500; i++) {
    rel('t', CROWDED, i, 'used');
    if (i % 7 === 0) rel('t', CROWDED, i, 'generated');
    if (i % 11 === 0) rel('t', CROWDED, i, 'used', FEW[0]);
    if (i % 13 === 0) rel('t', CROWDED, i, 'used'); // a repeat (the same row written twice)
    if (i % 5 === 0) rel('other', CROWDED, i, 'used');
  }
  for (let i = 0; i < 12; i++) rows.push({ ...rows[0]!, artifact_id: REPEATED, trace_id: '0'.repeat(32), span_id: '0'.repeat(16), row_hash: hex(`${round}rep${i}`, 64) });
  for (let i = 0; i < 600; i++) rel('t', REPEATED, i, 'used');
  FEW.forEach((id, k) => {
    for (let i = 0; i < k + 1; i++) rel('t', id, 2000 + k * 10 + i, i % 2 ? 'generated' : 'used');
  });
  return rows;
}
const insert = (rows: Record<string, unknown>[]): Promise<void> => ch.insertJsonEachRow('prov_relations', [Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`)], INSERT_SETTINGS);

/** The read as defined: per artifact (in id order), its distinct rows by trace, span, relation, container, the first `limit`. */
function expected(rows: Record<string, unknown>[], ids: string[], limit: number, relation?: string): Appearance[] {
  const key = (a: Appearance): string => [a.artifact_id, a.trace_id, a.span_id, a.relation, a.container_id].join('|');
  const all = new Map<string, Appearance>();
  for (const r of rows) {
    const a = { artifact_id: r.artifact_id, trace_id: r.trace_id, span_id: r.span_id, relation: r.relation, container_id: r.container_id } as Appearance;
    if (r.tenant === 't' && ids.includes(a.artifact_id) && (!relation || a.relation === relation)) all.set(key(a), a);
  }
  const sorted = [...all.values()].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return [...new Set(ids)].sort().flatMap((id) => sorted.filter((a) => a.artifact_id === id).slice(0, limit));
}

describe('appearances', () => {
  it('are copied from a store made before 022, reach the new table after it, and read as each artifact\'s first rows in key order, a crowded one read alone', async () => {
    const before = relations('a');
    await insert(before);
    await apply('022_appearances_fine.sql');
    const after = relations('b');
    await insert(after);
    const count = async (table: string): Promise<number> => Number((await ch.query<{ n: string }>(`SELECT count() AS n FROM causeway.${table}`))[0]!.n);
    // 007's view is gone: its table kept what it had; the new one has every row, once
    expect(await count('prov_appearances')).toBe(before.length);
    expect(await count('prov_appearances_fine')).toBe(before.length + after.length);

    const sql: string[] = [];
    /** artifacts read alone (by their first rows) */
    const alone: unknown[] = [];
    const spied = new Proxy(ch, {
      get: (target, prop, recv) =>
        prop === 'query'
          ? (q: string, p?: Record<string, unknown>) => (sql.push(q), alone.push(...Object.entries(p ?? {}).flatMap(([k, v]) => (/^a\d+$/.test(k) ? [v] : []))), target.query(q, p))
          : Reflect.get(target, prop, recv),
    });
    const reads = new ProvenanceReads(spied, 't');
    const rows = [...before, ...after];
    const ids = [CROWDED, REPEATED, ...FEW, hex('nowhere', 32)];
    for (const limit of [1, 5, 200, 10_000]) expect(await reads.appearances('t', ids, limit)).toEqual(expected(rows, ids, limit));
    expect(await reads.appearances('t', ids, 200, ['generated'])).toEqual(expected(rows, ids, 200, 'generated'));
    // the crowded artifact (3,000+ rows: more than 256-row granules) was read alone, the others together
    expect(sql.some((q) => /artifact_id = \{a0:String\}/.test(q))).toBe(true);
    expect(await reads.appearances('t', [CROWDED], 200)).toEqual(expected(rows, [CROWDED], 200));
    expect(await reads.appearances('t', FEW, 3)).toEqual(expected(rows, FEW, 3));
    // the store's crowded artifacts were read from the index once, for every call since
    expect(sql.filter((q) => q.includes('mergeTreeIndex')).length).toBe(1);

    // An artifact crowded after the list was read is read whole until the list is read again:
    // the same rows either way.
    const LATE = hex('crowded late', 32);
    const late = Array.from({ length: 900 }, (_, i) => ({ ...before[0]!, artifact_id: LATE, trace_id: hex(`late t${i % 90}`, 32), span_id: hex(`late s${i}`, 16), row_hash: hex(`late${i}`, 64) }));
    await insert(late);
    const all = [...rows, ...late];
    sql.length = 0;
    expect(await reads.appearances('t', [LATE, ...FEW], 200)).toEqual(expected(all, [LATE, ...FEW], 200));
    expect(sql.filter((q) => q.includes('mergeTreeIndex'))).toEqual([]);
    expect(alone).not.toContain(LATE);
    const fresh = new ProvenanceReads(spied, 't', 0);
    for (let k = 0; k < 2; k++) expect(await fresh.appearances('t', [LATE, ...FEW], 200)).toEqual(expected(all, [LATE, ...FEW], 200));
    expect(sql.filter((q) => q.includes('mergeTreeIndex')).length).toBe(2);
    expect(alone.filter((a) => a === LATE).length).toBe(2);
  });
});
