// The order in which chains from untrusted content are told, in the explorer's taint-path panel
// and in an evidence bundle's report.html alike (one definition, so a responder and the report's
// reader see the same chain first). A chain's strength alone misleads: a benign e-mail the model
// merely read reaches `send_email` through recorded ids (strength 1), while the injected text
// copied into the call's arguments is known by copied text (strength ~0.4). So chains rank by:
//   1. reaching a high-impact call (impactTier ≥ HIGH_IMPACT_TIER) with no coincidental link
//      (every link at least WEAK_LINK), higher impact first;
//   2. text copied into what a tool call was sent (a copied-text link of at least WEAK_LINK into
//      a tool call or its request), before chains that reached it only through other steps;
//   3. then the strength of the weakest link, the impact of the last step, the shorter chain,
//      and the node ids (so equal chains keep one order everywhere).
import type { SliceActivity, SliceArtifact, SliceEdge, SliceNode, SliceResponse, TaintPath } from './provenance.ts';
import { WEAK_LINK, edgeStrength, impactTier } from './impact.ts';

/** Impact tiers from this one up are high-impact. */
export const HIGH_IMPACT_TIER = 2;

export interface RankedChain {
  path: TaintPath;
  source: SliceArtifact | undefined;
  /** the chain's last node, when it is a tool call */
  action: SliceActivity | undefined;
  /** the action's impact tier, -1 when the chain does not end at a tool call */
  tier: number;
  /** the weakest link's strength (a link's strength is its strongest edge's) */
  strength: number;
  /** the best score of a copied-text link (≥ WEAK_LINK) into a tool call or its request on the chain, if any */
  copiedInto: number | undefined;
}

export type Links = (from: string, to: string) => SliceEdge[];

/** Every edge between two nodes, span containment aside (it carries no influence); build once for many rankings. */
export function chainLinks(edges: readonly SliceEdge[]): Links {
  const m = new Map<string, SliceEdge[]>();
  for (const e of edges) {
    if (e.relation === 'child_of') continue;
    const k = `${e.from}>${e.to}`;
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  }
  return (from, to) => m.get(`${from}>${to}`) ?? [];
}

/** Chains in the order to read them (see the header); `g` holds the chains' nodes and edges (`links`: chainLinks of its edges, if built already). */
export function rankChains(paths: readonly TaintPath[], g: Pick<SliceResponse, 'nodes' | 'edges'>, links: Links = chainLinks(g.edges)): RankedChain[] {
  if (paths.length === 0) return [];
  const byId = new Map<string, SliceNode>(g.nodes.map((n) => [n.id, n]));
  const ranked = paths.map((path): RankedChain => {
    const ids = path.nodes;
    let strength = 1;
    let copiedInto: number | undefined;
    for (let i = 1; i < ids.length; i++) {
      const between = links(ids[i - 1]!, ids[i]!);
      strength = Math.min(strength, Math.max(0, ...between.map(edgeStrength)));
      const to = byId.get(ids[i]!);
      const intoCall = to?.kind === 'tool_request' || (to?.type === 'activity' && to.kind === 'tool');
      if (intoCall) for (const e of between) if (e.how === 'content' && (e.score ?? 0) >= WEAK_LINK) copiedInto = Math.max(copiedInto ?? 0, e.score ?? 0);
    }
    const last = byId.get(ids[ids.length - 1] ?? '');
    const action = last?.type === 'activity' && last.kind === 'tool' ? last : undefined;
    const source = byId.get(path.source);
    return { path, source: source?.type === 'artifact' ? source : undefined, action, tier: action ? impactTier(action.toolName || action.name) : -1, strength, copiedInto };
  });
  const high = (c: RankedChain): number => (c.tier >= HIGH_IMPACT_TIER && c.strength >= WEAK_LINK ? c.tier : -1);
  const key = new Map(ranked.map((c) => [c, c.path.nodes.join(' ')]));
  return ranked.sort(
    (a, b) =>
      high(b) - high(a) ||
      Number(b.copiedInto !== undefined) - Number(a.copiedInto !== undefined) ||
      b.strength - a.strength ||
      b.tier - a.tier ||
      a.path.nodes.length - b.path.nodes.length ||
      (key.get(a)! < key.get(b)! ? -1 : key.get(a)! > key.get(b)! ? 1 : 0),
  );
}
