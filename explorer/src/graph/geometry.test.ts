import { describe, expect, it } from 'vitest';
import { clipSegment } from './geometry.ts';

describe('edge clipping (canvas)', () => {
  it('keeps the part of a segment inside the view and drops segments outside it', () => {
    expect(clipSegment(-1000, 50, 1000, 50, 0, 0, 100, 100)).toEqual([0, 50, 100, 50]);
    expect(clipSegment(10, 10, 20, 20, 0, 0, 100, 100)).toEqual([10, 10, 20, 20]);
    expect(clipSegment(-10, 200, 500, 300, 0, 0, 100, 100)).toBeUndefined();
    const [ax, ay, bx, by] = clipSegment(-100, -100, 200, 200, 0, 0, 100, 100)!;
    expect([ax, ay, bx, by].map((v) => Math.round(v))).toEqual([0, 0, 100, 100]);
  });
});
