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
import { KeyRules } from './key-rules.ts';
import { keyedDigests } from './keyed-digest.ts';
import { DEFAULT_POLICY, type RedactionPolicy, type RuleMode } from './policy.ts';
import { type Candidate, createScanner, type Gate, type RedactionWork } from './scanner.ts';
import { cutPoints, MIN_SEGMENT, segmentedRedaction } from './segmented.ts';
import { type Finding, KEY_RULE, type RuleId, type TextRedaction } from './types.ts';
import { guessingBits } from './validators.ts';

export type { RedactionWork } from './scanner.ts';

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

/** What the memo keeps per text: its gate, each detector's candidates once run, and the findings kept for a set of detectors. */
export interface Piece {
  /** the memo's own copy of its text (a slice of a request's text would keep all of it alive) */
  text?: string;
  gate?: Gate;
  /** by detector index; absent: not run on this text yet */
  found: Map<number, Candidate[]>;
  /** the findings of the text scanned whole */
  own?: Scanned;
  /** the findings of the text as a padded piece of a segmented scan (segmented.ts) */
  kept?: Scanned;
}

/** A scan's result, before placeholders: kept per text in the memo, rendered per scope. */
export interface Scanned {
  /** the detectors it was resolved over (indices, comma-joined) */
  run: string;
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
 * re-scan per string, never a wrong answer. A counted character costs ~5 bytes of heap since
 * pieces of re-sent conversations keep each detector's results beside their ~1 KB text (measured
 * over 20,000 generated agent spans; whole texts cost ~2.3): 12M characters hold ~60 MB, what
 * 32M held before segmented scans (an ingest worker's heap was 227 MB at 100k spans with 32M).
 */
const MEMO_MAX_CHARS = 12 << 20;
const MEMO_MAX_ENTRY = 256 << 10;

export function createRedactor(opts: {
  key: Buffer;
  policy?: RedactionPolicy;
  /** default true; off only to measure */
  memo?: boolean;
  /** default true (with the memo): JSON that re-sends its history is scanned piece by piece (segmented.ts); off to compare */
  segmented?: boolean;
  /** counts the work of every scan (linear.test.ts) */
  work?: RedactionWork;
}): Redactor {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const scanner = createScanner(policy, opts.work);
  const modes = new Map<string, RuleMode>();
  for (const p of policy.patterns) if (p.mode) modes.set(p.id, p.mode);
  for (const [id, r] of Object.entries(policy.rules)) if (r.mode) modes.set(id, r.mode);

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

  const memoOn = opts.memo !== false;
  const memo = new Map<string, Piece>();
  let memoChars = 0;
  /** The memo's piece for a text (a fresh one, not kept, when the memo is off or the text too long). */
  function piece(text: string): Piece {
    let p = memoOn && text.length <= MEMO_MAX_ENTRY ? memo.get(text) : undefined;
    if (p) return p;
    p = { found: new Map() };
    if (memoOn && text.length <= MEMO_MAX_ENTRY) {
      // a memo entry holds the text and its last rendering (about as long; counted when made)
      if (memoChars + text.length > MEMO_MAX_CHARS) {
        memo.clear();
        memoChars = 0;
      }
      // a flat copy: `' ' + s` is a cons string, slicing it flattens it into a new string
      p.text = text.length >= 16 ? (' ' + text).slice(1) : text;
      memo.set(p.text, p);
      memoChars += text.length;
    }
    return p;
  }
  const gateOf = (p: Piece, text: string): Gate => (p.gate ??= scanner.gate(text));
  const candidatesOf = (p: Piece, i: number, text: string): Candidate[] => {
    let c = p.found.get(i);
    if (!c) p.found.set(i, (c = scanner.candidates(i, text)));
    return c;
  };
  /** The findings kept over the detectors `run` (scan order) among those that start in [from, to), shifted by -from. */
  function resolve(p: Piece, text: string, run: readonly number[], key: string, from = 0, to = text.length): Scanned {
    const found: Candidate[] = [];
    for (const i of run) for (const c of candidatesOf(p, i, text)) if (c.start >= from && c.start < to) found.push(from === 0 ? c : { ...c, start: c.start - from, end: c.end - from });
    const findings = found.length === 0 ? found : scanner.resolve(found);
    // a rendering is kept beside the text: count it once
    if (findings.length > 0 && memoOn && !p.own && !p.kept && p.text !== undefined) memoChars += text.length;
    return { run: key, findings, high: findings.map((f) => isHighEntropy(f.rule, f.canonical)) };
  }
  /** A piece's findings for a segmented scan, kept for the last run set and range asked. */
  function kept(p: Piece, text: string, run: readonly number[], key: string, from: number, to: number): Scanned {
    const k = `${key}@${from}-${to}`;
    if (p.kept?.run !== k) p.kept = resolve(p, text, run, k, from, to);
    return p.kept;
  }
  /** A text with its findings' placeholders for one scope (the last scope's rendering is kept). */
  function render(r: Scanned, text: string, scope: Scope): TextRedaction {
    if (r.findings.length === 0) return { text, findings: [] };
    if (r.scope !== scope || r.text === undefined) r.text = splice(text, r.findings, placeholders(r.findings, r.high, scope));
    r.scope = scope;
    // what callers see of the findings: rule and place, never the value (made once per scan)
    r.shown ??= r.findings.map(({ rule, start, end }) => ({ rule, start, end }));
    return { text: r.text, findings: r.shown };
  }
  const segmented = segmentedRedaction({ scanner, piece, gateOf, candidatesOf, kept, render, placeholders, isHighEntropy });

  function redactText(text: string, scope: Scope = ''): TextRedaction {
    if (text.length < MIN_LENGTH) return { text, findings: [] };
    const hit = memoOn && text.length <= MEMO_MAX_ENTRY ? memo.get(text) : undefined;
    if (hit?.own) return render(hit.own, text, scope);
    // JSON that re-sends earlier content (a conversation's messages): scanned piece by piece, see segmented.ts
    if (!hit && memoOn && opts.segmented !== false && text.length >= 2 * MIN_SEGMENT) {
      const cuts = cutPoints(text);
      if (cuts.length > 0) return segmented(text, cuts, scope);
    }
    const p = hit ?? piece(text);
    const t = p.text ?? text;
    p.own ??= resolve(p, t, scanner.runSet([gateOf(p, t)]), '');
    return render(p.own, text, scope);
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

/** `text` with each finding's extent replaced by its placeholder (findings sorted and apart). */
export function splice(text: string, findings: readonly Finding[], ph: readonly string[], offset = 0): string {
  const parts: string[] = new Array(2 * ph.length + 1);
  let at = 0;
  for (let i = 0; i < ph.length; i++) {
    const f = findings[i]!;
    parts[2 * i] = text.slice(at, f.start - offset);
    parts[2 * i + 1] = ph[i]!;
    at = f.end - offset;
  }
  parts[2 * ph.length] = text.slice(at);
  return parts.join('');
}
