import { describe, expect, it } from 'vitest';
import { copiedShare } from './copied-text.ts';

describe('copied text', () => {
  it("a copied-text link's strength is the share of the shorter text its shared grams cover", () => {
    const c = (mine: number[], theirs: number[]) => ({ shared: mine.length, idx: mine.map((_, i) => i), mine, theirs, sensitive: mine.map(() => false) });
    // grams at 0, 4 and 30 cover [0, 14) and [30, 40): 24 of the shorter side's 48 characters
    expect(copiedShare(c([0, 4, 30], [100, 104, 130]), 48, 400)).toBe(0.5);
    // the shorter side decides: here the source
    expect(copiedShare(c([0, 4, 30], [0, 10]), 400, 20)).toBe(1);
    expect(copiedShare(c([], []), 0, 0)).toBe(0);
  });
});
