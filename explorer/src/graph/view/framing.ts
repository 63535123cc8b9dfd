// Where to put the view so that a set of nodes is readable: labels are drawn at 11 px in world
// units, so a scale of 1 shows them at 11 px. A set too large to fit at that scale is framed
// around its anchor (the node the question is about) rather than shrunk into illegibility. Pure.
import type { Box } from './hitTest.ts';

/** the smallest scale at which node labels are legible (≥ 11 px) */
export const READABLE = 1;

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Framing {
  x: number;
  y: number;
  k: number;
}

export function boundsOf(boxes: readonly Box[]): Rect | undefined {
  if (boxes.length === 0) return undefined;
  const r = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const b of boxes) {
    r.x0 = Math.min(r.x0, b.x - b.w / 2);
    r.x1 = Math.max(r.x1, b.x + b.w / 2);
    r.y0 = Math.min(r.y0, b.y - b.h / 2);
    r.y1 = Math.max(r.y1, b.y + b.h / 2);
  }
  return r;
}

/**
 * The transform that shows `r` in a `view`-sized drawing: as large as fits (at most `maxK`),
 * never below `minK`. When `r` does not fit at `minK`, the anchor is kept in view, three
 * quarters across (what led to it is on its left) and centred vertically.
 */
export function frame(r: Rect, view: { w: number; h: number }, o: { minK?: number; maxK?: number; pad?: number; anchor?: { x: number; y: number } } = {}): Framing {
  const pad = o.pad ?? 40;
  const minK = o.minK ?? READABLE;
  const maxK = Math.max(minK, o.maxK ?? 1.4);
  const bw = Math.max(1, r.x1 - r.x0);
  const bh = Math.max(1, r.y1 - r.y0);
  const fit = Math.min((view.w - 2 * pad) / bw, (view.h - 2 * pad) / bh);
  const k = Math.max(minK, Math.min(maxK, fit));
  const fitsX = bw * k <= view.w - 2 * pad;
  const fitsY = bh * k <= view.h - 2 * pad;
  const a = o.anchor ?? { x: (r.x0 + r.x1) / 2, y: (r.y0 + r.y1) / 2 };
  const x = fitsX ? view.w / 2 - ((r.x0 + r.x1) / 2) * k : Math.min(pad - r.x0 * k, Math.max(view.w - pad - r.x1 * k, view.w * 0.75 - a.x * k));
  const y = fitsY ? view.h / 2 - ((r.y0 + r.y1) / 2) * k : view.h / 2 - a.y * k;
  return { x, y, k };
}
