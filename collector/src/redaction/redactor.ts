// The redaction engine: finds secrets and personal data in text and replaces each with a typed
// placeholder carrying a keyed fingerprint, `[REDACTED:<rule>:<8 hex>]`. The fingerprint is
// HMAC-SHA256(tenant key, value): the same value gives the same placeholder everywhere, and
// without the key no one can test a guess against it.
import { createHmac } from 'node:crypto';
import { type Detector, DETECTORS } from './detectors.ts';
import { KeyRules } from './key-rules.ts';
import { DEFAULT_POLICY, type RedactionPolicy, type RuleMode } from './policy.ts';
import type { Finding, RuleId, TextRedaction } from './types.ts';
import { isPlaceholder } from './validators.ts';

export interface Redactor {
  /** Detectors over one string (free text, or JSON kept as text so its formatting survives). */
  redactText(text: string): TextRedaction;
  /** A whole value under a sensitive key. */
  placeholder(rule: RuleId, value: string): string;
  readonly keys: KeyRules;
  modeOf(rule: RuleId): RuleMode;
}

interface Compiled extends Detector {
  pattern: RegExp;
}

interface Candidate extends Finding {
  priority: number;
  value: string;
  canonical: string;
}

/** Strings shorter than this hold no secret or personal datum we detect (an IPv4 is 7). */
const MIN_LENGTH = 6;
/**
 * Agents re-send the same text constantly (system instructions, tool definitions, the whole
 * conversation in every LLM call): identical strings are redacted once. Bounded by characters;
 * when full it starts over, which costs one re-scan per string, never a wrong answer.
 */
const MEMO_MAX_CHARS = 32 << 20;

export function createRedactor(opts: { key: Buffer; policy?: RedactionPolicy; /** default true; off only to measure */ memo?: boolean }): Redactor {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const enabled = (id: string): boolean => policy.rules[id]?.enabled !== false;
  const custom: Detector[] = policy.patterns.map((p) => ({
    id: p.id,
    kind: 'secret',
    keywords: p.keywords,
    pattern: new RegExp(p.pattern, `${p.flags ?? ''}g`),
    priority: 95,
  }));
  const detectors: Compiled[] = [...DETECTORS, ...custom]
    .filter((d) => enabled(d.id))
    .map((d) => ({ ...d, pattern: new RegExp(d.pattern.source, withFlags(d.pattern.flags, 'gd')) }));
  const keyworded = detectors.filter((d) => d.keywords?.length);
  const prechecked = detectors.filter((d) => !d.keywords?.length);
  const keywords = [...new Set(keyworded.flatMap((d) => d.keywords!))].sort((a, b) => b.length - a.length);
  const keywordSearch = new RegExp(keywords.map(escapeRegExp).join('|'), 'gi');
  // The search reports the longest keyword at a position: a hit on `password` is a hit on `pass` too.
  const implied = new Map(keywords.map((k) => [k, keywords.filter((j) => k.includes(j))]));
  const allowValues = new Set(policy.allowValues);
  const modes = new Map<string, RuleMode>();
  for (const p of policy.patterns) if (p.mode) modes.set(p.id, p.mode);
  for (const [id, r] of Object.entries(policy.rules)) if (r.mode) modes.set(id, r.mode);

  const hits = new Set<string>();
  const fingerprint = (canonical: string): string => createHmac('sha256', opts.key).update(canonical).digest('hex').slice(0, 8);
  const placeholder = (rule: RuleId, canonical: string): string => `[REDACTED:${rule}:${fingerprint(canonical)}]`;

  const memo = new Map<string, TextRedaction>();
  let memoChars = 0;
  function redactText(text: string): TextRedaction {
    if (text.length < MIN_LENGTH) return { text, findings: [] };
    if (opts.memo === false) return scan(text);
    const known = memo.get(text);
    if (known) return known;
    const r = scan(text);
    if (memoChars + text.length > MEMO_MAX_CHARS) {
      memo.clear();
      memoChars = 0;
    }
    memo.set(text, r);
    memoChars += text.length;
    return r;
  }

  function scan(text: string): TextRedaction {
    // One pass over the text finds which keyworded detectors can possibly match.
    hits.clear();
    keywordSearch.lastIndex = 0;
    for (let m = keywordSearch.exec(text); m; m = keywordSearch.exec(text)) {
      const k = m[0].toLowerCase();
      if (!hits.has(k)) for (const j of implied.get(k)!) hits.add(j);
    }
    const run: Compiled[] = [];
    if (hits.size > 0) for (const d of keyworded) if (d.keywords!.some((k) => hits.has(k)) && (!d.precheck || d.precheck.test(text))) run.push(d);
    for (const d of prechecked) if (!d.precheck || d.precheck.test(text)) run.push(d);
    if (run.length === 0) return { text, findings: [] };

    const found: Candidate[] = [];
    for (const d of run) {
      const re = d.pattern;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0].length === 0) re.lastIndex++;
        const [start, end] = extent(m);
        const value = text.slice(start, end);
        if (!value || allowValues.has(value)) continue;
        if (d.kind === 'secret' && d.id !== 'private_key' && isPlaceholder(value)) continue;
        if (d.validate && !d.validate(value, text, start)) continue;
        found.push({ rule: d.id, start, end, priority: d.priority, value, canonical: d.canonical ? d.canonical(value) : value });
      }
    }
    if (found.length === 0) return { text, findings: [] };

    const kept = resolveOverlaps(found);
    let out = '';
    let at = 0;
    for (const f of kept) {
      out += text.slice(at, f.start) + placeholder(f.rule, f.canonical);
      at = f.end;
    }
    out += text.slice(at);
    return { text: out, findings: kept.map(({ rule, start, end }) => ({ rule, start, end })) };
  }

  return {
    redactText,
    placeholder,
    keys: new KeyRules(policy.sensitiveKeys, policy.allowKeys),
    modeOf: (rule) => modes.get(rule) ?? 'placeholder',
  };
}

/** The first capture group that took part in the match, else the whole match. */
function extent(m: RegExpExecArray): [number, number] {
  const idx = m.indices!;
  for (let g = 1; g < idx.length; g++) {
    const r = idx[g];
    if (r) return r;
  }
  return idx[0]!;
}

/** Higher priority first, then longer; a finding overlapping one already kept is dropped. */
function resolveOverlaps(found: Candidate[]): Candidate[] {
  found.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const f of found) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}

function withFlags(flags: string, add: string): string {
  let out = flags;
  for (const f of add) if (!out.includes(f)) out += f;
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
