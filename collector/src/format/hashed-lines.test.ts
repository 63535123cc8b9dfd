import { describe, expect, it } from 'vitest';
import { HashedLines } from './hashed-lines.ts';
import { rowLeafHash } from './canonical-row.ts';

/** The line as it was built before: the text without its brace, the tail, from a string hash. */
function reference(canonical: string): string {
  return `${canonical.slice(0, -1)},"row_hash":"${rowLeafHash(canonical)}"}\n`;
}

const ROWS = [
  '{"tenant":"default","a":1}',
  '{"tenant":"t","s":"héllo wörld — 日本語 🎉"}',
  `{"tenant":"t","tag":"\u{e000}[REDACTED:email:0badc0de]\u{e001}"}`,
  '{}',
];

describe('HashedLines', () => {
  it('writes the same bytes and row_hash as hashing each canonical string and joining the lines', () => {
    const lines = new HashedLines();
    const hashes = ROWS.map((r) => lines.add(r));
    expect(lines.done().toString('utf8')).toBe(ROWS.map(reference).join(''));
    expect(hashes).toEqual(ROWS.map((r) => rowLeafHash(r)));
  });

  it('keeps earlier lines intact when it grows past its buffer, and a payload intact after the next is built', () => {
    const big = `{"s":"${'é'.repeat(400_000)}x"}`;
    const rows = [ROWS[1]!, big, ROWS[0]!, big, ROWS[2]!];
    const first = new HashedLines();
    for (const r of rows) first.add(r);
    const payload = first.done();
    const second = new HashedLines();
    second.add(ROWS[3]!);
    expect(second.done().toString('utf8')).toBe(reference(ROWS[3]!));
    expect(payload.toString('utf8')).toBe(rows.map(reference).join(''));
    expect(payload.byteOffset).toBe(0);
    expect(payload.buffer.byteLength).toBe(payload.length);
  });
});
