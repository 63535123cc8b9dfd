// Which findings are replaced when several overlap: higher priority first, then longer, then
// earlier; a finding that overlaps one already kept is dropped. O(k log k) for k findings: the
// kept extents are disjoint, so each elementary interval between finding boundaries is covered at
// most once, and "is anything in [start, end) covered" is a prefix-sum query on a Fenwick tree.

export interface Extent {
  start: number;
  end: number;
  priority: number;
}

export function resolveOverlaps<T extends Extent>(found: T[], work?: { steps: number }): T[] {
  if (found.length <= 1) return found.slice();
  // Common case: one detector's findings, in order and apart. Nothing to resolve.
  let apart = true;
  for (let i = 1; i < found.length && apart; i++) apart = found[i]!.start >= found[i - 1]!.end;
  if (work) work.steps += found.length;
  if (apart) return found.slice();
  const order = found.slice().sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // Boundaries, sorted and unique: cell i is [xs[i], xs[i+1]).
  const xs = [...new Set(found.flatMap((f) => [f.start, f.end]))].sort((a, b) => a - b);
  const cell = (x: number): number => lowerBound(xs, x);
  const tree = new Int32Array(xs.length + 1);
  const add = (i: number): void => {
    for (let j = i + 1; j <= xs.length; j += j & -j) tree[j]! += 1;
  };
  const prefix = (i: number): number => {
    let s = 0;
    for (let j = i; j > 0; j -= j & -j) s += tree[j]!;
    return s;
  };
  const kept: T[] = [];
  for (const f of order) {
    const a = cell(f.start);
    const b = cell(f.end); // cells a .. b-1 make up [start, end)
    const log = Math.ceil(Math.log2(xs.length + 1));
    if (work) work.steps += 4 * log;
    if (b <= a || prefix(b) - prefix(a) > 0) continue;
    // each cell is covered once over the whole run: this loop totals O(k log k)
    for (let i = a; i < b; i++) add(i);
    if (work) work.steps += (b - a) * log;
    kept.push(f);
  }
  if (work) work.steps += found.length * Math.ceil(Math.log2(found.length + 1)) * 3;
  return kept.sort((x, y) => x.start - y.start);
}

function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
