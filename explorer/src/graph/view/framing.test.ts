import { describe, expect, it } from 'vitest';
import { boundsOf, frame, READABLE } from './framing.ts';

const view = { w: 1000, h: 600 };
const onScreen = (t: { x: number; y: number; k: number }, wx: number, wy: number): [number, number] => [wx * t.k + t.x, wy * t.k + t.y];

describe('framing nodes readably', () => {
  it('centres a small set and enlarges it up to the cap', () => {
    const r = boundsOf([{ x: 100, y: 100, w: 150, h: 30 }, { x: 400, y: 140, w: 150, h: 30 }])!;
    const t = frame(r, view, { maxK: 1.4 });
    expect(t.k).toBeCloseTo(1.4);
    const [cx, cy] = onScreen(t, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2);
    expect(cx).toBeCloseTo(500);
    expect(cy).toBeCloseTo(300);
  });

  it('never shrinks labels below legible: a long path is framed around its anchor instead', () => {
    const r = { x0: 0, y0: 0, x1: 5000, y1: 80 };
    const anchor = { x: 4900, y: 40 };
    const t = frame(r, view, { anchor });
    expect(t.k).toBe(READABLE);
    const [ax, ay] = onScreen(t, anchor.x, anchor.y);
    expect(ax).toBeGreaterThan(0);
    expect(ax).toBeLessThan(view.w);
    expect(ay).toBeCloseTo(300);
    // the path's far end is off to the left, the anchor's right neighbour in view
    expect(onScreen(t, r.x1, 0)[0]).toBeLessThanOrEqual(view.w);
  });

  it('fits what fits at a legible scale, smaller than the cap', () => {
    const r = { x0: 0, y0: 0, x1: 900, y1: 100 };
    const t = frame(r, view);
    expect(t.k).toBeGreaterThanOrEqual(READABLE);
    expect(onScreen(t, 0, 0)[0]).toBeGreaterThanOrEqual(0);
    expect(onScreen(t, 900, 0)[0]).toBeLessThanOrEqual(1000);
  });
});
