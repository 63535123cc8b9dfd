// Trust labels for artifacts, from ordered rules (first match wins). Evaluated when a slice is
// read, not at ingest, so a changed rule file relabels everything already stored.
import { readFileSync } from 'node:fs';
import type { TrustMatch } from '@causeway/schemas';
import type { ArtifactKind } from './adapters/types.ts';

export type Trust = 'trusted' | 'untrusted' | 'unknown';

export interface TrustRule {
  /** how labels name the rule (`rules[<index>]` in a file when absent) */
  id?: string;
  trust: Trust;
  /** artifact kinds this rule applies to (any when absent) */
  kind?: ArtifactKind[];
  /** case-insensitive regex over the producing tool, retriever or data source name */
  producer?: string;
  /** case-insensitive regex over the artifact's source (URI, sender, path) */
  source?: string;
  /** case-insensitive regex over the document id */
  document?: string;
  /** shown beside the label */
  why: string;
}

/** What a rule can look at. */
export interface TrustSubject {
  kind: ArtifactKind;
  producers: string[];
  source: string;
  documentId: string;
}

export interface TrustLabel {
  trust: Trust;
  why: string;
  /** the rule that set it (its id, or `rules[<index>]`), `none` when no rule matched */
  rule: string;
  /** what its patterns matched */
  matched?: TrustMatch;
}

/** The rule name of a label no rule set. */
export const NO_RULE = 'none';

export const DEFAULT_TRUST_RULES: TrustRule[] = [
  { id: 'builtin:system-instruction', kind: ['system_instruction'], trust: 'trusted', why: 'system instructions come from the application' },
  { id: 'builtin:user-prompt', kind: ['user_prompt'], trust: 'trusted', why: "the user's own request" },
  {
    // what an action answers about itself (a send receipt, a created ticket's id) is the tool's
    // own output, not outside input, even when the tool's name mentions mail or tickets
    id: 'builtin:own-action-result',
    kind: ['tool_result'],
    producer: '^(send|create|update|delete|remove|write|reply|forward|schedule|book|pay|transfer|archive|move|assign|close|approve|post|publish|upload|notify|set|add|insert|submit)[_.-]',
    trust: 'unknown',
    why: "an action's own result (a receipt or an id), not content written by outsiders",
  },
  {
    id: 'builtin:outsider-producer',
    kind: ['document', 'tool_result'],
    producer: 'e?mail|inbox|imap|smtp|web|brows|fetch|http|url|scrap|crawl|rss|ticket|issue|jira|slack|teams|chat|message|comment|review|social|tweet',
    trust: 'untrusted',
    why: 'content from mail, the web, tickets or messages is written by outsiders',
  },
  {
    id: 'builtin:outsider-source',
    kind: ['document', 'tool_result'],
    source: '^(https?|mailto|imap|pop3?|ftp)://|^mailto:|@|\\[REDACTED:email:',
    trust: 'untrusted',
    why: 'retrieved from the web or mail',
  },
];

export function loadTrustRules(file: string | undefined): TrustRule[] {
  if (!file) return DEFAULT_TRUST_RULES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`trust rules ${file}: ${(e as Error).message}`);
  }
  const rules = (parsed as { rules?: unknown }).rules ?? parsed;
  if (!Array.isArray(rules)) throw new Error(`trust rules ${file}: expected {"rules":[…]} or an array of rules`);
  return rules.map((r, i) => ({ id: `rules[${i}]`, ...checkRule(r, `${file}: rules[${i}]`) }));
}

function checkRule(r: unknown, where: string): TrustRule {
  if (!r || typeof r !== 'object') throw new Error(`${where}: a rule is an object`);
  const o = r as Record<string, unknown>;
  if (o.trust !== 'trusted' && o.trust !== 'untrusted' && o.trust !== 'unknown') throw new Error(`${where}: trust must be trusted, untrusted or unknown`);
  for (const k of ['producer', 'source', 'document'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') throw new Error(`${where}: ${k} must be a regular expression string`);
    try {
      new RegExp(o[k] as string, 'i');
    } catch (e) {
      throw new Error(`${where}: ${k}: ${(e as Error).message}`);
    }
  }
  if (o.kind !== undefined && !(Array.isArray(o.kind) && o.kind.every((k) => typeof k === 'string'))) throw new Error(`${where}: kind must be a list of artifact kinds`);
  if (o.id !== undefined && (typeof o.id !== 'string' || o.id === '' || o.id === NO_RULE)) throw new Error(`${where}: id must be a non-empty string other than "${NO_RULE}"`);
  return { trust: o.trust, why: typeof o.why === 'string' ? o.why : `rule ${where}`, ...(o.kind ? { kind: o.kind as ArtifactKind[] } : {}), ...pick(o) };
}

function pick(o: Record<string, unknown>): Partial<TrustRule> {
  const out: Partial<TrustRule> = {};
  if (typeof o.id === 'string') out.id = o.id;
  if (typeof o.producer === 'string') out.producer = o.producer;
  if (typeof o.source === 'string') out.source = o.source;
  if (typeof o.document === 'string') out.document = o.document;
  return out;
}

export function trustOf(rules: TrustRule[], s: TrustSubject): TrustLabel {
  for (const [i, r] of rules.entries()) {
    if (r.kind && !r.kind.includes(s.kind)) continue;
    const matched: TrustMatch = {};
    if (r.producer) {
      const re = new RegExp(r.producer, 'i');
      const p = s.producers.find((x) => re.test(x));
      if (p === undefined) continue;
      matched.producer = p;
    }
    if (r.source) {
      if (!new RegExp(r.source, 'i').test(s.source)) continue;
      matched.source = s.source;
    }
    if (r.document) {
      if (!new RegExp(r.document, 'i').test(s.documentId)) continue;
      matched.document = s.documentId;
    }
    return { trust: r.trust, why: r.why, rule: r.id ?? `rules[${i}]`, ...(Object.keys(matched).length > 0 ? { matched } : {}) };
  }
  return { trust: 'unknown', why: 'no trust rule matched', rule: NO_RULE };
}
