// Content-flow hits read through the keyed fingerprint index (schemas/sql/016) are the hits the
// old per-row index (007's prov_fingerprints) gives for the same artifacts, and a store that
// holds rows of both (written before and after the upgrade) reads as one index.
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
    // After the upgrade every artifact is stored again, and those of tenant "other" only now:
    // they reach the keyed index alone (007's view is gone), and both read as one index.
    await ch.insertJsonEachRow('prov_artifacts', [Buffer.from(`${all.map(line).join('\n')}\n`)], INSERT_SETTINGS);
    const [oldCount] = await ch.query<{ n: string }>('SELECT count() AS n FROM causeway.prov_fingerprints');
    expect(Number(oldCount!.n)).toBe(oldRows.length);
    // One keyed row per fingerprint (016's view is replaced, not doubled), none holding a position.
    const [keyed] = await ch.query<{ n: string; placed: string }>('SELECT count() AS n, countIf(pos != 0) AS placed FROM causeway.prov_fingerprint_index');
    expect({ n: Number(keyed!.n), placed: Number(keyed!.placed) }).toEqual({ n: all.reduce((s, a) => s + a.fingerprints.length, 0), placed: 0 });
    expect(await t.fingerprintHits('t', fps)).toEqual(want);
    const other = expected(all, 'other', fps);
    expect(other.length).toBeGreaterThan(10);
    expect(await new ProvenanceReads(ch, 'other').fingerprintHits('other', fps)).toEqual(other);
  });
});
