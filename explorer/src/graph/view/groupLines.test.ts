// A group's label is SVG text now (not HTML in a foreignObject): at most two lines, broken between
// words, cut with an ellipsis, and the failures on a line of their own.
import { describe, expect, it } from 'vitest';
import { groupLines } from './SvgGraph.tsx';

describe('a group node label', () => {
  it('keeps a short label on one line', () => {
    expect(groupLines('4 steps: chat ×4', 0)).toEqual([{ text: '4 steps: chat ×4' }]);
  });

  it('breaks a long one between words into two lines and cuts the rest', () => {
    const lines = groupLines('26 steps: chat ×13, lookup_order ×7, send_reply_to_customer ×6, …', 0);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.text).toBe('26 steps: chat ×13,');
    expect(lines[1]!.text.endsWith('…')).toBe(true);
    for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(28);
  });

  it('gives the failures the second line', () => {
    expect(groupLines('26 steps: chat ×13, lookup_order ×7', 2)).toEqual([{ text: '26 steps: chat ×13, lookup_…' }, { text: '2 failed', failed: true }]);
    expect(groupLines('3 steps: chat ×3', 1)).toEqual([{ text: '3 steps: chat ×3' }, { text: '1 failed', failed: true }]);
  });
});
