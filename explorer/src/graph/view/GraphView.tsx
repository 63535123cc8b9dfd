// The causal graph: SVG for up to CANVAS_ABOVE nodes (every node a DOM element, easy to inspect
// and test), canvas above (one draw per frame, viewport culling, labels only when legible).
// d3-zoom on the container pans and zooms either. Highlight state is exposed as data attributes
// in both modes.
import * as d3 from 'd3';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { Highlight } from '../highlight.ts';
import type { LayoutResult } from '../layout/layout.ts';
import type { Graph } from '../model.ts';
import { CanvasGraph, type DrawStats } from './CanvasGraph.tsx';
import { boundsOf, frame } from './framing.ts';
import { LaneLabels } from './LaneLabels.tsx';
import { neighbour } from './nav.ts';
import { placeNodes } from './placed.ts';
import { SvgGraph } from './SvgGraph.tsx';
import { useZoom } from './useZoom.ts';
import { mark } from '../../perf.ts';

export const CANVAS_ABOVE = 300;

export interface GraphHandle {
  fit(): void;
  /** shows these nodes readably (labels ≥ 11 px), around `anchor` when they do not fit */
  frame(ids: readonly string[], anchor?: string): void;
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
  /** a group node was opened */
  onExpand?(id: string): void;
  /** a link was chosen (to see its evidence) */
  onEdge?(from: string, to: string): void;
  render?: 'auto' | 'svg' | 'canvas';
  handle?: Ref<GraphHandle>;
  /** what the first view shows (else everything, no smaller than legible) */
  initialFrame?: { ids: readonly string[]; anchor?: string | undefined } | undefined;
}

export function GraphView(p: GraphViewProps): React.JSX.Element {
  const mode = p.render === 'svg' || p.render === 'canvas' ? p.render : p.graph.nodes.length > CANVAS_ABOVE ? 'canvas' : 'svg';
  const wrapRef = useRef<HTMLDivElement>(null);
  const zoom = useZoom(wrapRef);
  const stats = useRef<DrawStats>({ draws: 0, times: [] }).current;
  const [size, setSize] = useState({ w: 800, h: 500 });

  const placed = useMemo(() => placeNodes(p.graph, p.layout), [p.graph, p.layout]);
  const byId = useMemo(() => new Map(placed.map((q) => [q.node.id, q])), [placed]);

  // size of the container
  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = (): void => setSize({ w: Math.max(50, el.clientWidth), h: Math.max(50, el.clientHeight) });
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  /** `readable`: no smaller than legible, starting from the left (the first view of a wide graph). */
  const fit = (readable = false): void => {
    const l = p.layout;
    if (!l) return;
    let k = Math.max(0.01, Math.min(1.5, Math.min(size.w / l.width, size.h / l.height)));
    if (readable) k = Math.max(k, Math.min(0.7, size.h / l.height));
    const x = l.width * k <= size.w ? (size.w - l.width * k) / 2 : 0;
    zoom.set(d3.zoomIdentity.translate(x, Math.max(0, (size.h - l.height * k) / 2)).scale(k));
  };

  const frameNodes = (ids: readonly string[], anchor?: string, ms = 0): boolean => {
    const boxes = ids.map((id) => byId.get(id)).filter((q) => q !== undefined);
    const r = boundsOf(boxes);
    if (!r) return false;
    const a = anchor ? byId.get(anchor) : undefined;
    const f = frame(r, size, a ? { anchor: a } : {});
    zoom.set(d3.zoomIdentity.translate(f.x, f.y).scale(f.k), ms);
    return true;
  };

  useImperativeHandle(p.handle, () => ({
    fit: () => fit(),
    frame: (ids, anchor) => void frameNodes(ids, anchor, 250),
    transform: () => {
      const t = zoom.current();
      return { x: t.x, y: t.y, k: t.k };
    },
    draws: () => stats.draws,
    drawTimes: () => stats.times.slice(),
  }));

  // fit when a new layout arrives (and on resizes until the user pans or zooms)
  useEffect(() => {
    zoom.reset();
  }, [p.layout, zoom]);
  useEffect(() => {
    if (!p.layout || zoom.moved()) return;
    if (!(p.initialFrame && frameNodes(p.initialFrame.ids, p.initialFrame.anchor))) fit(true);
    mark('framed');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.layout, mode, size.w, size.h]);

  // the scale, for tests and styles, without re-rendering on every zoom event
  useEffect(
    () =>
      zoom.subscribe((t) => {
        wrapRef.current?.setAttribute('data-zoom', t.k.toFixed(3));
      }),
    [zoom],
  );

  // bring the replay's current node, or a node selected from a list, into view
  const focus = p.replayCurrent ?? p.selected;
  useEffect(() => {
    const q = focus ? byId.get(focus) : undefined;
    if (!q) return;
    const t = zoom.current();
    const [sx, sy] = t.apply([q.x, q.y]);
    if (sx < 60 || sx > size.w - 60 || sy < 20 || sy > size.h - 20) zoom.set(t.translate((size.w / 2 - sx) / t.k, (size.h / 2 - sy) / t.k));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, byId]);

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
  // keyboard: arrows move a focus between nodes, Enter selects (or opens a group)
  const [focusId, setFocusId] = useState<string | undefined>();
  const onKeyDown = (ev: React.KeyboardEvent): void => {
    const from = byId.get(focusId ?? p.selected ?? '') ?? placed[0];
    if (!from) return;
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight' || ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
      ev.preventDefault();
      const next = focusId || p.selected ? neighbour(placed, from, ev.key) : from;
      if (!next) return;
      setFocusId(next.node.id);
      const t = zoom.current();
      const [sx, sy] = t.apply([next.x, next.y]);
      if (sx < 60 || sx > size.w - 60 || sy < 20 || sy > size.h - 20) zoom.set(t.translate((size.w / 2 - sx) / t.k, (size.h / 2 - sy) / t.k));
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      const n = byId.get(focusId ?? '')?.node;
      if (!n) return;
      ev.preventDefault();
      if (n.type === 'group') p.onExpand?.(n.id);
      else p.onSelect(n.id);
    }
  };
  useEffect(() => {
    if (mode !== 'svg' || !focusId) return;
    (wrapRef.current?.querySelector(`[data-node-id="${CSS.escape(focusId)}"]`) as SVGGElement | null)?.focus({ preventScroll: true });
  }, [focusId, mode, placed]);

  const view = { ...p, placed, byId, zoom, size, focusId };
  return (
    <div
      className="graph"
      ref={wrapRef}
      {...common}
      data-focus={focusId ?? ''}
      onKeyDown={onKeyDown}
      tabIndex={mode === 'canvas' ? 0 : -1}
      aria-label={mode === 'canvas' ? `causal graph of ${p.graph.nodes.length} nodes: arrows move between nodes, Enter selects` : undefined}
    >
      {!p.layout ? <div className="graph-status">Laying out {p.graph.nodes.length.toLocaleString()} nodes…</div> : mode === 'canvas' ? <CanvasGraph {...view} stats={stats} /> : <SvgGraph {...view} />}
      {p.layout ? <LaneLabels lanes={p.layout.lanes} zoom={zoom} height={size.h} /> : null}
    </div>
  );
}
