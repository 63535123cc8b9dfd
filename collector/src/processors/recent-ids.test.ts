import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.ts';

const id = (): string => randomBytes(16).toString('hex');

describe('RecentIds', () => {
  it('never holds more ids than its limit, and holds the newest', () => {
    const s = new RecentIds(100);
    const ids = Array.from({ length: 10_000 }, id);
    for (const x of ids) {
      s.add(x);
      expect(s.size).toBeLessThanOrEqual(100);
    }
    expect(s.has(ids.at(-1)!)).toBe(true);
    expect(ids.slice(0, 9_000).filter((x) => s.has(x))).toEqual([]);
  });

  it('keeps an id that is asked for while others pass through, and forgets one that is not', () => {
    const s = new RecentIds(10);
    const [hot, cold] = [id(), id()];
    s.add(hot);
    s.add(cold);
    for (let i = 0; i < 1_000; i++) {
      s.add(id());
      if (i % 4 === 0) expect(s.has(hot)).toBe(true);
    }
    expect(s.has(hot)).toBe(true);
    expect(s.has(cold)).toBe(false);
  });

  it('tells ids apart that share their first words, and never holds what is not 32 hex digits (written again, never mistaken)', () => {
    const s = new RecentIds(1_000);
    const a = `${'0'.repeat(24)}00000001`;
    const b = `${'0'.repeat(24)}00000002`;
    s.add(a);
    expect(s.has(a)).toBe(true);
    expect(s.has(b)).toBe(false);
    s.add('default/not-an-id');
    expect(s.has('default/not-an-id')).toBe(false);
    expect(s.size).toBe(1);
  });

  it('keeps every id up to half its limit as its tables grow', () => {
    const s = new RecentIds(20_000);
    const ids = Array.from({ length: 10_000 }, id);
    for (const x of ids) s.add(x);
    expect(s.size).toBe(10_000);
    expect(ids.filter((x) => !s.has(x))).toEqual([]);
  });
});
