// Trust labels for artifacts, from ordered rules (first match wins). Evaluated when a slice is
// read, not at ingest, so a changed rule file relabels everything already stored.
import { readFileSync } from 'node:fs';
import type { ArtifactKind } from './adapters/types.ts';

export type Trust = 'trusted' | 'untrusted' | 'unknown';

export interface TrustRule {
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
}

export const DEFAULT_TRUST_RULES: TrustRule[] = [
  { kind: ['system_instruction'], trust: 'trusted', why: 'system instructions come from the application' },
  { kind: ['user_prompt'], trust: 'trusted', why: "the user's own request" },
  {
    kind: ['document', 'tool_result'],
    producer: 'e?mail|inbox|imap|smtp|web|brows|fetch|http|url|scrap|crawl|rss|ticket|issue|jira|slack|teams|chat|message|comment|review|social|tweet',
    trust: 'untrusted',
    why: 'content from mail, the web, tickets or messages is written by outsiders',
  },
  { kind: ['document', 'tool_result'], source: '^(https?|mailto|imap|pop3?|ftp)://|^mailto:|@|\\[REDACTED:email:', trust: 'untrusted', why: 'retrieved from the web or mail' },
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
  return rules.map((r, i) => checkRule(r, `${file}: rules[${i}]`));
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
  return { trust: o.trust, why: typeof o.why === 'string' ? o.why : `rule ${where}`, ...(o.kind ? { kind: o.kind as ArtifactKind[] } : {}), ...pick(o) };
}

function pick(o: Record<string, unknown>): Partial<TrustRule> {
  const out: Partial<TrustRule> = {};
  if (typeof o.producer === 'string') out.producer = o.producer;
  if (typeof o.source === 'string') out.source = o.source;
  if (typeof o.document === 'string') out.document = o.document;
  return out;
}

export function trustOf(rules: TrustRule[], s: TrustSubject): TrustLabel {
  for (const r of rules) {
    if (r.kind && !r.kind.includes(s.kind)) continue;
    if (r.producer && !s.producers.some((p) => new RegExp(r.producer!, 'i').test(p))) continue;
    if (r.source && !new RegExp(r.source, 'i').test(s.source)) continue;
    if (r.document && !new RegExp(r.document, 'i').test(s.documentId)) continue;
    return { trust: r.trust, why: r.why };
  }
  return { trust: 'unknown', why: 'no trust rule matched' };
}
