import { appendFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'spool-test-'));

describe('Spool', () => {
  it('replays every appended record that was not committed, in order', async () => {
    const d = dir();
    const { spool } = await Spool.open(d);
    const recs = await Promise.all([1, 2, 3, 4].map((i) => spool.append(Buffer.from(`row ${i}\n`), i)));
    spool.commit(recs[1]!, 12);
    await spool.close();
    const { pending } = await Spool.open(d);
    expect(pending.map((r) => r.payload.toString())).toEqual(['row 3\n', 'row 4\n']);
    expect(pending.map((r) => r.rows)).toEqual([3, 4]);
  });

  it('cuts off a torn tail left by a crash mid-write, keeping the records before it', async () => {
    const d = dir();
    const { spool } = await Spool.open(d);
    await spool.append(Buffer.from('complete\n'), 1);
    await spool.close();
    const seg = readdirSync(d).find((f) => f.endsWith('.seg'))!;
    const before = statSync(join(d, seg)).size;
    appendFileSync(join(d, seg), Buffer.from([40, 0, 0, 0, 1, 2, 3])); // header of a record never finished
    const { pending } = await Spool.open(d);
    expect(pending.map((r) => r.payload.toString())).toEqual(['complete\n']);
    expect(statSync(join(d, seg)).size).toBe(before);
  });

  it('ignores a record whose checksum does not match', async () => {
    const d = dir();
    const { spool } = await Spool.open(d);
    await spool.append(Buffer.from('good\n'), 1);
    await spool.close();
    const seg = readdirSync(d).find((f) => f.endsWith('.seg'))!;
    const bad = Buffer.alloc(12 + 4);
    bad.writeUInt32LE(4, 0);
    bad.writeUInt32LE(12345, 4);
    bad.writeUInt32LE(1, 8);
    appendFileSync(join(d, seg), bad);
    const { pending } = await Spool.open(d);
    expect(pending.map((r) => r.payload.toString())).toEqual(['good\n']);
  });

  it('deletes segments once everything in them is committed', async () => {
    const d = dir();
    const { spool } = await Spool.open(d, 64); // tiny segments: rotate after every append
    const recs = [];
    for (let i = 0; i < 5; i++) recs.push(await spool.append(Buffer.alloc(100, 65), 1));
    expect(readdirSync(d).filter((f) => f.endsWith('.seg')).length).toBeGreaterThanOrEqual(5);
    spool.commit(recs[4]!, 500);
    await spool.close();
    // only the fresh, empty active segment is left
    const left = readdirSync(d).filter((f) => f.endsWith('.seg'));
    expect(left).toHaveLength(1);
    expect(statSync(join(d, left[0]!)).size).toBe(0);
    expect(spool.diskBytes).toBe(0);
  });
});
