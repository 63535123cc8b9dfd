// The canvas renderer (large graphs): one drawing per frame with viewport culling, styles
// batched into a few paths, labels only when legible. Tuned for 20,000 nodes (README bench):
// while the view moves, a drawing slower than a frame is re-projected as one bitmap and the
// full drawing follows once the motion pauses.
import { useEffect, useMemo, useRef } from 'react';
import { edgeKey } from '../highlight.ts';
import { clipSegment } from '../geometry.ts';
import { COLORS, EDGE_DASH, KIND_FILL } from '../style.ts';
import type { GraphViewProps } from './GraphView.tsx';
import { hitIndex, hitTest, toWorld } from './hitTest.ts';
import { nodeStyle, type Placed } from './placed.ts';
import type { Transform, ZoomApi } from './useZoom.ts';

/** Full drawings slower than this are moved as a bitmap during pan and zoom … */
const BLIT_ABOVE_MS = 12;
/** … and redrawn in full once the view has been still this long. */
const SETTLE_MS = 120;

export interface DrawStats {
  draws: number;
  times: number[];
}

type Props = GraphViewProps & { placed: Placed[]; byId: Map<string, Placed>; zoom: ZoomApi; size: { w: number; h: number }; stats: DrawStats; focusId: string | undefined };

export function CanvasGraph(p: Props): React.JSX.Element {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawRef = useRef<() => void>(() => undefined);
  const frameRef = useRef(0);
  const settleRef = useRef(0);
  // The last full drawing and the transform it was drawn at.
  const snapRef = useRef<{ canvas: HTMLCanvasElement; t: Transform; ms: number } | null>(null);
  const index = useMemo(() => hitIndex(p.placed), [p.placed]);

  const record = (ms: number): void => {
    p.stats.draws++;
    if (p.stats.times.length > 5000) p.stats.times.shift();
    p.stats.times.push(ms);
  };

  drawRef.current = () => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const started = performance.now();
    drawGraph(ctx, p, p.zoom.current());
    const ms = performance.now() - started;
    record(ms);
    const snap = snapRef.current?.canvas.width === c.width && snapRef.current.canvas.height === c.height ? snapRef.current.canvas : document.createElement('canvas');
    snap.width = c.width;
    snap.height = c.height;
    const sctx = snap.getContext('2d');
    if (sctx) {
      sctx.clearRect(0, 0, snap.width, snap.height);
      sctx.drawImage(c, 0, 0);
      snapRef.current = { canvas: snap, t: p.zoom.current(), ms };
    }
  };

  /** Draws the last full drawing re-projected to the current transform; false if it cannot. */
  const blit = (snap: { canvas: HTMLCanvasElement; t: Transform }): boolean => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || snap.canvas.width !== c.width) return false;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const t = p.zoom.current();
    const r = t.k / snap.t.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(snap.canvas, (t.x - snap.t.x * r) * dpr, (t.y - snap.t.y * r) * dpr, snap.canvas.width * r, snap.canvas.height * r);
    record(performance.now() - started);
    return true;
  };

  useEffect(
    () =>
      p.zoom.subscribe(() => {
        if (frameRef.current) return;
        frameRef.current = requestAnimationFrame(() => {
          frameRef.current = 0;
          const snap = snapRef.current;
          if (snap && snap.ms > BLIT_ABOVE_MS && blit(snap)) {
            window.clearTimeout(settleRef.current);
            settleRef.current = window.setTimeout(() => drawRef.current(), SETTLE_MS);
          } else drawRef.current();
        });
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [p.zoom],
  );
  useEffect(
    () => () => {
      cancelAnimationFrame(frameRef.current);
      window.clearTimeout(settleRef.current);
    },
    [],
  );

  // size and redraw when anything drawn changes
  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(p.size.w * dpr);
    c.height = Math.round(p.size.h * dpr);
    drawRef.current();
  });

  const onClick = (ev: React.MouseEvent<HTMLCanvasElement>): void => {
    const rect = ev.currentTarget.getBoundingClientRect();
    const [wx, wy] = toWorld(p.zoom.current(), ev.clientX - rect.left, ev.clientY - rect.top);
    const n = hitTest(index, wx, wy)?.node;
    if (n?.type === 'group') p.onExpand?.(n.id);
    else p.onSelect(n?.id);
  };

  return <canvas ref={canvasRef} style={{ width: p.size.w, height: p.size.h }} onClick={onClick} aria-label={`causal graph of ${p.graph.nodes.length} nodes (canvas)`} />;
}

function drawGraph(ctx: CanvasRenderingContext2D, p: Props, t: Transform): void {
  const c = ctx.canvas;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
  const [x0, y0] = t.invert([0, 0]);
  const [x1, y1] = t.invert([p.size.w, p.size.h]);
  const inView = (q: Placed): boolean => q.x + q.w / 2 >= x0 && q.x - q.w / 2 <= x1 && q.y + q.h / 2 >= y0 && q.y - q.h / 2 <= y1;
  // lane bands (their names are pinned over the view by LaneLabels)
  if (p.layout) {
    const css = getComputedStyle(c);
    const bands = [css.getPropertyValue('--lane-a').trim() || '#f1f3f5', css.getPropertyValue('--lane-b').trim() || '#f8f9fa'];
    for (const [i, lane] of p.layout.lanes.entries()) {
      ctx.fillStyle = bands[i % 2]!;
      ctx.fillRect(x0, lane.y0, x1 - x0, lane.y1 - lane.y0);
    }
  }
  // Level of detail: zoomed far out over thousands of nodes, plain edges and node outlines
  // are sub-pixel noise that costs most of the raster time; only highlighted ones are drawn.
  let inViewCount = 0;
  for (const q of p.placed) if (inView(q)) inViewCount++;
  const coarse = t.k < 0.3 && inViewCount > 1500;
  const h = p.highlight;
  // edges, batched by style
  const batches = new Map<string, Path2D>();
  const line = (key: string): Path2D => {
    let b = batches.get(key);
    if (!b) batches.set(key, (b = new Path2D()));
    return b;
  };
  for (const e of p.graph.edges) {
    const a = p.byId.get(e.from);
    const b = p.byId.get(e.to);
    if (!a || !b) continue;
    if ((a.x < x0 && b.x < x0) || (a.x > x1 && b.x > x1) || (a.y < y0 && b.y < y0) || (a.y > y1 && b.y > y1)) continue;
    const k = edgeKey(e.from, e.to);
    const cls = h?.taintEdges.has(k) ? 'taint' : h?.causeEdges.has(k) ? 'cause' : h?.effectEdges.has(k) ? 'effect' : h?.seed ? 'dim' : 'normal';
    if (coarse && (cls === 'normal' || cls === 'dim')) continue;
    // clipped to the view: a dashed line a million pixels long costs its whole length
    const seg = clipSegment(a.x + a.w / 2, a.y, b.x - b.w / 2, b.y, x0 - 20, y0 - 20, x1 + 20, y1 + 20);
    if (!seg) continue;
    const path = line(`${cls}|${e.how}`);
    path.moveTo(seg[0], seg[1]);
    path.lineTo(seg[2], seg[3]);
  }
  for (const [key, path] of batches) {
    const [cls, how] = key.split('|') as [string, string];
    ctx.strokeStyle = cls === 'taint' ? COLORS.taint : cls === 'cause' ? COLORS.cause : cls === 'effect' ? COLORS.effect : COLORS.edge;
    ctx.globalAlpha = cls === 'dim' ? COLORS.dim : 1;
    ctx.lineWidth = (cls === 'taint' ? 3 : cls === 'normal' || cls === 'dim' ? 1 : 2) / Math.max(0.5, t.k);
    ctx.setLineDash((EDGE_DASH[how] ?? []).map((d) => d / Math.max(0.5, t.k)));
    ctx.stroke(path);
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  // nodes grouped by style, drawn with fillRect/strokeRect (Skia's fast path; one huge Path2D
  // of rectangles rasterizes far slower)
  const labels = t.k > 0.45;
  const fills = new Map<string, Placed[]>();
  const strokes = new Map<string, Placed[]>();
  const group = (m: Map<string, Placed[]>, key: string, q: Placed): void => {
    const g = m.get(key);
    if (g) g.push(q);
    else m.set(key, [q]);
  };
  const text: Placed[] = [];
  for (const q of p.placed) {
    if (!inView(q)) continue;
    const s = nodeStyle(q.node.id, h, p.visible);
    const a = s.dim ? 'd' : 'n';
    group(fills, `${KIND_FILL[q.node.kind] ?? '#eeeeee'}|${a}`, q);
    const strong = q.node.id === p.selected || s.taint || s.role !== 'none';
    if (coarse && !strong && q.node.trust !== 'untrusted') continue;
    const stroke = q.node.id === p.selected ? COLORS.seed : s.taint ? COLORS.taint : s.role === 'cause' || s.role === 'both' ? COLORS.cause : s.role === 'effect' ? COLORS.effect : q.node.trust === 'untrusted' ? COLORS.untrusted : COLORS.stroke;
    group(strokes, `${stroke}|${a}|${strong ? 2.5 : 1}`, q);
    if (labels && text.length < 3000) text.push(q);
  }
  for (const [key, qs] of fills) {
    const [color, a] = key.split('|') as [string, string];
    ctx.globalAlpha = a === 'd' ? COLORS.dim : 1;
    ctx.fillStyle = color;
    for (const q of qs) ctx.fillRect(q.x - q.w / 2, q.y - q.h / 2, q.w, q.h);
  }
  for (const [key, qs] of strokes) {
    const [color, a, w] = key.split('|') as [string, string, string];
    ctx.globalAlpha = a === 'd' ? COLORS.dim : 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = Number(w) / Math.max(0.5, t.k);
    for (const q of qs) ctx.strokeRect(q.x - q.w / 2, q.y - q.h / 2, q.w, q.h);
  }
  ctx.globalAlpha = 1;
  // the keyboard focus
  const f = p.focusId ? p.byId.get(p.focusId) : undefined;
  if (f) {
    ctx.setLineDash([4 / t.k, 3 / t.k]);
    ctx.strokeStyle = COLORS.seed;
    ctx.lineWidth = 2 / t.k;
    ctx.strokeRect(f.x - f.w / 2 - 4 / t.k, f.y - f.h / 2 - 4 / t.k, f.w + 8 / t.k, f.h + 8 / t.k);
    ctx.setLineDash([]);
  }
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#212529';
  for (const q of text) ctx.fillText(q.node.label.slice(0, 24), q.x - q.w / 2 + 6, q.y, q.w - 10);
}
