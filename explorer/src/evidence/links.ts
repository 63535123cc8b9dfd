// How one step of a causal chain is known, in words a responder can weigh: by ids (a call id,
// a tool name and arguments), by copied text (with how much was copied), or by structure
// (order, containment). Pure.
import type { HowKnown, RelationName } from '@causeway/schemas';

export interface LinkLike {
  relation: RelationName;
  how: HowKnown;
  detail?: string | undefined;
  score?: number | undefined;
  shared?: number | undefined;
}

export type Strength = 'certain' | 'strong' | 'moderate' | 'weak';

export interface LinkWords {
  /** ids | copied text | structural */
  kind: 'ids' | 'copied text' | 'structural';
  /** what the link says, e.g. "copied text: 42% of the smaller text (11 fingerprints)" */
  says: string;
  strength: Strength;
  /** 0..1, 1 for links known by ids */
  score: number;
}

/** Copied-text links below this score are flagged as possibly coincidental. */
export const COINCIDENCE = 0.15;

export function strengthOf(score: number): Strength {
  return score >= 0.999 ? 'certain' : score >= 0.5 ? 'strong' : score >= COINCIDENCE ? 'moderate' : 'weak';
}

const RELATION: Record<RelationName, string> = {
  used: 'read by the next step',
  generated: 'produced by the step before',
  executed: 'run by the tool call',
  part_of: 'part of',
  derived_from: 'copied into',
  child_of: 'contains',
  linked: 'span link',
};

const DETAIL: Record<string, string> = {
  call_id: 'the same tool call id',
  'name+arguments': 'the same tool name and arguments',
  order: 'order (the n-th run of the tool took its n-th request)',
  fingerprints: 'text fingerprints',
  'span link': 'a span link',
};

export function describeLink(e: LinkLike): LinkWords {
  if (e.how === 'content') {
    const score = e.score ?? 0;
    const pct = Math.round(score * 100);
    return {
      kind: 'copied text',
      says: `copied text: ${pct}% of the smaller text${e.shared !== undefined ? ` (${e.shared} shared fingerprints)` : ''}${score < COINCIDENCE ? ', possibly coincidence' : ''}`,
      strength: strengthOf(score),
      score,
    };
  }
  if (e.how === 'structural') return { kind: 'structural', says: `${RELATION[e.relation]} (known by ${DETAIL[e.detail ?? ''] ?? 'structure: order or containment'})`, strength: 'moderate', score: 0.5 };
  const where = e.detail && !DETAIL[e.detail] ? ` (at ${e.detail})` : '';
  const by = e.detail && DETAIL[e.detail] ? ` (matched by ${DETAIL[e.detail]})` : '';
  return { kind: 'ids', says: `${RELATION[e.relation]}${by}${where}`, strength: 'certain', score: 1 };
}

/** The verb of a link as read from its source to its target. */
export const relationWords = (r: RelationName): string => RELATION[r];
