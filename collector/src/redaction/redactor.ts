// The redaction engine: finds secrets and personal data in text and replaces each with a typed
// placeholder carrying a keyed fingerprint, `[REDACTED:<rule>:<8 hex>]` (keyed-digest.ts: AES
// under a key derived from the tenant key, of a digest of the value): the same value gives the
// same placeholder, and no one without the key can compute one. Detection is linear in the text
// (detectors.ts, bounded-pattern.ts) and overlaps resolve in O(k log k) (overlaps.ts).
import { type Detector, DETECTORS } from './detectors.ts';
import { KeyRules } from './key-rules.ts';
import { keyedDigests } from './keyed-digest.ts';
import { DEFAULT_POLICY, type RedactionPolicy, type RuleMode } from './policy.ts';
import type { Finding, RuleId, TextRedaction } from './types.ts';
import { resolveOverlaps } from './overlaps.ts';
import { isPlaceholder, isTemplate } from './validators.ts';

export interface Redactor {
  /** Detectors over one string (free text, or JSON kept as text so its formatting survives). */
  redactText(text: string): TextRedaction;
  /** A whole value under a sensitive key. */
  placeholder(rule: RuleId, value: string): string;
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
  // A keyword whose longer form was found is found too (`password` → `pass`): search the longest first.
  const implied = new Map(keywords.map((k) => [k, keywords.filter((j) => k.includes(j))]));
  const allowValues = new Set(policy.allowValues);
  const modes = new Map<string, RuleMode>();
  for (const p of policy.patterns) if (p.mode) modes.set(p.id, p.mode);
  for (const [id, r] of Object.entries(policy.rules)) if (r.mode) modes.set(id, r.mode);

  const hits = new Set<string>();
  const placeholder = (rule: RuleId, canonical: string): string => `[REDACTED:${rule}:${keyedDigests(opts.key, [canonical])[0]}]`;

  const memo = new Map<string, TextRedaction>();
  let memoChars = 0;
  function redactText(text: string): TextRedaction {
    if (text.length < MIN_LENGTH) return { text, findings: [] };
    if (opts.memo === false || text.length > MEMO_MAX_ENTRY) return scan(text);
    const known = memo.get(text);
    if (known) return known;
    const r = scan(text);
    const size = text.length + (r.text === text ? 0 : r.text.length);
    if (memoChars + size > MEMO_MAX_CHARS) {
      memo.clear();
      memoChars = 0;
    }
    memo.set(text, r);
    memoChars += size;
    return r;
  }

  function scan(text: string): TextRedaction {
    // One pass over the text finds which keyworded detectors can possibly match.
    // One native substring search per keyword over the lower-cased text: K passes of O(n), and no
    // per-occurrence cost however often a keyword repeats (20,000 '@' in a row cost nothing more).
    hits.clear();
    const lower = text.toLowerCase();
    for (const k of keywords) if (!hits.has(k) && lower.includes(k)) for (const j of implied.get(k)!) hits.add(j);
    if (work) work.steps += text.length * keywords.length;
    const run: Compiled[] = [];
    if (hits.size > 0) for (const d of keyworded) if (d.keywords!.some((k) => hits.has(k)) && (!d.precheck || d.precheck.test(text))) run.push(d);
    for (const d of prechecked) if (!d.precheck || d.precheck.test(text)) run.push(d);
    if (work) work.steps += text.length * prechecked.length;
    if (run.length === 0) return { text, findings: [] };

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
        if (d.extent) [start, end] = d.extent(text, start, end, cursor);
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
    if (found.length === 0) return { text, findings: [] };

    const kept = resolveOverlaps(found, work);
    const digests = keyedDigests(opts.key, kept.map((f) => f.canonical));
    const parts: string[] = [];
    let at = 0;
    kept.forEach((f, i) => {
      parts.push(text.slice(at, f.start), `[REDACTED:${f.rule}:${digests[i]}]`);
      at = f.end;
    });
    parts.push(text.slice(at));
    return { text: parts.join(''), findings: kept.map(({ rule, start, end }) => ({ rule, start, end })) };
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
