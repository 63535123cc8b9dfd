// What a responder should see first in a trace: its key node (the most recent high-impact tool
// call that untrusted content reached) and the paths that led there, computed from the trace's
// own causal graph (instant, no slice request). Pure.
import type { SliceActivity, SliceEdge, SliceResponse, TaintPath } from '@causeway/schemas';
import { type Links, WEAK_LINK, chainLinks, edgeStrength, impactTier, rankChains } from '@causeway/schemas';
import { edgeKey, emptyHighlight, type Highlight } from './highlight.ts';

export { WEAK_LINK, edgeStrength, impactTier };

/** Edges that carry influence (span containment does not). */
const influences = (e: SliceEdge): boolean => e.relation !== 'child_of';

/** Weakest link of a path, the path's strength (coincidental overlaps make weak paths). */
export function pathStrength(path: string[], edges: Map<string, SliceEdge>): number {
  let s = 1;
  for (let i = 1; i < path.length; i++) s = Math.min(s, edges.has(edgeKey(path[i - 1]!, path[i]!)) ? edgeStrength(edges.get(edgeKey(path[i - 1]!, path[i]!))!) : 0);
  return s;
}

/** Between two links of equal strength, the one that says more (a request run by a tool call, not merely read by it). */
const SAYS: Record<string, number> = { executed: 5, derived_from: 4, generated: 3, linked: 2, part_of: 1, used: 0 };

export function edgeIndex(s: Pick<SliceResponse, 'edges'>): Map<string, SliceEdge> {
  const m = new Map<string, SliceEdge>();
  for (const e of s.edges) {
    if (!influences(e)) continue;
    const k = edgeKey(e.from, e.to);
    const cur = m.get(k);
    if (!cur || edgeStrength(e) > edgeStrength(cur) || (edgeStrength(e) === edgeStrength(cur) && (SAYS[e.relation] ?? 0) > (SAYS[cur.relation] ?? 0))) m.set(k, e);
  }
  return m;
}

/** What walking taint paths needs from a graph, built once for many walks (keyNode examines several calls). */
export interface TaintIndex {
  into: Map<string, string[]>;
  untrusted: Set<string>;
  edges: Map<string, SliceEdge>;
  links: Links;
}

export function taintIndex(s: Pick<SliceResponse, 'nodes' | 'edges'>): TaintIndex {
  const into = new Map<string, string[]>();
  for (const e of s.edges) {
    if (!influences(e)) continue;
    const l = into.get(e.to);
    if (l) l.push(e.from);
    else into.set(e.to, [e.from]);
  }
  const untrusted = new Set<string>();
  for (const n of s.nodes) if (n.type === 'artifact' && n.trust === 'untrusted') untrusted.add(n.id);
  return { into, untrusted, edges: edgeIndex(s), links: chainLinks(s.edges) };
}

/**
 * The shortest path from each untrusted artifact that reaches `seed` over influence edges
 * (one reverse breadth-first walk from the seed), strongest first, at most `max`.
 */
export function taintPathsTo(s: SliceResponse, seed: string, max = 12, index?: TaintIndex): TaintPath[] {
  const idx = index ?? taintIndex(s);
  const { into, untrusted } = idx;
  const next = new Map<string, string>([[seed, '']]);
  const queue = [seed];
  const found: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    if (cur !== seed && untrusted.has(cur)) found.push(cur);
    for (const from of into.get(cur) ?? []) {
      if (next.has(from)) continue;
      next.set(from, cur);
      queue.push(from);
    }
  }
  const paths = found.map((source) => {
    const nodes = [source];
    for (let n = next.get(source)!; n; n = next.get(n)!) nodes.push(n);
    return { source, nodes };
  });
  return rankPaths(paths, s, idx).slice(0, max);
}

/** Taint paths in the order a responder should read them: schemas' rankChains, the order the evidence report tells them in. */
export function rankPaths(paths: TaintPath[], s: Pick<SliceResponse, 'nodes' | 'edges'>, index?: Pick<TaintIndex, 'links'>): TaintPath[] {
  return rankChains(paths, s, index?.links).map((c) => c.path);
}

export interface KeyNode {
  id: string;
  tier: number;
  /** the strongest taint path's weakest link */
  strength: number;
}

/**
 * The trace's key node: among tool calls untrusted content reached by a path with no
 * coincidental link, the highest impact tier, then the most recent. Undefined when untrusted
 * content reached no tool call.
 */
export function keyNode(s: SliceResponse): KeyNode | undefined {
  // candidates in the order they win (a stable sort: among equals the first in the graph), so
  // the first one reached without a coincidental link is the answer: one walk, not one per call
  const tools = s.nodes
    .filter((n): n is SliceActivity => n.type === 'activity' && n.kind === 'tool' && n.tainted)
    .map((a) => ({ a, tier: impactTier(a.toolName || a.name), start: BigInt(a.start || '0') }))
    .sort((x, y) => y.tier - x.tier || (y.start > x.start ? 1 : y.start < x.start ? -1 : 0));
  if (tools.length === 0) return undefined;
  const idx = taintIndex(s);
  for (const { a, tier } of tools) {
    const paths = taintPathsTo(s, a.id, 4, idx);
    const strength = paths.reduce((m, p) => Math.max(m, pathStrength(p.nodes, idx.edges)), 0);
    if (strength >= WEAK_LINK) return { id: a.id, tier, strength };
  }
  return undefined;
}

/**
 * What the trace's own graph says about a node before its slices arrive: its ancestors
 * (causes), descendants (effects) and the taint paths that reach it.
 */
export function traceHighlight(s: SliceResponse, seed: string): Highlight {
  const h = emptyHighlight(seed);
  const out = new Map<string, SliceEdge[]>();
  const into = new Map<string, SliceEdge[]>();
  for (const e of s.edges) {
    if (!influences(e)) continue;
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
    (into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push(e);
  }
  const walk = (adj: Map<string, SliceEdge[]>, forward: boolean, nodes: Set<string>, edges: Set<string>): void => {
    const queue = [seed];
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      for (const e of adj.get(queue[i]!) ?? []) {
        const n = forward ? e.to : e.from;
        edges.add(edgeKey(e.from, e.to));
        if (seen.has(n)) continue;
        seen.add(n);
        nodes.add(n);
        queue.push(n);
      }
    }
  };
  walk(into, false, h.causes, h.causeEdges);
  walk(out, true, h.effects, h.effectEdges);
  h.causes.delete(seed);
  h.effects.delete(seed);
  for (const p of taintPathsTo(s, seed)) {
    h.untrustedSources.add(p.source);
    p.nodes.forEach((id, i) => {
      h.taintNodes.add(id);
      if (i > 0) h.taintEdges.add(edgeKey(p.nodes[i - 1]!, id));
    });
  }
  return h;
}
