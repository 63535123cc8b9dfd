import { describe, expect, it } from 'vitest';
import { hitIndex, hitTest, toWorld } from './hitTest.ts';

const box = (id: string, x: number, y: number, w = 150, h = 30): { id: string; x: number; y: number; w: number; h: number } => ({ id, x, y, w, h });

describe('hit testing', () => {
  const items = [box('a', 100, 50), box('b', 300, 50), box('c', 100, 90, 150, 22), box('wide', 900, 400, 600, 40)];
  const index = hitIndex(items);

  it('finds the box under a point, anywhere inside it (edges included)', () => {
    expect(hitTest(index, 100, 50)?.id).toBe('a');
    expect(hitTest(index, 100 - 75, 50 + 15)?.id).toBe('a');
    expect(hitTest(index, 374, 40)?.id).toBe('b');
    expect(hitTest(index, 30, 95)?.id).toBe('c');
  });

  it('finds nothing between boxes or far away', () => {
    expect(hitTest(index, 200, 50)).toBeUndefined();
    expect(hitTest(index, 100, 70)).toBeUndefined();
    expect(hitTest(index, -5000, 9999)).toBeUndefined();
  });

  it('finds a box wider than its neighbours far from its centre', () => {
    expect(hitTest(index, 900 - 290, 410)?.id).toBe('wide');
  });

  it('prefers the nearest centre where boxes overlap', () => {
    const i2 = hitIndex([box('left', 0, 0, 100, 20), box('right', 60, 0, 100, 20)]);
    expect(hitTest(i2, 20, 0)?.id).toBe('left');
    expect(hitTest(i2, 40, 0)?.id).toBe('right');
  });

  it('maps screen points to world points through the zoom transform', () => {
    expect(toWorld({ x: 10, y: 20, k: 2 }, 110, 220)).toEqual([50, 100]);
    const t = { x: -300, y: 40, k: 0.5 };
    const [wx, wy] = toWorld(t, 0, 0);
    expect(wx * t.k + t.x).toBeCloseTo(0);
    expect(wy * t.k + t.y).toBeCloseTo(0);
  });

  it('answers on an empty graph', () => {
    expect(hitTest(hitIndex([]), 0, 0)).toBeUndefined();
  });
});
