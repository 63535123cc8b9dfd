// The text two stored contents share: what a copied-text link rests on, found again in the
// contents as stored so it can be highlighted on both sides. The collector links by keyed
// fingerprints of the text values (lower case, whitespace collapsed, before redaction); this
// compares the same normalization of the redacted text values, so a copied address appears as
// the same placeholder on both sides. A placeholder's digest is compared as one wildcard: a
// low-entropy value's placeholder is scoped to the trace that stored the content (no redaction
// oracle), and an artifact shared by several traces keeps the first trace's, so the same address
// can show two digests; the collector's link itself rests on keyed fingerprints of the value
// (equal values only), which the placeholders cannot show. JSON keys and punctuation are not text: a match never
// spans them. Linear in the sizes (a gram index of one side, a scan of the other). Pure.

/** Matches shorter than this (in normalized characters) are not reported. */
export const MIN_PASSAGE = 16;
const SEP = '\u0000';

export interface Normalized {
  /** lower case, one space for any whitespace run, JSON escapes decoded, SEP between values */
  text: string;
  /** for each character of `text`, where it starts and ends in the raw content */
  at: number[];
  end: number[];
}

/** The text values of stored content (JSON, `tool(JSON)`, or plain text) normalized, with a map back. */
export function normalize(raw: string): Normalized {
  const out: string[] = [];
  const at: number[] = [];
  const end: number[] = [];
  let space = true;
  const emit = (ch: string, pos: number, len = 1): void => {
    if (/\s/.test(ch)) {
      if (space) return;
      space = true;
      out.push(' ');
    } else {
      space = false;
      out.push(ch.toLowerCase());
    }
    at.push(pos);
    end.push(pos + len);
  };
  const sep = (pos: number): void => {
    if (out.length && out[out.length - 1] !== SEP) {
      out.push(SEP);
      at.push(pos);
      end.push(pos);
    }
    space = true;
  };
  const jsonStart = jsonAt(raw);
  if (jsonStart < 0) {
    for (let i = 0; i < raw.length; i++) emit(raw[i]!, i);
    return placeholderDigestsAsOne({ text: out.join(''), at, end });
  }
  // JSON: only string values are text; keys are not
  const stack: { obj: boolean; key: boolean }[] = [];
  let i = jsonStart;
  while (i < raw.length) {
    const c = raw[i]!;
    const top = stack.at(-1);
    if (c === '{') stack.push({ obj: true, key: true });
    else if (c === '[') stack.push({ obj: false, key: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ':' && top) top.key = false;
    else if (c === ',' && top?.obj) top.key = true;
    else if (c === '"') {
      const isKey = top?.obj === true && top.key;
      let j = i + 1;
      if (!isKey) sep(i);
      while (j < raw.length && raw[j] !== '"') {
        if (raw[j] === '\\' && j + 1 < raw.length) {
          const e = raw[j + 1]!;
          const ch = e === 'n' || e === 't' || e === 'r' ? ' ' : e === 'u' ? String.fromCharCode(parseInt(raw.slice(j + 2, j + 6), 16) || 32) : e;
          if (!isKey) emit(ch, j, e === 'u' ? 6 : 2);
          j += e === 'u' ? 6 : 2;
        } else {
          if (!isKey) emit(raw[j]!, j);
          j++;
        }
      }
      if (!isKey) sep(j);
      i = j + 1;
      continue;
    }
    i++;
  }
  if (out.at(-1) === SEP) {
    out.pop();
    at.pop();
    end.pop();
  }
  return placeholderDigestsAsOne({ text: out.join(''), at, end });
}

/** `[redacted:<rule>:<hex>]` → `[redacted:<rule>:*]`, the `*` mapped to the whole digest in the raw text. */
function placeholderDigestsAsOne(n: Normalized): Normalized {
  const re = /\[redacted:[a-z_]{1,40}:([0-9a-f]{4,64})\]/g;
  let text = '';
  const at: number[] = [];
  const end: number[] = [];
  let from = 0;
  for (let m = re.exec(n.text); m; m = re.exec(n.text)) {
    const digestAt = m.index + m[0].length - 1 - m[1]!.length;
    text += n.text.slice(from, digestAt) + '*';
    at.push(...n.at.slice(from, digestAt), n.at[digestAt]!);
    end.push(...n.end.slice(from, digestAt), n.end[digestAt + m[1]!.length - 1]!);
    from = digestAt + m[1]!.length;
  }
  if (from === 0) return n;
  text += n.text.slice(from);
  at.push(...n.at.slice(from));
  end.push(...n.end.slice(from));
  return { text, at, end };
}

/** Where JSON starts: at 0, or inside `name(…)` as tool requests are stored; -1 for plain text. */
function jsonAt(raw: string): number {
  const t = raw.trimStart();
  const lead = raw.length - t.length;
  if (t.startsWith('{') || t.startsWith('[')) return lead;
  const m = /^[\w.:-]{1,200}\(\s*[{[]/.exec(t);
  return m ? lead + m[0].length - 1 : -1;
}

export interface Passage {
  /** raw character ranges [start, end) in each content */
  a: [number, number];
  b: [number, number];
  /** the shared text, normalized */
  text: string;
}

/** Maximal runs of at least `min` normalized characters that both contents hold, longest first. */
export function sharedPassages(rawA: string, rawB: string, min = MIN_PASSAGE): Passage[] {
  const A = normalize(rawA);
  const B = normalize(rawB);
  const K = min;
  if (A.text.length < K || B.text.length < K) return [];
  const index = new Map<string, number[]>();
  for (let i = 0; i + K <= A.text.length; i++) {
    const g = A.text.slice(i, i + K);
    if (g.includes(SEP)) continue;
    const l = index.get(g);
    if (!l) index.set(g, [i]);
    else if (l.length < 8) l.push(i);
  }
  const found: { a0: number; a1: number; b0: number; b1: number }[] = [];
  for (let j = 0; j + K <= B.text.length; ) {
    const hits = index.get(B.text.slice(j, j + K));
    if (!hits) {
      j++;
      continue;
    }
    let best = { a0: 0, a1: 0, b0: 0, b1: 0 };
    for (const i of hits) {
      let e = 0;
      while (i + K + e < A.text.length && j + K + e < B.text.length && A.text[i + K + e] === B.text[j + K + e] && A.text[i + K + e] !== SEP) e++;
      if (K + e > best.a1 - best.a0) best = { a0: i, a1: i + K + e, b0: j, b1: j + K + e };
    }
    found.push(best);
    j = best.b1;
  }
  // a match's trailing space (a collapsed run) is not part of the passage
  const raw = (n: Normalized, s: number, e: number): [number, number] => {
    let last = e - 1;
    while (last > s && n.text[last] === ' ') last--;
    return [n.at[s]!, n.end[last]!];
  };
  return found
    .sort((x, y) => y.a1 - y.a0 - (x.a1 - x.a0))
    .map((f) => ({ a: raw(A, f.a0, f.a1), b: raw(B, f.b0, f.b1), text: A.text.slice(f.a0, f.a1).trim() }));
}

/** Ranges merged and sorted, for marking one side. */
export function mergeRanges(ranges: [number, number][]): [number, number][] {
  const s = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of s) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
