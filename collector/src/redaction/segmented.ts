// Redaction of JSON that re-sends what came before: `gen_ai.input.messages` (and OpenInference's,
// OpenLLMetry's and Vercel AI's equivalents, and log bodies that hold a request) repeat the whole
// conversation in every LLM call. Scanned as one text, each call re-scans the history (quadratic
// per conversation) and the memo, keyed by the whole text, never hits. Here the text is cut into
// pieces at the separators between its top-level members (messages), each piece is scanned on its
// own and kept in the memo, so the history costs a memo lookup per piece on every later call.
//
// Exact, not approximate: the stored text is what a scan of the whole text stores, because
//  - the cuts fall between a `,` and a `{"` (the next member object), and a detector is scanned
//    piece by piece only when nothing it reads can be `{` (its pattern, lookarounds included, its
//    `tail`, what its `extent` grows by: scanner.ts `reach`), or when it is proven by hand never to
//    match across `,{"` (`neverAcrossCut`, detectors.ts). Then no match contains a cut, and the
//    regex's left-to-right matching reaches each cut in the same state in the piece as in the
//    whole text;
//  - each piece is scanned with the text around it that its detectors' lookbehinds, validators and
//    extents read (stated per detector, `reads` in detectors.ts), and keeps the findings that
//    start inside it. That padded text is the memo key: a re-sent history has the same pieces with
//    the same neighbours, so it costs a lookup;
//  - which detectors run is decided by the keywords and prechecks of all the pieces (padding
//    included, so a keyword across a cut counts), as for the whole text;
//  - other detectors (the key=value and prose `generic_secret` rules, passwords in connection
//    strings, PEM blocks read up to their END line, policy patterns) run over the
//    whole text on every call, as before;
//  - overlaps resolve per piece (no finding of a piece-scanned detector crosses a cut, so the
//    greedy by priority keeps what it keeps over the whole text, overlaps.ts), or all together when
//    a whole-text detector found something.
// The property test (segmented.test.ts) checks random message arrays with planted secrets, at and
// across message boundaries, against the whole-text scan.
import type { Piece, Scanned, Scope } from './redactor.ts';
import type { Candidate, Gate, Scanner } from './scanner.ts';
import type { Finding, RuleId, TextRedaction } from './types.ts';

/** A piece is at least this long (the last one excepted): padding and lookups stay small beside it. */
export const MIN_SEGMENT = 512;
/** Members of a container at depth 2 (messages under `{"messages": […]}`) are cut only in pieces this long. */
const MIN_NESTED_SEGMENT = 4 * MIN_SEGMENT;

/**
 * Where to cut a JSON text into pieces: between a `,` and the `{"` after it, at members of the
 * top-level container (or of a container directly inside it, for long pieces), once the piece is
 * at least MIN_SEGMENT long. Lexical and linear (strings and escapes followed, no parse); text that is not
 * JSON gets cuts too or none, which affects speed, never what is found. Cuts depend only on what
 * comes before, so a history re-sent with more messages after it is cut the same way.
 */
export function cutPoints(text: string): number[] {
  const cuts: number[] = [];
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  if (text[i] !== '[' && text[i] !== '{') return cuts;
  let depth = 0;
  let from = 0;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      // to the closing quote: skip escaped characters
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i++;
        else if (c === 34) break;
      }
    } else if (ch === 123 || ch === 91 /* { [ */) depth++;
    else if (ch === 125 || ch === 93 /* } ] */) depth--;
    else if (ch === 44 /* , */ && (depth === 1 || depth === 2)) {
      const len = i + 1 - from;
      if (text.charCodeAt(i + 1) === 123 /* { */ && text.charCodeAt(i + 2) === 34 /* " */ && len >= (depth === 1 ? MIN_SEGMENT : MIN_NESTED_SEGMENT)) {
        cuts.push(i + 1);
        from = i + 1;
      }
    }
  }
  return cuts;
}

interface Deps {
  scanner: Scanner;
  piece(text: string): Piece;
  gateOf(p: Piece, text: string): Gate;
  candidatesOf(p: Piece, i: number, text: string): Candidate[];
  /** the findings kept over `run` (named `key`) among those that start in [from, to) of the text, shifted to start at `from` */
  kept(p: Piece, text: string, run: readonly number[], key: string, from: number, to: number): Scanned;
  render(r: Scanned, text: string, scope: Scope): TextRedaction;
  placeholders(found: readonly { rule: RuleId; canonical: string }[], high: readonly boolean[], scope: Scope): string[];
  isHighEntropy(rule: RuleId, canonical: string): boolean;
}

export function segmentedRedaction(d: Deps): (text: string, cuts: readonly number[], scope: Scope) => TextRedaction {
  const { scanner } = d;
  const local = scanner.detectors.map((x) => x.local);
  // Padding wide enough for the gate (a keyword or precheck match across a cut lies within it)
  // and for what names, e-mails and addresses read around a match; detectors that read further
  // (Azure keys look 200-400 characters back) get a second padding when they run.
  const padBefore = Math.max(scanner.longestKeyword, 128);
  const padAfter = Math.max(scanner.longestKeyword, 320);

  return (text, cuts, scope) => {
    const bounds = [0, ...cuts, text.length];
    const n = bounds.length - 1;
    let padded = pad(text, bounds, padBefore, padAfter, d);
    const run = scanner.runSet(padded.map((p) => d.gateOf(p.piece, p.text)));
    const byPiece = run.filter((i) => local[i]);
    let before = padBefore;
    let after = padAfter;
    for (const i of byPiece) {
      before = Math.max(before, scanner.detectors[i]!.before);
      after = Math.max(after, scanner.detectors[i]!.after);
    }
    if (before !== padBefore || after !== padAfter) padded = pad(text, bounds, before, after, d);
    const key = byPiece.join(',');

    const wide = new Map<number, Candidate[]>();
    let wideFound = false;
    for (const i of run) {
      if (local[i]) continue;
      const c = scanner.candidates(i, text);
      wide.set(i, c);
      wideFound ||= c.length > 0;
    }
    if (!wideFound) {
      const out: string[] = new Array(n);
      const findings: Finding[] = [];
      for (let j = 0; j < n; j++) {
        const p = padded[j]!;
        const piece = text.slice(bounds[j], bounds[j + 1]);
        const r = d.render(d.kept(p.piece, p.text, byPiece, key, p.from, p.from + piece.length), piece, scope);
        out[j] = r.text;
        for (const f of r.findings) findings.push({ rule: f.rule, start: f.start + bounds[j]!, end: f.end + bounds[j]! });
      }
      return findings.length === 0 ? { text, findings } : { text: out.join(''), findings };
    }
    // All findings together, in scan order (by detector, then by place).
    const found: Candidate[] = [];
    for (const i of run) {
      if (!local[i]) for (const c of wide.get(i)!) found.push(c);
      else
        for (let j = 0; j < n; j++) {
          const p = padded[j]!;
          const shift = bounds[j]! - p.from;
          for (const c of d.candidatesOf(p.piece, i, p.text)) if (c.start >= p.from && c.start < p.from + bounds[j + 1]! - bounds[j]!) found.push({ ...c, start: c.start + shift, end: c.end + shift });
        }
    }
    const kept = scanner.resolve(found);
    const ph = d.placeholders(kept, kept.map((f) => d.isHighEntropy(f.rule, f.canonical)), scope);
    return { text: spliceAll(text, kept, ph), findings: kept.map(({ rule, start, end }) => ({ rule, start, end })) };
  };
}

interface Padded {
  /** the piece with `before` characters before it and `after` after it (fewer at the text's ends) */
  text: string;
  piece: Piece;
  /** where the piece starts in `text` */
  from: number;
}

function pad(text: string, bounds: readonly number[], before: number, after: number, d: Deps): Padded[] {
  const out: Padded[] = new Array(bounds.length - 1);
  for (let j = 0; j + 1 < bounds.length; j++) {
    const s = Math.max(0, bounds[j]! - before);
    const t = text.slice(s, Math.min(text.length, bounds[j + 1]! + after));
    const piece = d.piece(t);
    out[j] = { text: piece.text ?? t, piece, from: bounds[j]! - s };
  }
  return out;
}

function spliceAll(text: string, findings: readonly Finding[], ph: readonly string[]): string {
  const out: string[] = [];
  let at = 0;
  findings.forEach((f, i) => {
    out.push(text.slice(at, f.start), ph[i]!);
    at = f.end;
  });
  out.push(text.slice(at));
  return out.join('');
}
