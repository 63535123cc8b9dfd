// The redaction engine: finds secrets and personal data in text and replaces each with a typed
// placeholder, `[REDACTED:<rule>:<8 hex>]`. The hex is a keyed digest (keyed-digest.ts, under a
// key derived from the tenant key) whose input depends on how guessable the value is:
//  - high-entropy secrets (tokens, keys, JWTs, and key-rule values a guesser cannot cover,
//    guessingBits ≥ 80): digest of the value alone, so "same secret, same placeholder" holds
//    across the tenant, and no guess can be tested (the space is too large);
//  - low-entropy values (cards, phones, e-mails, IBANs, ids, passwords): digest of the scope and
//    the value. The scope is the trace (and the submitting credential once ingest is
//    authenticated), so within a trace the same address has one placeholder, and a guess sent in
//    another trace never matches (no redaction oracle, issue 13).
// Two more renderings serve provenance: CLASS_SCOPE writes low-entropy values as their class
// (`[REDACTED:email]`, for artifact ids that unify across traces), TAG_SCOPE as a tenant-wide tag
// between U+E000 and U+E001 (for content-flow grams, which slices may match only within a trace).
// Detection is linear in the text (detectors.ts, bounded-pattern.ts); overlaps resolve in
// O(k log k) (overlaps.ts).
import { type Detector, DETECTORS } from './detectors.ts';
import { KeyRules } from './key-rules.ts';
import { keyedDigests } from './keyed-digest.ts';
import { DEFAULT_POLICY, type RedactionPolicy, type RuleMode } from './policy.ts';
import { type Finding, KEY_RULE, type RuleId, type TextRedaction } from './types.ts';
import { resolveOverlaps } from './overlaps.ts';
import { guessingBits, isPlaceholder, isTemplate } from './validators.ts';

/** Where a low-entropy placeholder is valid: a trace id (+ credential), or one of the renderings below. '' = unscoped (tests, tools). */
export type Scope = string;
export const CLASS_SCOPE: Scope = '\u0000class';
export const TAG_SCOPE: Scope = '\u0000tag';
/** Around a low-entropy value's tag in TAG_SCOPE text. */
export const TAG_OPEN = '\uE000';
export const TAG_CLOSE = '\uE001';

/** Rules whose every finding is a high-entropy secret (≥ 80 bits by format). */
const HIGH_ENTROPY_RULES = new Set<string>([
  'aws_access_key_id', 'aws_secret_access_key', 'gcp_api_key', 'gcp_service_account', 'azure_storage_key', 'azure_sas_token',
  'github_token', 'github_fine_grained_pat', 'gitlab_token', 'npm_token', 'pypi_token', 'slack_token', 'slack_webhook', 'stripe_key',
  'twilio_api_key', 'sendgrid_api_key', 'mailgun_api_key', 'datadog_api_key', 'openai_api_key', 'anthropic_api_key', 'huggingface_token',
  'jwt', 'private_key',
]);
/** Rules whose findings are secrets of any strength (passwords, header values): judged per value. */
const PER_VALUE_RULES = new Set<string>(['generic_secret', 'url_password', 'connection_string_password', KEY_RULE]);

/** Whether a value of a rule may carry a tenant-wide fingerprint (see the header). */
export function isHighEntropy(rule: RuleId, canonical: string): boolean {
  return HIGH_ENTROPY_RULES.has(rule) || (PER_VALUE_RULES.has(rule) && guessingBits(canonical) >= 80);
}

export interface Redactor {
  /** Detectors over one string (free text, or JSON kept as text so its formatting survives). */
  redactText(text: string, scope?: Scope): TextRedaction;
  /** A whole value under a sensitive key. */
  placeholder(rule: RuleId, value: string, scope?: Scope): string;
  readonly keys: KeyRules;
  modeOf(rule: RuleId): RuleMode;
  /** characters the memo holds now (texts and their redacted forms) */
  readonly memoChars: number;
}

interface Compiled extends Detector {
  /** global, without match indices (they cost ~10x per match) */
  pattern: RegExp;
  /** sticky with indices: re-run at a match only when its secret is part of it */
  locate: RegExp;
}

interface Candidate extends Finding {
  priority: number;
  value: string;
  canonical: string;
}

/** A scan's result, before placeholders: kept per text in the memo, rendered per scope. */
interface Scanned {
  findings: Candidate[];
  high: boolean[];
  /** the last rendering, for the last scope asked */
  scope?: Scope;
  text?: string;
  /** the findings as callers see them */
  shown?: Finding[];
}

/** Strings shorter than this hold no secret or personal datum we detect (an IPv4 is 7). */
const MIN_LENGTH = 6;
/**
 * Agents re-send the same text constantly (system instructions, tool definitions, the whole
 * conversation in every LLM call): identical strings are redacted once. Bounded by the characters
 * it holds (the text and its redacted form); a string longer than MEMO_MAX_ENTRY is never kept
 * (a 60 MB attribute must not outlive its request). When full it starts over, which costs one
 * re-scan per string, never a wrong answer.
 */
const MEMO_MAX_CHARS = 32 << 20;
const MEMO_MAX_ENTRY = 256 << 10;

/** Work done, in steps a test can count: characters each pattern scanned, grown, validated, and overlap steps. */
export interface RedactionWork {
  steps: number;
}

export function createRedactor(opts: {
  key: Buffer;
  policy?: RedactionPolicy;
  /** default true; off only to measure */
  memo?: boolean;
  /** counts the work of every scan (linear.test.ts) */
  work?: RedactionWork;
}): Redactor {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const work = opts.work;
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
    .map((d) => ({ ...d, pattern: new RegExp(d.pattern.source, withFlags(d.pattern.flags.replace('d', ''), 'g')), locate: new RegExp(d.pattern.source, withFlags(d.pattern.flags.replace('g', ''), 'dy')) }));
  const keyworded = detectors.filter((d) => d.keywords?.length);
  const prechecked = detectors.filter((d) => !d.keywords?.length);
  const keywords = [...new Set(keyworded.flatMap((d) => d.keywords!))].sort((a, b) => b.length - a.length);
  // One pass of literal alternatives over the text: each position costs at most the keywords' total length.
  const keywordSearch = new RegExp(keywords.map(escapeRegExp).join('|'), 'gi');
  // The search reports the longest keyword at a position: a hit on `password` is a hit on `pass` too.
  const implied = new Map(keywords.map((k) => [k, keywords.filter((j) => k.includes(j))]));
  const allowValues = new Set(policy.allowValues);
  const modes = new Map<string, RuleMode>();
  for (const p of policy.patterns) if (p.mode) modes.set(p.id, p.mode);
  for (const [id, r] of Object.entries(policy.rules)) if (r.mode) modes.set(id, r.mode);

  const hits = new Set<string>();
  /** The placeholders of several findings in one scope: one cipher call for all of them. */
  function placeholders(found: readonly { rule: RuleId; canonical: string }[], high: readonly boolean[], scope: Scope): string[] {
    const tag = scope === TAG_SCOPE;
    const inputs: string[] = new Array(found.length);
    for (let i = 0; i < found.length; i++) inputs[i] = high[i] ? `h\u0000${found[i]!.canonical}` : `${tag ? 't' : 'l'}\u0000${scope}\u0000${found[i]!.canonical}`;
    // a tag is as long as an address, so the grams inside it alone make a content-flow link
    const digests = keyedDigests(opts.key, inputs, tag ? 16 : 4);
    for (let i = 0; i < found.length; i++) {
      const rule = found[i]!.rule;
      // exactly as long as the stored placeholder (`[REDACTED:<rule>:<8 hex>]`): the offsets of
      // copied passages, taken on this text, then fall on the same characters of the stored content
      if (tag && !high[i]) digests[i] = `${TAG_OPEN}${rule}:${digests[i]!.slice(0, 17)}${TAG_CLOSE}`;
      else if (high[i]) digests[i] = `[REDACTED:${rule}:${digests[i]!.slice(0, 8)}]`;
      else if (scope === CLASS_SCOPE) digests[i] = `[REDACTED:${rule}]`;
      else digests[i] = `[REDACTED:${rule}:${digests[i]}]`;
    }
    return digests;
  }
  const placeholder = (rule: RuleId, value: string, scope: Scope = ''): string => placeholders([{ rule, canonical: value }], [isHighEntropy(rule, value)], scope)[0]!;

  const memo = new Map<string, Scanned>();
  let memoChars = 0;
  function redactText(text: string, scope: Scope = ''): TextRedaction {
    if (text.length < MIN_LENGTH) return { text, findings: [] };
    let r: Scanned | undefined = opts.memo === false || text.length > MEMO_MAX_ENTRY ? undefined : memo.get(text);
    if (!r) {
      r = scan(text);
      if (opts.memo !== false && text.length <= MEMO_MAX_ENTRY) {
        // a memo entry holds the text and its last rendering (about as long)
        const size = r.findings.length > 0 ? 2 * text.length : text.length;
        if (memoChars + size > MEMO_MAX_CHARS) {
          memo.clear();
          memoChars = 0;
        }
        memo.set(text, r);
        memoChars += size;
      }
    }
    if (r.findings.length === 0) return { text, findings: [] };
    if (r.scope !== scope || r.text === undefined) {
      const ph = placeholders(r.findings, r.high, scope);
      const parts: string[] = new Array(2 * ph.length + 1);
      let at = 0;
      for (let i = 0; i < ph.length; i++) {
        const f = r.findings[i]!;
        parts[2 * i] = text.slice(at, f.start);
        parts[2 * i + 1] = ph[i]!;
        at = f.end;
      }
      parts[2 * ph.length] = text.slice(at);
      r.scope = scope;
      r.text = parts.join('');
    }
    // what callers see of the findings: rule and place, never the value (made once per scan)
    r.shown ??= r.findings.map(({ rule, start, end }) => ({ rule, start, end }));
    return { text: r.text, findings: r.shown };
  }

  function scan(text: string): Scanned {
    // One pass over the text finds which keyworded detectors can possibly match.
    hits.clear();
    keywordSearch.lastIndex = 0;
    for (let m = keywordSearch.exec(text); m; m = keywordSearch.exec(text)) {
      const k = m[0].toLowerCase();
      if (!hits.has(k)) for (const j of implied.get(k)!) hits.add(j);
    }
    if (work) work.steps += text.length * 4;
    const run: Compiled[] = [];
    if (hits.size > 0) for (const d of keyworded) if (d.keywords!.some((k) => hits.has(k)) && (!d.precheck || d.precheck.test(text))) run.push(d);
    for (const d of prechecked) if (!d.precheck || d.precheck.test(text)) run.push(d);
    if (work) work.steps += text.length * prechecked.length;
    if (run.length === 0) return { findings: [], high: [] };

    const found: Candidate[] = [];
    for (const d of run) {
      const re = d.pattern;
      const cursor = { end: -1 };
      re.lastIndex = 0;
      let from = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0].length === 0) re.lastIndex++;
        let [start, end] = extent(m, d.locate, text);
        const matchEnd = m.index + m[0].length;
        if (d.extent) {
          [start, end] = d.extent(text, start, end, cursor);
          if (work && d.extentReads) work.steps += d.extentReads;
        }
        else if (d.tail && end === matchEnd) while (end < text.length && d.tail.test(text[end]!)) end++;
        // the scan goes on after what this match took, so grown characters are read once
        if (end > matchEnd) re.lastIndex = end;
        if (work) work.steps += Math.max(re.lastIndex, matchEnd) - from + (end - start);
        from = re.lastIndex;
        if (d.notAfter && end < text.length && d.notAfter.test(text[end]!)) continue;
        const value = text.slice(start, end);
        if (!value || allowValues.has(value)) continue;
        if (d.kind === 'secret' && d.id !== 'private_key' && (d.keyed ? isTemplate(value) : isPlaceholder(value))) continue;
        if (d.validate && !d.validate(value, text, start, m.index)) continue;
        found.push({ rule: d.id, start, end, priority: d.priority, value, canonical: d.canonical ? d.canonical(value) : value });
      }
      if (work) work.steps += text.length - from;
    }
    if (found.length === 0) return { findings: [], high: [] };
    const kept = resolveOverlaps(found, work);
    return { findings: kept, high: kept.map((f) => isHighEntropy(f.rule, f.canonical)) };
  }

  return {
    redactText,
    placeholder,
    keys: new KeyRules(policy.sensitiveKeys, policy.allowKeys),
    modeOf: (rule) => modes.get(rule) ?? 'placeholder',
    get memoChars() {
      return memoChars;
    },
  };
}

/** The first capture group that took part in the match, else the whole match. */
function extent(m: RegExpExecArray, locate: RegExp, text: string): [number, number] {
  const whole: [number, number] = [m.index, m.index + m[0].length];
  let g = 1;
  while (g < m.length && m[g] === undefined) g++;
  if (g >= m.length || m[g]!.length === m[0].length) return whole;
  // The same pattern at the same place matches the same way; one bounded attempt.
  locate.lastIndex = m.index;
  const r = locate.exec(text)?.indices?.[g];
  return r ? [r[0], r[1]] : whole;
}

function withFlags(flags: string, add: string): string {
  let out = flags;
  for (const f of add) if (!out.includes(f)) out += f;
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
