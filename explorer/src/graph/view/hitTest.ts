// Which node is under a point: pure (no DOM), so the canvas renderer's clicks are unit-tested.
// Boxes are centre-based (x, y is the middle, as the layout places them).
import * as d3 from 'd3';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface HitIndex<T extends Box> {
  tree: d3.Quadtree<T>;
  /** the widest and tallest box: how far from a centre a hit can be */
  maxW: number;
  maxH: number;
}

export function hitIndex<T extends Box>(items: readonly T[]): HitIndex<T> {
  let maxW = 0;
  let maxH = 0;
  for (const q of items) {
    if (q.w > maxW) maxW = q.w;
    if (q.h > maxH) maxH = q.h;
  }
  const tree = d3
    .quadtree<T>()
    .x((q) => q.x)
    .y((q) => q.y)
    .addAll(items as T[]);
  return { tree, maxW, maxH };
}

/** The box that contains the world point (wx, wy), the one whose centre is nearest if boxes overlap. */
export function hitTest<T extends Box>(index: HitIndex<T>, wx: number, wy: number): T | undefined {
  const x0 = wx - index.maxW / 2;
  const x1 = wx + index.maxW / 2;
  const y0 = wy - index.maxH / 2;
  const y1 = wy + index.maxH / 2;
  let best: T | undefined;
  let bestD = Infinity;
  index.tree.visit((node, nx0, ny0, nx1, ny1) => {
    if (!node.length) {
      for (let leaf: d3.QuadtreeLeaf<T> | undefined = node as d3.QuadtreeLeaf<T>; leaf; leaf = leaf.next) {
        const q = leaf.data;
        if (Math.abs(q.x - wx) <= q.w / 2 && Math.abs(q.y - wy) <= q.h / 2) {
          const d = (q.x - wx) ** 2 + (q.y - wy) ** 2;
          if (d < bestD) {
            bestD = d;
            best = q;
          }
        }
      }
    }
    // skip quadrants that cannot hold a centre close enough
    return nx0 > x1 || nx1 < x0 || ny0 > y1 || ny1 < y0;
  });
  return best;
}

/** A screen point (relative to the drawing's top left) in world coordinates under a zoom transform. */
export function toWorld(t: { x: number; y: number; k: number }, sx: number, sy: number): [number, number] {
  return [(sx - t.x) / t.k, (sy - t.y) / t.k];
}
