// The order in which report.html tells the chains from untrusted content, and why each is told.
// A chain's strength alone misleads: a benign e-mail the model merely read reaches `send_email`
// through recorded ids (strength 1), while the injected text that was copied into the call's
// arguments is known by copied text (strength ~0.4). So the report ranks by what a chain shows:
//   1. it reaches a high-impact call (impact tier ≥ 2, as schemas/impact.ts defines it) with no
//      coincidental link (every link at least WEAK_LINK), higher impact first;
//   2. the source's text is in what the action was sent (a copied-text link into the call or
//      its request), before a chain that reached it only through what a model call was given;
//   3. then the strength of its weakest link, then the shorter chain.
import type { SliceActivity, SliceArtifact, SliceEdge, SliceNode, SliceResponse, TaintPath } from '@causeway/schemas';
import { WEAK_LINK, edgeStrength, impactTier } from '@causeway/schemas';

/** Impact tiers from this one up are high-impact. */
export const HIGH_IMPACT_TIER = 2;
const TIER_WORDS = ['its name says it reads, or says nothing of what it does', 'changes or exports data', 'destroys data or runs code', 'sends data out or moves money'];

export interface RankedChain {
  path: TaintPath;
  source: SliceArtifact | undefined;
  /** the chain's last node, when it is a tool call */
  action: SliceActivity | undefined;
  tier: number;
  /** the weakest link's strength */
  strength: number;
  /** the score of the copied-text link that carries the source's text into the action (≥ WEAK_LINK), if any */
  copiedInto: number | undefined;
}

export type Links = (from: string, to: string) => SliceEdge[];

const best = (edges: SliceEdge[]): number => Math.max(0, ...edges.map(edgeStrength));

export function rankChains(g: SliceResponse, links: Links): RankedChain[] {
  const byId = new Map<string, SliceNode>(g.nodes.map((n) => [n.id, n]));
  const ranked = g.taintPaths.map((path): RankedChain => {
    const ids = path.nodes;
    const last = byId.get(ids[ids.length - 1] ?? '');
    const action = last?.type === 'activity' && last.kind === 'tool' ? last : undefined;
    const strength = Math.min(1, ...ids.slice(1).map((id, i) => best(links(ids[i]!, id))));
    // the last two links end at the action or at what it was sent (its request)
    let copiedInto: number | undefined;
    for (let i = Math.max(1, ids.length - 2); i < ids.length; i++) {
      for (const e of links(ids[i - 1]!, ids[i]!)) if (e.how === 'content' && (e.score ?? 0) >= WEAK_LINK) copiedInto = Math.max(copiedInto ?? 0, e.score ?? 0);
    }
    const source = byId.get(path.source);
    return { path, source: source?.type === 'artifact' ? source : undefined, action, tier: action ? impactTier(action.toolName || action.name) : -1, strength, copiedInto };
  });
  const high = (c: RankedChain): number => (c.tier >= HIGH_IMPACT_TIER && c.strength >= WEAK_LINK ? c.tier : -1);
  return ranked.sort(
    (a, b) =>
      high(b) - high(a) ||
      Number(b.copiedInto !== undefined) - Number(a.copiedInto !== undefined) ||
      b.strength - a.strength ||
      b.tier - a.tier ||
      a.path.nodes.length - b.path.nodes.length ||
      a.path.nodes.join().localeCompare(b.path.nodes.join()),
  );
}

/** Why a chain is listed where it is, in words: its source's trust label and rule, what it reached, how. */
export function chainReason(c: RankedChain): string {
  const s = c.source;
  const matched = s?.trustMatched ? Object.entries(s.trustMatched).map(([k, v]) => `${k} "${v}"`).join(', ') : '';
  const trust = s
    ? `Its source is labelled ${s.trust} by rule ${s.trustRule || 'none'}${s.trustWhy ? ` (${s.trustWhy}${matched ? `; matched ${matched}` : ''})` : matched ? ` (matched ${matched})` : ''}.`
    : 'Its source is not in the graph.';
  const name = c.action ? c.action.toolName || c.action.name : '';
  const reach = !c.action
    ? 'It does not end at a tool call.'
    : c.tier >= HIGH_IMPACT_TIER
      ? `It reaches ${name}, a high-impact call (${TIER_WORDS[c.tier]})${c.strength < WEAK_LINK ? ', but through a link too weak to tell from coincidence' : ''}.`
      : `It reaches ${name}, not a high-impact call (${TIER_WORDS[Math.max(0, c.tier)]}).`;
  const how =
    c.copiedInto !== undefined
      ? `The source's text is in what the call was sent (copied text, score ${c.copiedInto.toFixed(2)}).`
      : 'No copied text carries the source into the call: it reached the call through what was given to or produced by other steps.';
  return `${trust} ${reach} ${how} Weakest link ${c.strength.toFixed(2)}.`;
}

/** How the chains are ordered, said once above them. */
export const ORDER_WORDS =
  'Chains that reach a high-impact call without a coincidental link come first (higher impact first); among them, those whose source text was copied into what the call was sent come before those that reached it only through other steps; then the stronger weakest link, then the shorter chain.';
