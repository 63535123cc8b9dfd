// Why report.html tells each chain where it does, in words. The order itself is schemas'
// rankChains (chain-rank.ts), the same one the explorer's taint-path panel uses.
import { HIGH_IMPACT_TIER, type RankedChain, WEAK_LINK } from '@causeway/schemas';

const TIER_WORDS = ['its name says it reads, or says nothing of what it does', 'changes or exports data', 'destroys data or runs code', 'sends data out or moves money'];

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
      ? `Text along the chain was copied into what a tool call was sent (copied text, score ${c.copiedInto.toFixed(2)}).`
      : 'No copied text carries the source into the call: it reached the call through what was given to or produced by other steps.';
  return `${trust} ${reach} ${how} Weakest link ${c.strength.toFixed(2)}.`;
}

/** How the chains are ordered, said once above them. */
export const ORDER_WORDS =
  'Chains that reach a high-impact call without a coincidental link come first (higher impact first); among them, those along which text was copied into what a tool call was sent come before those that reached it only through other steps; then the stronger weakest link, the higher impact, then the shorter chain.';
