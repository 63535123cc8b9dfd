// How much harm a tool call can do and how strong a causal link is: what a trace's key node is
// chosen by, in the explorer (from a whole trace graph) and in the collector's trace overview
// (which examines the highest-impact calls first). One definition for both.
import type { SliceEdge } from './provenance.ts';

/**
 * How much harm a tool call can do, by what its name says it does: 3 sends data out or moves
 * money, 2 destroys or runs code, 1 changes or exports data, 0 reads.
 */
export function impactTier(toolName: string): number {
  const t = toolName.toLowerCase();
  if (/^(search|get|read|list|lookup|fetch|query|find|retrieve|describe|check|view|browse)/.test(t)) return 0;
  if (/send|mail|post|publish|upload|share|forward|transfer|wire|pay|purchase|invite|webhook|notify|sms|slack|tweet/.test(t)) return 3;
  if (/delete|drop|remove|destroy|truncate|exec|shell|command|eval|deploy|grant|revoke|kill|terminate|shutdown/.test(t)) return 2;
  if (/export|download|write|create|update|insert|modify|set_|approve|refund|book|place_order|submit|commit|push|merge/.test(t)) return 1;
  return 0;
}

/** An edge's strength: 1 when known by ids, the overlap score when by copied text. */
export function edgeStrength(e: Pick<SliceEdge, 'how' | 'score'>): number {
  if (e.how === 'content') return e.score ?? 0;
  return e.how === 'structural' ? 0.5 : 1;
}

/** Links weaker than this are treated as coincidence when choosing the key node. */
export const WEAK_LINK = 0.15;
