// Content-flow hits read through the keyed fingerprint indexes (schemas/sql/016, 64-bit keys;
// 020, 32-bit keys) are the hits the old per-row index (007's prov_fingerprints) gives for the
// same artifacts, and a store that holds rows of all three (written before and after each
// upgrade) reads as one index.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from '../clickhouse.ts';
import { migrate } from '../migrate.ts';
import { INSERT_SETTINGS } from '../writer.ts';
import { ProvenanceReads } from './provenance.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-fpindex-'), database: 'causeway' });
  await migrate(ch);
});
afterAll(() => ch?.close());

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
/** 90 artifacts over 3 tenants; fingerprints drawn from a small pool, so many are shared (more than 64 artifacts hold fp 0). */
function artifacts(): { tenant: string; artifact_id: string; fingerprints: string[]; fp_positions: number[] }[] {
  return Array.from({ length: 90 }, (_, i) => {
    const fps = Array.from({ length: 12 }, (_, j) => (j === 0 ? 0n : BigInt(`0x${hex(`fp${(i * 7 + j * 13) % 40}`, 16)}`)).toString());
    return { tenant: i % 9 === 0 ? 'other' : 't', artifact_id: hex(`a${i}`, 32), fingerprints: fps, fp_positions: fps.map((_, j) => (j * 31 + i) % 500) };
  });
}
const line = (a: ReturnType<typeof artifacts>[number]): string =>
  JSON.stringify({ ...a, trace_id: hex(`t${a.artifact_id}`, 32), span_id: hex(`s${a.artifact_id}`, 16), kind: 'document', row_hash: hex(`r${a.artifact_id}`, 64) });

/** The hits as the read defines them: per fingerprint (ordered as its decimal text, as the query's alias is), the first 64 artifacts by id holding it (positions are read from the holder's row, schemas/sql/017). */
function expected(all: ReturnType<typeof artifacts>, tenant: string, fps: string[]): { fp: string; artifact_id: string }[] {
  const out: { fp: string; artifact_id: string }[] = [];
  for (const fp of [...new Set(fps)].sort()) {
    const holders = all
      .filter((a) => a.tenant === tenant && a.fingerprints.includes(fp))
      .map((a) => ({ fp, artifact_id: a.artifact_id }))
      .sort((x, y) => (x.artifact_id < y.artifact_id ? -1 : 1));
    out.push(...holders.slice(0, 64));
  }
  return out;
}

describe('fingerprint hits', () => {
  it('are the same from the keyed index as from the per-row table, alone and mixed with it', async () => {
    const all = artifacts();
    const fps = [...new Set(all.flatMap((a) => a.fingerprints))];
    // A store from before 016: what 007's index held for tenant t's artifacts.
    const old = all.filter((a) => a.tenant === 't');
    const oldRows = old.flatMap((a) => a.fingerprints.map((fp, j) => JSON.stringify({ tenant: a.tenant, fp, artifact_id: a.artifact_id, pos: a.fp_positions[j] })));
    await ch.insertJsonEachRow('prov_fingerprints', [Buffer.from(`${oldRows.join('\n')}\n`)], INSERT_SETTINGS);
    const t = new ProvenanceReads(ch, 't');
    const want = expected(all, 't', fps);
    expect(want.filter((h) => h.fp === '0')).toHaveLength(64);
    expect(await t.fingerprintHits('t', fps)).toEqual(want);
    // A store from 016 to 019: some of tenant t's artifacts in the 64-bit keyed index.
    const key64 = (id: string): string => BigInt(`0x${id.slice(0, 16)}`).toString();
    const mid = old.filter((_, i) => i % 3 === 1);
    await ch.insertJsonEachRow('prov_fingerprint_index', [Buffer.from(`${mid.flatMap((a) => a.fingerprints.map((fp) => JSON.stringify({ tenant: a.tenant, fp, artifact_key: key64(a.artifact_id), pos: 0 }))).join('\n')}\n`)], INSERT_SETTINGS);
    await ch.insertJsonEachRow('prov_artifact_keys', [Buffer.from(`${mid.map((a) => JSON.stringify({ tenant: a.tenant, artifact_key: key64(a.artifact_id), artifact_id: a.artifact_id })).join('\n')}\n`)], INSERT_SETTINGS);
    expect(await t.fingerprintHits('t', fps)).toEqual(want);
    // After the upgrade every artifact is stored again, and those of tenant "other" only now:
    // they reach 020's index alone (007's and 016's views are gone), and all read as one index.
    await ch.insertJsonEachRow('prov_artifacts', [Buffer.from(`${all.map(line).join('\n')}\n`)], INSERT_SETTINGS);
    const count = async (table: string): Promise<number> => Number((await ch.query<{ n: string }>(`SELECT count() AS n FROM causeway.${table}`))[0]!.n);
    expect(await count('prov_fingerprints')).toBe(oldRows.length);
    expect(await count('prov_fingerprint_index')).toBe(mid.reduce((s, a) => s + a.fingerprints.length, 0));
    // one 32-bit keyed row per fingerprint, one id row per artifact row
    expect(await count('prov_fingerprint_holders')).toBe(all.reduce((s, a) => s + a.fingerprints.length, 0));
    expect(await count('prov_holder_ids')).toBe(all.length);
    expect(await t.fingerprintHits('t', fps)).toEqual(want);
    const other = expected(all, 'other', fps);
    expect(other.length).toBeGreaterThan(10);
    expect(await new ProvenanceReads(ch, 'other').fingerprintHits('other', fps)).toEqual(other);
  });

  // (content flow then keeps a candidate only for fingerprints its own row holds: content-flow.ts placeTheirs)
  it('name every artifact whose 32-bit key a hit has: a key shared by two ids gives both', async () => {
    const holder = hex('shared-holder', 32);
    // the same first 8 hex digits, a different artifact
    const twin = `${holder.slice(0, 8)}${hex('twin', 24)}`;
    const fp = BigInt(`0x${hex('only-the-holder', 16)}`).toString();
    const other = BigInt(`0x${hex('only-the-twin', 16)}`).toString();
    const rows = [
      { tenant: 'k', artifact_id: holder, fingerprints: [fp], fp_positions: [0] },
      { tenant: 'k', artifact_id: twin, fingerprints: [other], fp_positions: [0] },
    ];
    await ch.insertJsonEachRow('prov_artifacts', [Buffer.from(`${rows.map(line).join('\n')}\n`)], INSERT_SETTINGS);
    const hits = await new ProvenanceReads(ch, 'k').fingerprintHits('k', [fp]);
    expect(hits.map((h) => h.artifact_id).sort()).toEqual([holder, twin].sort());
  });
});
