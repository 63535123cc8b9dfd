// What a copied-text link says of the copy: how strong it is and where the copied text lies on
// each side, from the shared fingerprints' positions (content-flow.ts finds them).
import { K } from '../fingerprint.ts';
import type { Shared } from './candidates.ts';

/**
 * A copied-text link's strength: the share of the shorter text (normalized) covered by the
 * shared fingerprints' grams. Not the share of its fingerprints: which grams winnowing keeps
 * depends on the tenant key, so counts of a short copy (an address into a call's arguments)
 * swing with the key (0.12–0.24 for one copy over 150 keys), while the characters they cover
 * hardly do (0.23–0.32): every window of W grams of shared text keeps one, and each covers K > W.
 */
export function copiedShare(c: Shared, mineLength: number, theirsLength: number): number {
  const [positions, length] = mineLength <= theirsLength ? [c.mine, mineLength] : [c.theirs, theirsLength];
  return length > 0 ? Math.min(1, covered(positions) / length) : 0;
}

/** Characters covered by grams starting at `positions` (each K long). */
function covered(positions: number[]): number {
  const sorted = [...positions].sort((a, b) => a - b);
  let total = 0;
  let end = -Infinity;
  for (const p of sorted) {
    total += Math.max(0, p + K - Math.max(p, end));
    end = Math.max(end, p + K);
  }
  return total;
}

/** The copied extent on each side: [first, last + K) of the shared fingerprints' positions. */
export function copiedExtent(c: Shared): { from: [number, number]; to: [number, number] } {
  return { from: span(c.theirs), to: span(c.mine) };
}

function span(positions: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of positions) {
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  return [lo, hi + K];
}
