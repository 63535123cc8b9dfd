// The causal graph: SVG for up to CANVAS_ABOVE nodes (every node a DOM element, easy to inspect
// and test), canvas above (one draw per frame, viewport culling, labels only when legible).
// d3-zoom pans and zooms either. Highlight state is exposed as data attributes in both modes.
import * as d3 from 'd3';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { edgeKey, type Highlight, roleOf } from './highlight.ts';
import type { LayoutResult } from './layout.ts';
import type { GNode, Graph } from './model.ts';
import { clipSegment } from './geometry.ts';
import { COLORS, EDGE_DASH, KIND_FILL, NODE } from './style.ts';

export const CANVAS_ABOVE = 300;

export interface GraphHandle {
  fit(): void;
  /** the current zoom transform (for the bench) */
  transform(): { x: number; y: number; k: number };
  /** canvas draws so far and how long each took (ms), for the bench */
  draws(): number;
  drawTimes(): number[];
}

export interface GraphViewProps {
  graph: Graph;
  layout: LayoutResult | undefined;
  highlight?: Highlight | undefined;
  selected?: string | undefined;
  /** replay: nodes that exist at the current step (others are dimmed) */
  visible?: Set<string> | undefined;
  replayCurrent?: string | undefined;
  replayContext?: Set<string> | undefined;
  onSelect(id: string | undefined): void;
  render?: 'auto' | 'svg' | 'canvas';
  handle?: Ref<GraphHandle>;
}

interface Placed {
  node: GNode;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Full drawings slower than this are moved as a bitmap during pan and zoom … */
const BLIT_ABOVE_MS = 12;
/** … and redrawn in full once the view has been still this long. */
const SETTLE_MS = 120;

export function GraphView(p: GraphViewProps): React.JSX.Element {
  const mode = p.render === 'svg' || p.render === 'canvas' ? p.render : p.graph.nodes.length > CANVAS_ABOVE ? 'canvas' : 'svg';
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const transformRef = useRef<d3.ZoomTransform>(d3.zoomIdentity);
  const zoomRef = useRef<d3.ZoomBehavior<Element, unknown> | null>(null);
  const drawRef = useRef<() => void>(() => undefined);
  const drawsRef = useRef(0);
  const frameRef = useRef(0);
  const movedRef = useRef(false);
  const drawTimesRef = useRef<number[]>([]);
  // The last full drawing and the transform it was drawn at: while the view moves, frames
  // re-project this bitmap (one blit) and the full drawing follows when the motion pauses.
  const snapRef = useRef<{ canvas: HTMLCanvasElement; t: d3.ZoomTransform; ms: number } | null>(null);
  const settleRef = useRef(0);
  const [size, setSize] = useState({ w: 800, h: 500 });

  const placed: Placed[] = useMemo(() => {
    const l = p.layout;
    if (!l || l.x.length !== p.graph.nodes.length) return [];
    return p.graph.nodes.map((node, i) => {
      const s = NODE[node.type];
      return { node, x: l.x[i]!, y: l.y[i]!, w: s.w, h: s.h };
    });
  }, [p.graph, p.layout]);
  const byId = useMemo(() => new Map(placed.map((q) => [q.node.id, q])), [placed]);
  const quad = useMemo(
    () =>
      d3
        .quadtree<Placed>()
        .x((q) => q.x)
        .y((q) => q.y)
        .addAll(placed),
    [placed],
  );

  // size of the container
  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: Math.max(50, el.clientWidth), h: Math.max(50, el.clientHeight) }));
    ro.observe(el);
    setSize({ w: Math.max(50, el.clientWidth), h: Math.max(50, el.clientHeight) });
    return () => ro.disconnect();
  }, []);

  /** `readable`: no smaller than legible, starting from the left (the first view of a wide graph). */
  const fit = (readable = false): void => {
    const l = p.layout;
    const target = mode === 'svg' ? svgRef.current : canvasRef.current;
    if (!l || !target || !zoomRef.current) return;
    let k = Math.max(0.01, Math.min(1.5, Math.min(size.w / l.width, size.h / l.height)));
    if (readable) k = Math.max(k, Math.min(0.7, size.h / l.height));
    const x = l.width * k <= size.w ? (size.w - l.width * k) / 2 : 0;
    const t = d3.zoomIdentity.translate(x, Math.max(0, (size.h - l.height * k) / 2)).scale(k);
    d3.select(target as Element).call(zoomRef.current.transform, t);
  };

  useImperativeHandle(p.handle, () => ({
    fit: () => fit(),
    transform: () => ({ x: transformRef.current.x, y: transformRef.current.y, k: transformRef.current.k }),
    draws: () => drawsRef.current,
    drawTimes: () => drawTimesRef.current.slice(),
  }));

  // zoom behaviour on the SVG or the canvas
  useEffect(() => {
    const target = mode === 'svg' ? svgRef.current : canvasRef.current;
    if (!target) return;
    const z = d3
      .zoom<Element, unknown>()
      .scaleExtent([0.01, 6])
      .on('zoom', (ev: d3.D3ZoomEvent<Element, unknown>) => {
        transformRef.current = ev.transform;
        if (ev.sourceEvent) movedRef.current = true;
        if (mode === 'svg') gRef.current?.setAttribute('transform', ev.transform.toString());
        else if (!frameRef.current) {
          frameRef.current = requestAnimationFrame(() => {
            frameRef.current = 0;
            const snap = snapRef.current;
            // a drawing that costs more than a frame is moved as a bitmap while the view moves
            if (snap && snap.ms > BLIT_ABOVE_MS && blit(snap)) {
              window.clearTimeout(settleRef.current);
              settleRef.current = window.setTimeout(() => drawRef.current(), SETTLE_MS);
            } else drawRef.current();
          });
        }
      });
    zoomRef.current = z;
    const sel = d3.select(target as Element);
    sel.call(z).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
    };
  }, [mode, p.layout !== undefined]);

  // fit when a new layout arrives (and on resizes until the user pans or zooms)
  useEffect(() => {
    movedRef.current = false;
  }, [p.layout]);
  useEffect(() => {
    if (p.layout && !movedRef.current) fit(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.layout, mode, size.w, size.h]);

  // bring the replay's current node, or a node selected from a list, into view
  const focus = p.replayCurrent ?? p.selected;
  useEffect(() => {
    const q = focus ? byId.get(focus) : undefined;
    const target = mode === 'svg' ? svgRef.current : canvasRef.current;
    if (!q || !target || !zoomRef.current) return;
    const [sx, sy] = transformRef.current.apply([q.x, q.y]);
    if (sx < 60 || sx > size.w - 60 || sy < 20 || sy > size.h - 20) d3.select(target as Element).call(zoomRef.current.translateTo, q.x, q.y);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, byId]);

  const styleOf = (id: string): { role: ReturnType<typeof roleOf>; taint: boolean; dim: boolean } => {
    const role = p.highlight ? roleOf(p.highlight, id) : 'none';
    const taint = p.highlight?.taintNodes.has(id) ?? false;
    const hidden = p.visible ? !p.visible.has(id) : false;
    const dimmed = hidden || (p.highlight !== undefined && p.highlight.seed !== '' && role === 'none');
    return { role, taint, dim: dimmed };
  };

  // canvas drawing
  drawRef.current = () => {
    const c = canvasRef.current;
    if (mode !== 'canvas' || !c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    drawsRef.current++;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const t = transformRef.current;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const [x0, y0] = t.invert([0, 0]);
    const [x1, y1] = t.invert([size.w, size.h]);
    const inView = (q: Placed): boolean => q.x + q.w / 2 >= x0 && q.x - q.w / 2 <= x1 && q.y + q.h / 2 >= y0 && q.y - q.h / 2 <= y1;
    // lanes
    if (p.layout) {
      ctx.font = '600 14px system-ui, sans-serif';
      for (const [i, lane] of p.layout.lanes.entries()) {
        ctx.fillStyle = i % 2 ? '#f8f9fa' : '#f1f3f5';
        ctx.fillRect(0, lane.y0, p.layout.width, lane.y1 - lane.y0);
        ctx.fillStyle = '#495057';
        ctx.fillText(lane.name, Math.max(x0 + 8 / t.k, 4), lane.y0 + 16);
      }
    }
    // Level of detail: zoomed far out over thousands of nodes, plain edges and node outlines
    // are sub-pixel noise that costs most of the raster time; only highlighted ones are drawn.
    let inViewCount = 0;
    for (const q of placed) if (inView(q)) inViewCount++;
    const coarse = t.k < 0.3 && inViewCount > 1500;
    // edges, batched by style
    const batches = new Map<string, Path2D>();
    const line = (key: string): Path2D => {
      let b = batches.get(key);
      if (!b) batches.set(key, (b = new Path2D()));
      return b;
    };
    for (const e of p.graph.edges) {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      if (!a || !b) continue;
      if ((a.x < x0 && b.x < x0) || (a.x > x1 && b.x > x1) || (a.y < y0 && b.y < y0) || (a.y > y1 && b.y > y1)) continue;
      const k = edgeKey(e.from, e.to);
      const cls = p.highlight?.taintEdges.has(k) ? 'taint' : p.highlight?.causeEdges.has(k) ? 'cause' : p.highlight?.effectEdges.has(k) ? 'effect' : p.highlight?.seed ? 'dim' : 'normal';
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
    // nodes: fills and outlines batched by style (a few paths, not thousands of state changes)
    const labels = t.k > 0.45;
    // grouped by style, drawn with fillRect/strokeRect (Skia's fast path; one huge Path2D of
    // rectangles rasterizes far slower)
    const fills = new Map<string, Placed[]>();
    const strokes = new Map<string, Placed[]>();
    const group = (m: Map<string, Placed[]>, key: string, q: Placed): void => {
      const g = m.get(key);
      if (g) g.push(q);
      else m.set(key, [q]);
    };
    const text: Placed[] = [];
    for (const q of placed) {
      if (!inView(q)) continue;
      const s = styleOf(q.node.id);
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
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#212529';
    for (const q of text) ctx.fillText(q.node.label.slice(0, 24), q.x - q.w / 2 + 6, q.y, q.w - 10);
    ctx.globalAlpha = 1;
    const ms = performance.now() - started;
    if (drawTimesRef.current.length > 5000) drawTimesRef.current.shift();
    drawTimesRef.current.push(ms);
    const snap = snapRef.current?.canvas.width === c.width && snapRef.current.canvas.height === c.height ? snapRef.current.canvas : document.createElement('canvas');
    snap.width = c.width;
    snap.height = c.height;
    const sctx = snap.getContext('2d');
    if (sctx) {
      sctx.clearRect(0, 0, snap.width, snap.height);
      sctx.drawImage(c, 0, 0);
      snapRef.current = { canvas: snap, t, ms };
    }
  };

  /** Draws the last full drawing re-projected to the current transform; false if it cannot. */
  const blit = (snap: { canvas: HTMLCanvasElement; t: d3.ZoomTransform }): boolean => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || snap.canvas.width !== c.width) return false;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const t = transformRef.current;
    const r = t.k / snap.t.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(snap.canvas, (t.x - snap.t.x * r) * dpr, (t.y - snap.t.y * r) * dpr, snap.canvas.width * r, snap.canvas.height * r);
    drawsRef.current++;
    if (drawTimesRef.current.length > 5000) drawTimesRef.current.shift();
    drawTimesRef.current.push(performance.now() - started);
    return true;
  };

  // canvas: size and redraw when anything drawn changes
  useEffect(() => {
    const c = canvasRef.current;
    if (mode !== 'canvas' || !c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size.w * dpr);
    c.height = Math.round(size.h * dpr);
    drawRef.current();
  });

  const onCanvasClick = (ev: React.MouseEvent<HTMLCanvasElement>): void => {
    const rect = ev.currentTarget.getBoundingClientRect();
    const [wx, wy] = transformRef.current.invert([ev.clientX - rect.left, ev.clientY - rect.top]);
    const q = quad.find(wx, wy, 120);
    p.onSelect(q && Math.abs(q.x - wx) <= q.w / 2 && Math.abs(q.y - wy) <= q.h / 2 ? q.node.id : undefined);
  };

  const h = p.highlight;
  const ids = (s: Set<string> | undefined): string => (s ? [...s].sort().join(' ') : '');
  const common = {
    'data-testid': 'graph',
    'data-render': mode,
    'data-nodes': String(p.graph.nodes.length),
    'data-edges': String(p.graph.edges.length),
    'data-laid-out': p.layout ? 'true' : 'false',
    'data-selected': p.selected ?? '',
    'data-causes': ids(h?.causes),
    'data-effects': ids(h?.effects),
    'data-taint': ids(h?.taintNodes),
  };

  if (!p.layout) {
    return (
      <div className="graph" ref={wrapRef} {...common}>
        <div className="graph-status">Laying out {p.graph.nodes.length.toLocaleString()} nodes…</div>
      </div>
    );
  }

  if (mode === 'canvas') {
    return (
      <div className="graph" ref={wrapRef} {...common}>
        <canvas ref={canvasRef} style={{ width: size.w, height: size.h }} onClick={onCanvasClick} aria-label={`causal graph of ${p.graph.nodes.length} nodes (canvas)`} />
      </div>
    );
  }

  return (
    <div className="graph" ref={wrapRef} {...common}>
      <svg ref={svgRef} width={size.w} height={size.h} role="img" aria-label="causal graph" onClick={(ev) => ev.target === svgRef.current && p.onSelect(undefined)}>
        <defs>
          {['normal', 'cause', 'effect', 'taint'].map((c) => (
            <marker key={c} id={`arrow-${c}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill={c === 'taint' ? COLORS.taint : c === 'cause' ? COLORS.cause : c === 'effect' ? COLORS.effect : COLORS.edge} />
            </marker>
          ))}
        </defs>
        <g ref={gRef} transform={transformRef.current.toString()}>
          {p.layout.lanes.map((lane, i) => (
            <g key={lane.name} data-testid="lane" data-lane={lane.name}>
              <rect x={0} y={lane.y0} width={p.layout!.width} height={lane.y1 - lane.y0} fill={i % 2 ? '#f8f9fa' : '#f1f3f5'} />
              <text x={8} y={lane.y0 + 16} className="lane-label">
                {lane.name}
              </text>
            </g>
          ))}
          {p.graph.edges.map((e) => {
            const a = byId.get(e.from);
            const b = byId.get(e.to);
            if (!a || !b) return null;
            const k = edgeKey(e.from, e.to);
            const cls = h?.taintEdges.has(k) ? 'taint' : h?.causeEdges.has(k) ? 'cause' : h?.effectEdges.has(k) ? 'effect' : 'normal';
            const dim = (h?.seed && cls === 'normal') || (p.visible && (!p.visible.has(e.from) || !p.visible.has(e.to)));
            const x1 = a.x + a.w / 2;
            const x2 = b.x - b.w / 2;
            const back = x2 < x1;
            const d = back ? `M${a.x},${a.y + a.h / 2} C${a.x},${a.y + 60} ${b.x},${b.y + 60} ${b.x},${b.y + b.h / 2}` : `M${x1},${a.y} C${(x1 + x2) / 2},${a.y} ${(x1 + x2) / 2},${b.y} ${x2},${b.y}`;
            return (
              <g key={k} className={`edge edge-${cls} how-${e.how}${dim ? ' dim' : ''}`} data-testid="graph-edge" data-from={e.from} data-to={e.to} data-relation={e.relation} data-how={e.how} data-class={cls}>
                <path d={d} markerEnd={`url(#arrow-${cls})`} strokeDasharray={EDGE_DASH[e.how]?.join(' ')} />
                {e.how === 'content' && e.score !== undefined ? (
                  <text x={(x1 + x2) / 2} y={(a.y + b.y) / 2 - 4} className="edge-score">
                    {e.score.toFixed(2)}
                  </text>
                ) : null}
                <title>{`${e.relation} (${e.how}${e.score !== undefined ? `, score ${e.score.toFixed(2)}` : ''})`}</title>
              </g>
            );
          })}
          {placed.map((q) => {
            const s = styleOf(q.node.id);
            const n = q.node;
            const current = p.replayCurrent === n.id;
            const context = p.replayContext?.has(n.id) ?? false;
            return (
              <g
                key={n.id}
                transform={`translate(${q.x - q.w / 2},${q.y - q.h / 2})`}
                className={`node node-${n.type} role-${s.role}${s.taint ? ' taint' : ''}${s.dim ? ' dim' : ''}${p.selected === n.id ? ' selected' : ''}${n.trust === 'untrusted' ? ' untrusted' : ''}${current ? ' replay-current' : ''}${context ? ' replay-context' : ''}`}
                data-testid="graph-node"
                data-node-id={n.id}
                data-type={n.type}
                data-kind={n.kind}
                data-label={n.label}
                data-role={s.role}
                data-taint={s.taint ? 'true' : 'false'}
                data-trust={n.trust ?? ''}
                data-visible={p.visible ? String(p.visible.has(n.id)) : 'true'}
                data-replay={current ? 'current' : context ? 'context' : ''}
                role="button"
                aria-label={`${n.type} ${n.kind}: ${n.label}`}
                aria-pressed={p.selected === n.id}
                onClick={(ev) => {
                  ev.stopPropagation();
                  p.onSelect(n.id);
                }}
              >
                <rect width={q.w} height={q.h} rx={n.type === 'activity' ? 6 : 2} fill={KIND_FILL[n.kind] ?? '#eee'} />
                <text x={6} y={q.h / 2} dominantBaseline="middle" className="node-label">
                  {n.type === 'activity' ? <tspan className="node-kind">{n.kind} </tspan> : null}
                  {n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label}
                </text>
                {n.trust === 'untrusted' ? (
                  <text x={q.w - 4} y={9} textAnchor="end" className="badge-untrusted">
                    untrusted
                  </text>
                ) : null}
                {n.folded ? (
                  <text x={q.w - 4} y={q.h - 3} textAnchor="end" className="badge-folded">
                    +{n.folded}
                  </text>
                ) : null}
                <title>{`${n.type === 'activity' ? n.kind : n.kind}: ${n.label}${n.trust ? ` (${n.trust})` : ''}`}</title>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}

