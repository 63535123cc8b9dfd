// Order where the clocks cannot tell. SDKs stamp span starts in whole milliseconds, clocks and
// exporters jitter by about as much, and streamed spans overlap (a streamed model call is still
// open when the tools it asked for start). So two instants within SLACK of each other are not
// ordered by their timestamps: the trace's structure orders them instead, the same way whatever
// the jitter or the order the spans arrived in:
//  - an activity inside another (a descendant) started after it began;
//  - an activity that read something only `p` produced started after `p` began, and so did
//    anything inside it (unless it encloses `p`: an agent run reads its own steps' output);
//  - ties left over go to kind (model calls decide; an agent run or chain only repeats what they
//    decided), then to a caller's structural rule, then to the span id, never to the clock.
// Everything here is memoised per trace graph (a graph is immutable once built).
import type { ActivityRow } from '@causeway/schemas';
import { SLACK, type TraceGraph } from './trace-graph.ts';

/** Model calls decide; tools, retrievers and approvals act; an agent run or chain only repeats. */
const KIND_RANK: Record<string, number> = { llm: 0, tool: 1, retrieval: 1, approval: 1, agent: 2, other: 3 };
export const rankOf = (a: ActivityRow): number => KIND_RANK[a.kind] ?? 3;

const childrenMemo = new WeakMap<TraceGraph, Map<string, string[]>>();
const afterMemo = new WeakMap<TraceGraph, Map<string, Relative>>();

/** Whether `a` encloses `b` (walks b's parents, at most the trace's size: a parent cycle cannot loop). */
export function isAncestor(g: TraceGraph, a: ActivityRow, b: ActivityRow): boolean {
  let cur = b.parent_span_id;
  for (let i = 0; cur !== '' && i <= g.acts.size; i++) {
    if (cur === a.span_id) return true;
    cur = g.acts.get(cur)?.parent_span_id ?? '';
  }
  return false;
}

/** Span id → the span ids whose parent it is. */
function childrenOf(g: TraceGraph): Map<string, string[]> {
  let m = childrenMemo.get(g);
  if (!m) {
    m = new Map();
    for (const a of g.acts.values()) if (a.parent_span_id) (m.get(a.parent_span_id) ?? m.set(a.parent_span_id, []).get(a.parent_span_id)!).push(a.span_id);
    childrenMemo.set(g, m);
  }
  return m;
}

/** Where the activities of a trace stand relative to one activity `p`, by structure alone. */
export interface Relative {
  /** read something only `p` produced (unless they enclose it), and anything inside those: after `p`'s output */
  downstream: Set<string>;
  /** inside `p` and not downstream: `p`'s own work, done before its output (a tool's retriever) */
  inside: Set<string>;
  /** both: every activity that began after `p` had begun, however close the clocks */
  after: Set<string>;
  /** what `p` is downstream of: the sole producers of what `p` or an activity enclosing it read */
  upstream: Set<string>;
}

/** The activities downstream of and inside `p` (memoised; one walk down the span tree, each span once). */
export function relativeTo(g: TraceGraph, p: ActivityRow): Relative {
  let memo = afterMemo.get(g);
  if (!memo) afterMemo.set(g, (memo = new Map()));
  const known = memo.get(p.span_id);
  if (known) return known;
  const kids = childrenOf(g);
  const below = (roots: string[], into: Set<string>, skip: Set<string>): void => {
    const queue = [...roots];
    for (let i = 0; i < queue.length; i++) {
      for (const c of kids.get(queue[i]!) ?? []) {
        if (into.has(c) || skip.has(c) || c === p.span_id) continue;
        into.add(c);
        queue.push(c);
      }
    }
  };
  const downstream = new Set<string>();
  for (const rel of g.bySpan.get(p.span_id) ?? []) {
    if (rel.relation !== 'generated' || (g.producers.get(rel.artifact_id) ?? []).some((x) => x.act.span_id !== p.span_id)) continue;
    for (const c of g.consumers.get(rel.artifact_id) ?? []) if (c.act.span_id !== p.span_id && !isAncestor(g, c.act, p)) downstream.add(c.act.span_id);
  }
  below([...downstream], downstream, new Set());
  const inside = new Set<string>();
  below([p.span_id], inside, downstream);
  const upstream = new Set<string>();
  let x: ActivityRow | undefined = p;
  for (let i = 0; x && i <= g.acts.size; i++, x = g.acts.get(x.parent_span_id)) {
    for (const rel of g.bySpan.get(x.span_id) ?? []) {
      const made = rel.relation === 'used' ? (g.producers.get(rel.artifact_id) ?? []) : [];
      const only = made[0]?.act;
      if (only && made.every((m) => m.act === only) && only !== x && !isAncestor(g, x, only) && only !== p) upstream.add(only.span_id);
    }
  }
  const r: Relative = { downstream, inside, after: new Set([...downstream, ...inside]), upstream };
  memo.set(p.span_id, r);
  return r;
}

/** The activities that, by the trace's structure, began after `p` had begun (see relativeTo). */
export const startedAfter = (g: TraceGraph, p: ActivityRow): Set<string> => relativeTo(g, p).after;

/** Whether `a` began after `b` by the trace's structure (see startedAfter). */
export const follows = (g: TraceGraph, a: ActivityRow, b: ActivityRow): boolean => a.span_id !== b.span_id && startedAfter(g, b).has(a.span_id);

/**
 * The latest of some items by a time, tolerating SLACK: every item within SLACK of the latest
 * counts as tied; among those, one that by structure began after another (`after(a, b)`) is the
 * later, and `tie` decides what structure leaves open, never the clock. Items are compared as a
 * set, so their order in the input does not matter.
 */
export function latestBy<T>(items: T[], time: (x: T) => bigint, tie: (a: T, b: T) => number, after?: (a: T, b: T) => boolean): T | undefined {
  if (items.length === 0) return undefined;
  let max = time(items[0]!);
  for (const x of items) if (time(x) > max) max = time(x);
  const tied = items.filter((x) => time(x) + SLACK >= max);
  return latestOf(tied, tie, after);
}

/** The items nothing else among them follows (all of them when structure is circular), first by `tie`. */
function latestOf<T>(tied: T[], tie: (a: T, b: T) => number, after?: (a: T, b: T) => boolean): T | undefined {
  const last = after ? tied.filter((x) => !tied.some((y) => y !== x && after(y, x))) : tied;
  return [...(last.length > 0 ? last : tied)].sort(tie)[0];
}

/**
 * Items in time order, where a run of items each within SLACK of the previous one is ordered by
 * structure instead (what another began after comes after it), then by `tie`: so jitter inside a
 * run, or the order items arrived in, cannot reorder it.
 */
export function inOrder<T>(items: T[], time: (x: T) => bigint, tie: (a: T, b: T) => number, after?: (a: T, b: T) => boolean): T[] {
  const sorted = [...items].sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : tie(a, b)));
  const out: T[] = [];
  let run: T[] = [];
  const flush = (): void => {
    // earliest first: of what is left, those that follow nothing else left, first by `tie`
    const before = after ? (a: T, b: T): boolean => after(b, a) : undefined;
    while (run.length > 0) {
      const first = latestOf(run, tie, before)!;
      out.push(first);
      run = run.filter((x) => x !== first);
    }
  };
  for (const x of sorted) {
    if (run.length > 0 && time(x) - time(run[run.length - 1]!) > SLACK) flush();
    run.push(x);
  }
  flush();
  return out;
}
