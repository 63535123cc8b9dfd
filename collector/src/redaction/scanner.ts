// The detectors of one policy, compiled, and the three steps of a scan, apart so that the
// redactor can keep each step's result per piece of text (redactor.ts, segmented.ts):
//  - gate: which keywords a text holds and which prechecks it passes (one keyword search);
//  - candidates: one detector's matches in a text, validated, before overlaps are resolved;
//  - resolve: the findings kept when candidates overlap (overlaps.ts).
// A whole-text scan is gate → the detectors the gate lets run, in a fixed order → resolve.
import { mayRead, patternBound } from './bounded-pattern.ts';
import { type Detector, DETECTORS } from './detectors.ts';
import { resolveOverlaps } from './overlaps.ts';
import type { RedactionPolicy } from './policy.ts';
import type { Finding } from './types.ts';
import { isPlaceholder, isTemplate } from './validators.ts';

interface Compiled extends Detector {
  /** global, without match indices (they cost ~10x per match) */
  pattern: RegExp;
  /** sticky with indices: re-run at a match only when its secret is part of it */
  locate: RegExp;
  /** scanned piece by piece in segmented scans, with this much text around each piece (see `reach`); else over the whole text */
  local: boolean;
  before: number;
  after: number;
}

export interface Candidate extends Finding {
  priority: number;
  value: string;
  canonical: string;
}

/** What decides which detectors run on a text: the keywords it holds, the prechecks it passes (by detector index). */
export interface Gate {
  keywords: ReadonlySet<string>;
  prechecks: ReadonlySet<number>;
}

/** Work done, in steps a test can count: characters each pattern scanned, grown, validated, and overlap steps. */
export interface RedactionWork {
  steps: number;
}

/** Segmented scans cut JSON between `,` and `{` (segmented.ts): a detector that never reads `{` cannot match or look across a cut. */
export const CUT_CHAR = '{';

export type Scanner = ReturnType<typeof createScanner>;

export function createScanner(policy: RedactionPolicy, work?: RedactionWork) {
  const enabled = (id: string): boolean => policy.rules[id]?.enabled !== false;
  const custom: Detector[] = policy.patterns.map((p) => ({
    id: p.id,
    kind: 'secret',
    keywords: p.keywords,
    pattern: new RegExp(p.pattern, `${p.flags ?? ''}g`),
    priority: 95,
  }));
  const all: Compiled[] = [...DETECTORS, ...custom]
    .filter((d) => enabled(d.id))
    .map((d) => ({
      ...d,
      pattern: new RegExp(d.pattern.source, withFlags(d.pattern.flags.replace('d', ''), 'g')),
      locate: new RegExp(d.pattern.source, withFlags(d.pattern.flags.replace('g', ''), 'dy')),
      ...reach(d),
    }));
  // Scan order: keyworded detectors first, then the rest (overlap ties keep this order).
  const detectors = [...all.filter((d) => d.keywords?.length), ...all.filter((d) => !d.keywords?.length)];
  const keyworded = detectors.filter((d) => d.keywords?.length).length;
  const withPrecheck = detectors.map((d, i) => (d.precheck ? i : -1)).filter((i) => i >= 0);
  const keywords = [...new Set(detectors.flatMap((d) => d.keywords ?? []))].sort((a, b) => b.length - a.length);
  // One pass of literal alternatives over the text: each position costs at most the keywords' total length.
  const keywordSearch = keywords.length > 0 ? new RegExp(keywords.map(escapeRegExp).join('|'), 'gi') : undefined;
  // The search reports the longest keyword at a position: a hit on `password` is a hit on `pass` too.
  const implied = new Map(keywords.map((k) => [k, keywords.filter((j) => k.includes(j))]));
  const allowValues = new Set(policy.allowValues);
  const longestKeyword = Math.max(0, ...keywords.map((k) => k.length));

  function gate(text: string): Gate {
    const hits = new Set<string>();
    if (keywordSearch) {
      keywordSearch.lastIndex = 0;
      for (let m = keywordSearch.exec(text); m; m = keywordSearch.exec(text)) {
        const k = m[0].toLowerCase();
        if (!hits.has(k)) for (const j of implied.get(k)!) hits.add(j);
      }
    }
    const prechecks = new Set<number>();
    for (const i of withPrecheck) if (detectors[i]!.precheck!.test(text)) prechecks.add(i);
    if (work) work.steps += text.length * (4 + withPrecheck.length);
    return { keywords: hits, prechecks };
  }

  /** The detectors a text whose gates are these runs, in scan order (by index). */
  function runSet(gates: readonly Gate[]): number[] {
    let keys: ReadonlySet<string> = gates[0]?.keywords ?? new Set();
    let checks: ReadonlySet<number> = gates[0]?.prechecks ?? new Set();
    if (gates.length > 1) {
      const k = new Set<string>();
      const c = new Set<number>();
      for (const g of gates) {
        for (const x of g.keywords) k.add(x);
        for (const x of g.prechecks) c.add(x);
      }
      keys = k;
      checks = c;
    }
    const run: number[] = [];
    for (let i = 0; i < detectors.length; i++) {
      const d = detectors[i]!;
      if (d.precheck && !checks.has(i)) continue;
      if (i < keyworded) {
        let any = false;
        for (const k of d.keywords!) if (keys.has(k)) any = true;
        if (!any) continue;
      }
      run.push(i);
    }
    return run;
  }

  /** Detector `i`'s validated matches in `text`, in order. */
  function candidates(i: number, text: string): Candidate[] {
    const d = detectors[i]!;
    const found: Candidate[] = [];
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
      } else if (d.tail && end === matchEnd) while (end < text.length && d.tail.test(text[end]!)) end++;
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
    return found;
  }

  return {
    detectors: detectors as readonly Compiled[],
    /** longest keyword: a keyword across a cut between pieces lies within this many characters of it (segmented.ts) */
    longestKeyword,
    gate,
    runSet,
    candidates,
    resolve: (found: Candidate[]): Candidate[] => resolveOverlaps(found, work),
    /** a whole text: gate, every detector it lets run, overlaps resolved */
    scan(text: string): Candidate[] {
      const found: Candidate[] = [];
      for (const i of runSet([gate(text)])) for (const c of candidates(i, text)) found.push(c);
      return found.length === 0 ? found : resolveOverlaps(found, work);
    },
  };
}

/**
 * Whether a detector can be scanned piece by piece (segmented.ts), and how much text around a
 * piece decides its findings there. Local: its pattern, its `tail` and what its `extent` grows by
 * never read CUT_CHAR (so no match and no attempt crosses a cut), and its extent and validator
 * state what they read beyond the match (`reads`). Then `before` = lookbehind + reads before the
 * match, `after` = reads after its end (a lookahead or `notAfter` peeks at one character).
 */
function reach(d: Detector): { local: boolean; before: number; after: number } {
  const b = patternBound(d.pattern.source, d.pattern.flags);
  const grows = d.reads?.grows;
  const growth = grows instanceof RegExp ? patternBound(grows.source, grows.flags) : undefined;
  const local =
    !('unbounded' in b) &&
    (d.neverAcrossCut === true || !mayRead(d.pattern.source, d.pattern.flags, CUT_CHAR)) &&
    !d.tail?.test(CUT_CHAR) &&
    (!d.extent || grows === 'inside' || (growth !== undefined && !('unbounded' in growth) && !mayRead(grows!.source, grows!.flags, CUT_CHAR)));
  if (!local) return { local, before: Infinity, after: Infinity };
  return {
    local,
    before: b.maxLookbehind + (d.reads?.before ?? 0),
    after: 1 + Math.max(d.reads?.after ?? 0, growth && 'maxLength' in growth ? growth.maxLength : 0),
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
