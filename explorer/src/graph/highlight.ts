// What to light up when a node is selected: its backward slice ("why?": causes), its forward
// slice ("what followed?": effects) and the taint paths from untrusted content. Pure.
import type { SliceResponse } from '@causeway/schemas';

export type Role = 'seed' | 'cause' | 'effect' | 'both' | 'none';

export interface Highlight {
  seed: string;
  causes: Set<string>;
  effects: Set<string>;
  /** nodes on a path from untrusted content to the seed (backward) or to a tool call (forward) */
  taintNodes: Set<string>;
  /** `from>to` */
  taintEdges: Set<string>;
  causeEdges: Set<string>;
  effectEdges: Set<string>;
  /** untrusted artifacts at the start of a taint path */
  untrustedSources: Set<string>;
}

export const edgeKey = (from: string, to: string): string => `${from}>${to}`;

export function emptyHighlight(seed = ''): Highlight {
  return { seed, causes: new Set(), effects: new Set(), taintNodes: new Set(), taintEdges: new Set(), causeEdges: new Set(), effectEdges: new Set(), untrustedSources: new Set() };
}

export function sliceHighlight(seed: string, backward?: SliceResponse, forward?: SliceResponse): Highlight {
  const h = emptyHighlight(seed);
  for (const [slice, nodes, edges] of [
    [backward, h.causes, h.causeEdges],
    [forward, h.effects, h.effectEdges],
  ] as const) {
    if (!slice) continue;
    for (const n of slice.nodes) if (n.id !== seed) nodes.add(n.id);
    for (const e of slice.edges) if (e.relation !== 'child_of') edges.add(edgeKey(e.from, e.to));
    for (const p of slice.taintPaths) {
      // backward: every path ends at the seed; forward: paths from the seed (or through it) to tool calls
      if (slice === forward && !p.nodes.includes(seed)) continue;
      h.untrustedSources.add(p.source);
      p.nodes.forEach((id, i) => {
        h.taintNodes.add(id);
        if (i > 0) h.taintEdges.add(edgeKey(p.nodes[i - 1]!, id));
      });
    }
  }
  return h;
}

export function roleOf(h: Highlight, id: string): Role {
  if (id === h.seed) return 'seed';
  const c = h.causes.has(id);
  const e = h.effects.has(id);
  return c && e ? 'both' : c ? 'cause' : e ? 'effect' : 'none';
}

/**
 * The same highlight for the collapsed view: an artifact drawn inside an activity lends its
 * role to it (a cause wins over none; the seed stays the seed).
 */
export function foldHighlight(h: Highlight, foldedInto: Map<string, string>): Highlight {
  const to = (id: string): string => foldedInto.get(id) ?? id;
  const mapSet = (s: Set<string>): Set<string> => new Set([...s].map(to));
  const mapEdges = (s: Set<string>): Set<string> =>
    new Set(
      [...s].map((k) => {
        const [a, b] = k.split('>') as [string, string];
        return edgeKey(to(a), to(b));
      }),
    );
  const seed = to(h.seed);
  const causes = mapSet(h.causes);
  const effects = mapSet(h.effects);
  causes.delete(seed);
  effects.delete(seed);
  return { seed, causes, effects, taintNodes: mapSet(h.taintNodes), taintEdges: mapEdges(h.taintEdges), causeEdges: mapEdges(h.causeEdges), effectEdges: mapEdges(h.effectEdges), untrustedSources: mapSet(h.untrustedSources) };
}

/** `b`'s marks added to `a`'s (a new highlight; the seed is `a`'s). */
export function mergeHighlight(a: Highlight, b: Highlight | undefined): Highlight {
  if (!b) return a;
  const u = (x: Set<string>, y: Set<string>): Set<string> => new Set([...x, ...y]);
  const causes = u(a.causes, b.causes);
  const effects = u(a.effects, b.effects);
  causes.delete(a.seed);
  effects.delete(a.seed);
  return {
    seed: a.seed,
    causes,
    effects,
    taintNodes: u(a.taintNodes, b.taintNodes),
    taintEdges: u(a.taintEdges, b.taintEdges),
    causeEdges: u(a.causeEdges, b.causeEdges),
    effectEdges: u(a.effectEdges, b.effectEdges),
    untrustedSources: u(a.untrustedSources, b.untrustedSources),
  };
}

/** A path drawn as taint (a pinned taint path stays drawn whatever is selected). */
export function pathHighlight(nodes: readonly string[], seed = ''): Highlight {
  const h = emptyHighlight(seed);
  nodes.forEach((id, i) => {
    h.taintNodes.add(id);
    if (i > 0) h.taintEdges.add(edgeKey(nodes[i - 1]!, id));
  });
  if (nodes[0]) h.untrustedSources.add(nodes[0]);
  return h;
}
