// Layered DAG layout in time order with a lane (horizontal band) per agent. Pure and
// allocation-light so it runs in a Web Worker on 20,000 nodes:
//  1. nodes are ordered by time (then activities before artifacts of the same instant, then id);
//  2. each node's layer (column) is one past the furthest of its causes that come earlier in
//     that order (edges against time are drawn but do not push layers), and an activity never
//     sits left of an earlier activity of its own lane: the columns read as time;
//  3. in each (lane, layer) cell nodes stack in the order of their causes' rows (barycenter);
//     a cell taller than `maxRows` wraps into extra sub-columns; each lane is as tall as its
//     tallest cell.
// O(N log N + E).

export interface LayoutInput {
  /** per node: lane name, time key, whether it is an artifact (drawn smaller) */
  lane: string[];
  t: ArrayLike<number>;
  artifact: ArrayLike<number | boolean>;
  /** edge endpoints as node indices: from[i] → to[i] */
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  /** tie-break for equal times (e.g. node ids), optional */
  key?: string[];
  /**
   * per node, a node it should sit just before (or -1): the source of the key path beside the
   * step it led to, rather than beside where it first came in (a time-ordered layout would put
   * an e-mail read early and acted on late a screen away from the action)
   */
  near?: ArrayLike<number>;
  options?: Partial<LayoutOptions>;
}

export interface LayoutOptions {
  colWidth: number;
  rowHeight: number;
  maxRows: number;
  laneGap: number;
  margin: number;
}

export interface LaneBand {
  name: string;
  y0: number;
  y1: number;
}

export interface LayoutResult {
  /** node centres */
  x: Float64Array;
  y: Float64Array;
  layer: Int32Array;
  lanes: LaneBand[];
  width: number;
  height: number;
  layers: number;
  ms: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { colWidth: 190, rowHeight: 40, maxRows: 24, laneGap: 36, margin: 40 };

export function layout(input: LayoutInput): LayoutResult {
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const o = { ...DEFAULT_LAYOUT, ...input.options };
  const n = input.lane.length;
  const m = input.from.length;

  // 1. time order
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const key = input.key;
  const art = (i: number): number => (input.artifact[i] ? 1 : 0);
  Array.prototype.sort.call(order, ((a: number, b: number) => {
    const d = input.t[a]! - input.t[b]!;
    if (d !== 0) return d;
    const k = art(a) - art(b);
    if (k !== 0) return k;
    if (key) return key[a]! < key[b]! ? -1 : key[a]! > key[b]! ? 1 : 0;
    return a - b;
  }) as never);
  const pos = new Int32Array(n);
  for (let r = 0; r < n; r++) pos[order[r]!] = r;

  // causes of each node that come earlier in time order (CSR)
  const predCount = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const f = input.from[e]!;
    const t = input.to[e]!;
    if (f !== t && f >= 0 && t >= 0 && f < n && t < n && pos[f]! < pos[t]!) predCount[t + 1]!++;
  }
  for (let i = 0; i < n; i++) predCount[i + 1]! += predCount[i]!;
  const preds = new Int32Array(predCount[n]!);
  const fill = predCount.slice(0, n);
  for (let e = 0; e < m; e++) {
    const f = input.from[e]!;
    const t = input.to[e]!;
    if (f !== t && f >= 0 && t >= 0 && f < n && t < n && pos[f]! < pos[t]!) preds[fill[t]!++] = f;
  }

  // lanes in order of first appearance
  const laneIndex = new Map<string, number>();
  const laneOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const name = input.lane[i]!;
    let li = laneIndex.get(name);
    if (li === undefined) laneIndex.set(name, (li = laneIndex.size));
    laneOf[i] = li;
  }
  const laneCount = laneIndex.size;

  // 2. layers
  const layer = new Int32Array(n);
  const lastActivityLayer = new Int32Array(laneCount);
  let layers = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    let l = 0;
    for (let p = predCount[i]!; p < predCount[i + 1]!; p++) l = Math.max(l, layer[preds[p]!]! + 1);
    if (!input.artifact[i]) {
      l = Math.max(l, lastActivityLayer[laneOf[i]!]!);
      lastActivityLayer[laneOf[i]!] = l;
    }
    layer[i] = l;
    if (l + 1 > layers) layers = l + 1;
  }

  // artifacts nothing led to (instructions, prompts, documents found inside a result) sit just
  // left of their first use rather than at the far left
  const firstUse = new Int32Array(n).fill(-1);
  for (let e = 0; e < m; e++) {
    const f = input.from[e]!;
    const t = input.to[e]!;
    if (f === t || f < 0 || t < 0 || f >= n || t >= n || pos[f]! > pos[t]!) continue;
    if (firstUse[f]! < 0 || layer[t]! < firstUse[f]!) firstUse[f] = layer[t]!;
  }
  for (let i = 0; i < n; i++) {
    if (input.artifact[i] && predCount[i + 1]! === predCount[i]! && firstUse[i]! > 0) layer[i] = Math.max(layer[i]!, firstUse[i]! - 1);
  }
  if (input.near) {
    for (let i = 0; i < n; i++) {
      const j = input.near[i]!;
      if (j >= 0 && j < n && j !== i && predCount[i + 1]! === predCount[i]!) layer[i] = Math.max(layer[i]!, layer[j]! - 1);
    }
  }

  // 3. rows inside each (lane, layer) cell, by the mean row of the node's causes
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let r = 0; r < n; r++) byLayer[layer[order[r]!]!]!.push(order[r]!);
  const slot = new Int32Array(n);
  const rowKey = new Float64Array(n); // global-ish ordering value: lane * big + slot
  const laneRows = new Int32Array(laneCount); // tallest cell (capped at maxRows) per lane
  const subCols = new Int32Array(layers).fill(1);
  const cellCounts = new Map<number, number>();
  for (let l = 0; l < layers; l++) {
    const nodes = byLayer[l]!;
    const bary = new Float64Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) {
      const i = nodes[k]!;
      let s = 0;
      let c = 0;
      for (let p = predCount[i]!; p < predCount[i + 1]!; p++) {
        s += rowKey[preds[p]!]!;
        c++;
      }
      bary[k] = c > 0 ? s / c : k * 1e-6 + laneOf[i]! * 1e6;
    }
    const idx = nodes.map((_, k) => k);
    idx.sort((a, b) => laneOf[nodes[a]!]! - laneOf[nodes[b]!]! || bary[a]! - bary[b]! || a - b);
    cellCounts.clear();
    for (const k of idx) {
      const i = nodes[k]!;
      const li = laneOf[i]!;
      const s = cellCounts.get(li) ?? 0;
      cellCounts.set(li, s + 1);
      slot[i] = s;
      rowKey[i] = li * 1e6 + (s % o.maxRows) + Math.floor(s / o.maxRows) * 1e-3;
    }
    for (const [li, count] of cellCounts) {
      laneRows[li] = Math.max(laneRows[li]!, Math.min(count, o.maxRows));
      subCols[l] = Math.max(subCols[l]!, Math.ceil(count / o.maxRows));
    }
  }

  // coordinates
  const laneTop = new Float64Array(laneCount + 1);
  const lanes: LaneBand[] = [];
  const names = [...laneIndex.keys()];
  let y = o.margin;
  for (let li = 0; li < laneCount; li++) {
    laneTop[li] = y;
    const h = Math.max(1, laneRows[li]!) * o.rowHeight;
    lanes.push({ name: names[li]!, y0: y - o.laneGap / 2 + 6, y1: y + h + o.laneGap / 2 - 6 });
    y += h + o.laneGap;
  }
  const layerX = new Float64Array(layers + 1);
  let x = o.margin;
  for (let l = 0; l < layers; l++) {
    layerX[l] = x;
    x += subCols[l]! * o.colWidth;
  }
  layerX[layers] = x;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = slot[i]!;
    xs[i] = layerX[layer[i]!]! + Math.floor(s / o.maxRows) * o.colWidth + o.colWidth / 2;
    ys[i] = laneTop[laneOf[i]!]! + (s % o.maxRows) * o.rowHeight + o.rowHeight / 2;
  }
  const t1 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  return { x: xs, y: ys, layer, lanes, width: x + o.margin, height: y - o.laneGap + o.margin, layers, ms: t1 - t0 };
}
