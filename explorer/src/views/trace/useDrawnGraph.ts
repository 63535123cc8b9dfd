// The graph as drawn: the readable view for the trace's size (artifacts folded and each agent's
// runs of steps grouped when it helps; `collapse` overrides), weak copied-text links filtered
// out, and its layout from the Web Worker. Nodes in `keep` stay visible; one that is hidden in
// the current view (the user selected a step inside a group) makes a new view, one that is
// already drawn does not (no relayout, nothing moves).
import { useEffect, useMemo, useState } from 'react';
import { viewGraph, type ViewOptions } from '../../graph/aggregate.ts';
import { type TimedLayout, layoutAsync } from '../../graph/layout/client.ts';
import { toLayoutInput } from '../../graph/layout/input.ts';
import type { Graph } from '../../graph/model.ts';
import { mark } from '../../perf.ts';

/** Graphs up to this many nodes are drawn whole … */
export const SMALL = 60;
/** … up to this many activities with artifacts folded, above it with runs grouped too. */
export const MEDIUM_ACTIVITIES = 120;

export type Readability = 'whole' | 'folded' | 'grouped' | 'all folded' | 'everything';

export function viewOptions(full: Graph, collapse: boolean | undefined): { o: ViewOptions; mode: Readability } {
  const acts = full.nodes.filter((n) => n.type === 'activity').length;
  const large = acts > MEDIUM_ACTIVITIES;
  if (collapse === false) return { o: { fold: false, group: false, containment: true }, mode: 'everything' };
  if (collapse === true) return { o: { fold: true, group: large, containment: false }, mode: 'all folded' };
  if (full.nodes.length <= SMALL) return { o: { fold: false, group: false, containment: false }, mode: 'whole' };
  return { o: { fold: true, group: large, containment: false }, mode: large ? 'grouped' : 'folded' };
}

export function useDrawnGraph(full: Graph | undefined, p: { collapse: boolean | undefined; stableKeep: readonly string[]; keep: readonly string[]; expanded: ReadonlySet<string>; minScore: number | undefined; near: ReadonlyMap<string, string> }) {
  const filtered = useMemo(() => (full && p.minScore ? { ...full, edges: full.edges.filter((e) => e.how !== 'content' || (e.score ?? 0) >= p.minScore!) } : full), [full, p.minScore]);
  const opts = useMemo(() => (full ? viewOptions(full, p.collapse) : undefined), [full, p.collapse]);
  const stableKey = p.stableKeep.join(' ');
  const expandedKey = [...p.expanded].sort().join(' ');
  const base = useMemo(
    () => (filtered && opts ? (mark('view-start'), viewGraph(filtered, { ...opts.o, keep: new Set(p.collapse === true ? [] : p.stableKeep), expanded: p.expanded })) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filtered, opts, stableKey, expandedKey],
  );
  // "fold all" still opens a group for a selected step, never an artifact
  const hidden = base ? p.keep.filter((id) => base.foldedInto?.has(id) && (p.collapse !== true || id.startsWith('act:'))) : [];
  const hiddenKey = hidden.join(' ');
  const view = useMemo(
    () => (base && filtered && opts && hidden.length ? viewGraph(filtered, { ...opts.o, keep: new Set([...(p.collapse === true ? [] : p.stableKeep), ...hidden]), expanded: p.expanded }) : base),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [base, hiddenKey],
  );
  // The layout is asked for while the view is rendered, not in an effect after the page has
  // painted: the worker lays out while the main thread commits and paints the rest of the page.
  const nearKey = [...p.near].join(' ');
  const pending = useMemo(
    () => (view ? (mark('layout-asked'), layoutAsync(toLayoutInput(view, undefined, nearDrawn(view, p.near)))) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view, nearKey],
  );
  const [done, setDone] = useState<{ of: Promise<TimedLayout>; layout?: TimedLayout; error?: string }>();
  useEffect(() => {
    if (!pending) return;
    let live = true;
    pending.then(
      (r) => live && (mark('layout-done'), setDone({ of: pending, layout: r })),
      (e: Error) => live && setDone({ of: pending, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [pending]);
  const mine = done && done.of === pending ? done : undefined;
  const layout = mine?.layout;
  const error = mine?.error ?? '';
  /** the node drawn for a node of the full graph */
  const drawn = (id: string): string => view?.foldedInto?.get(id) ?? id;
  return { view, layout, error, mode: opts?.mode, drawn };
}

/** `near` hints for the nodes as drawn (a folded node's hint goes to its host). */
function nearDrawn(view: Graph, near: ReadonlyMap<string, string>): Map<string, string> {
  const to = (id: string): string => view.foldedInto?.get(id) ?? id;
  const out = new Map<string, string>();
  for (const [a, b] of near) if (to(a) !== to(b)) out.set(to(a), to(b));
  return out;
}
