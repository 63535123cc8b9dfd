// Keyboard moves in the graph: from a node to the nearest one in an arrow's direction. Pure.
import type { Box } from './hitTest.ts';

export type Arrow = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

/** The box nearest `from` in direction `dir` (sideways distance counts double), or undefined. */
export function neighbour<T extends Box>(boxes: readonly T[], from: T, dir: Arrow): T | undefined {
  let best: T | undefined;
  let bestD = Infinity;
  for (const b of boxes) {
    if (b === from) continue;
    const dx = b.x - from.x;
    const dy = b.y - from.y;
    const [along, across] = dir === 'ArrowRight' ? [dx, dy] : dir === 'ArrowLeft' ? [-dx, dy] : dir === 'ArrowDown' ? [dy, dx] : [-dy, dx];
    if (along <= 0.5) continue;
    const d = along + 2 * Math.abs(across);
    if (d < bestD) {
      bestD = d;
      best = b;
    }
  }
  return best;
}
