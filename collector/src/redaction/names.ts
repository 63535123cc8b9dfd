// Person names in free text and in fields, offline and linear.
//
// A bounded pattern finds each run of up to five capitalised words (particles such as `van`, `de
// la` allowed between them); `personExtent` then decides which part of the run, if any, is a
// name, from a lexicon lookup per word (lexicon.ts, compromise's model) and from cues in at most
// 48 characters before the run: an honorific (`Mr.`, `Frau`, `Mme`), a greeting (`Dear`,
// `Hallo`, `Bonjour`, `Hola`), a closing line (`Regards,⏎`), a field name (`"customer_name":`).
//  - with a strong cue (honorific, greeting, closing, a person field) any words not known as
//    common words are the name, one is enough (`Dear Olusegun`, `Mr. Adeyemi`);
//  - with a weak cue (`"name":`, `customer`, `from`, `by`) two such words, one a known name;
//  - with no cue, two words the lexicon vouches for: a given name and a capitalised word that is no
//    common word (`Maria Müller`), or an unknown word and a known surname (`Kenji Ito`).
// Unknown given name + unknown surname with no cue (`Olusegun Adeyemi` mid-sentence), names in
// lower or upper case outside a person field, and scripts without case (中文, 日本語) are not found.
import type { Detector } from './detectors.ts';
import { lexicon, PARTICLES, type WordClass } from './lexicon.ts';

// A capitalised word: `Maria`, `McDonald`, `O'Brien`, `Jean-Luc`, `Müller`; an initial (`J.`) in the middle.
const WORD = String.raw`\p{Lu}[\p{Ll}\p{M}]{0,24}(?:\p{Lu}[\p{Ll}\p{M}]{1,24})?(?:['’\-]\p{Lu}?[\p{Ll}\p{M}]{1,24}){0,2}`;
const PARTICLE = String.raw`(?:van|von|der|den|de|del|della|di|da|du|la|le|dos|das|ten|ter|bin|ibn|al|el|zu|y)`;
const RUN = new RegExp(String.raw`(?<![\p{L}\p{M}\p{N}_'’\-])(${WORD}(?:\.?[ \t]{1,2}(?:${PARTICLE}[ \t]{1,2}){0,2}(?:${WORD}|\p{Lu}\.)){0,4})(?![\p{L}\p{N}_@])`, 'gu');
const TOKEN = /[\p{L}\p{M}'’\-]+\.?/gu;

const GREETINGS = new Set([
  'dear', 'hi', 'hello', 'hey', 'hallo', 'liebe', 'lieber', 'geehrte', 'geehrter', 'bonjour', 'bonsoir', 'cher', 'chère', 'hola',
  'estimado', 'estimada', 'querido', 'querida', 'ciao', 'gentile', 'caro', 'cara', 'beste', 'hej', 'olá', 'prezado', 'prezada', 'salut', 'moin', 'servus',
]);
const CLOSINGS = ['regards', 'sincerely', 'thanks', 'thank you', 'cheers', 'best', 'yours', 'yours truly', 'yours faithfully', 'yours sincerely', 'grüßen', 'gruß', 'grüße', 'cordialement', 'salutations', 'saludos', 'atentamente', 'saluti', 'groet', 'groeten', 'hälsningar', 'pozdrawiam', 'abraços', '--', '—'];
// Field names before a value: one that holds a person's name, or one that often does (`name` also names tools).
const PERSON_KEY_PREFIXES = ['first', 'last', 'full', 'given', 'family', 'middle', 'customer', 'client', 'contact', 'patient', 'passenger', 'employee', 'applicant', 'recipient', 'sender', 'holder', 'cardholder', 'accountholder', 'billing', 'shipping', 'legal', 'sur', 'maiden', 'nick', 'display', 'user', 'author', 'owner', 'assignee', 'reporter'];
const PERSON_KEYS = new Set(['surname', 'vorname', 'nachname', 'prénom', 'prenom', 'apellido', 'apellidos', 'nombre', 'cognome', 'cardholder', 'patient', 'customer', 'passenger', 'recipient', 'attn', 'attention', 'signedby', 'signed', 'signature', 'unterschrift', ...PERSON_KEY_PREFIXES.map((k) => `${k}name`)]);
/** the lengths of person keys long enough to be recognised at the end of a longer field name (`billingcustomername`) */
const LONG_PERSON_KEY_LENGTHS = [...new Set([...PERSON_KEYS].filter((k) => k.length > 6).map((k) => k.length))];
const endsWithPersonKey = (key: string): boolean => LONG_PERSON_KEY_LENGTHS.some((n) => key.length > n && PERSON_KEYS.has(key.slice(-n)));
const WEAK_KEYS = new Set(['name', 'nom', 'naam', 'kunde', 'kundin', 'cliente', 'contact', 'client', 'from', 'to', 'cc', 'by', 'with', 'for', 'called', 'named', 'von', 'de', 'par']);
const MAILBOX_AFTER = /[ \t]{0,2}<[^\s<>@]{1,64}@/y;

type Cue = 'strong' | 'weak' | 'none';

/**
 * What the characters right before `at` say about a name starting there: a bounded walk back
 * (≤ ~100 characters) over separators, a field name or a greeting, or a closing line.
 */
function cueBefore(text: string, at: number): Cue {
  const before = text.slice(Math.max(0, at - 64), at);
  const word = wordBefore(before);
  if (word && (lexicon().classOf(word) === 'honorific' || GREETINGS.has(word))) return 'strong';
  // a field: `"customer_name": "`, `Name: `, `patient `, `\"first-name\":\"`
  let i = before.length;
  while (i > 0 && before.length - i < 16 && /[ \t"'\\:=]/.test(before[i - 1]!)) i--;
  const keyEnd = i;
  while (i > 0 && keyEnd - i < 32 && /[\p{L}_\- ]/u.test(before[i - 1]!)) i--;
  const key = before.slice(i, keyEnd).toLowerCase().replace(/[_\- ]/g, '');
  if (PERSON_KEYS.has(key) || endsWithPersonKey(key)) return 'strong';
  if (WEAK_KEYS.has(key) || WEAK_KEYS.has(/[a-z]{1,12}$/.exec(key)?.[0] ?? '')) return 'weak';
  return closingBefore(before) ? 'strong' : 'none';
}

/** `Best regards,⏎` (real or escaped line breaks) right before the end of `s`. */
function closingBefore(s: string): boolean {
  let i = s.length;
  while (i > 0 && (s[i - 1] === ' ' || s[i - 1] === '\t')) i--;
  let breaks = 0;
  for (;;) {
    if (s[i - 1] === '\n') i -= s[i - 2] === '\r' ? 2 : 1;
    else if (s[i - 1] === 'n' && s[i - 2] === '\\') i -= 2;
    else break;
    breaks++;
    while (i > 0 && s[i - 2] === '\\') i--;
  }
  if (breaks === 0 || breaks > 2) return false;
  while (i > 0 && /[ \t,.!]/.test(s[i - 1]!)) i--;
  const line = s.slice(Math.max(0, i - 24), i).toLowerCase();
  return CLOSINGS.some((c) => line.endsWith(c) && !/\p{L}/u.test(line[line.length - c.length - 1] ?? ' '));
}

/** The word (≤ 24 letters) right before the end of `s`, past spaces, a comma or a colon and an abbreviation's dot. */
function wordBefore(s: string): string | undefined {
  let i = s.length;
  while (i > 0 && (s[i - 1] === ' ' || s[i - 1] === '\t' || s[i - 1] === ',' || s[i - 1] === ':')) i--;
  if (i > 0 && s[i - 1] === '.') i--;
  const end = i;
  // letters and inner dots: `Sig.ra`, `Dott.ssa`
  while (i > 0 && end - i < 24 && (LETTER.test(s[i - 1]!) || (s[i - 1] === '.' && i < end))) i--;
  while (i < end && s[i] === '.') i++;
  return end > i ? s.slice(i, end).toLowerCase() : undefined;
}
const LETTER = /[\p{L}\p{M}]/u;

interface Tok {
  start: number;
  end: number;
  lower: string;
  cls: WordClass | 'particle' | 'initial' | undefined;
}

function tokens(text: string, start: number, end: number): Tok[] {
  const lex = lexicon();
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  const run = text.slice(start, end);
  for (let m = TOKEN.exec(run); m; m = TOKEN.exec(run)) {
    const raw = m[0].endsWith('.') ? m[0].slice(0, -1) : m[0];
    const lower = raw.toLowerCase();
    const known = lex.classOf(lower);
    const cls = known === 'honorific' ? 'honorific' : raw.length === 1 && m[0].endsWith('.') ? 'initial' : PARTICLES.has(raw) ? 'particle' : (known ?? compound(lower));
    out.push({ start: start + m.index, end: start + m.index + raw.length, lower, cls });
  }
  return out;
}

/** `Jean-Luc`, `Al-Sayed`, `O'Brien`: a given name or surname if a part is one, else unknown (never a common word). */
function compound(lower: string): WordClass | undefined {
  if (!JOINED.test(lower)) return undefined;
  const parts = lower.split(/['’\-]/);
  if (CONTRACTION.test(lower)) return 'word'; // `I'm`, `Don't`, `Let's`
  const classes = parts.map((x) => lexicon().classOf(x));
  return classes.includes('given') ? 'given' : classes.includes('surname') ? 'surname' : undefined;
}
const JOINED = /['’\-]/;
const CONTRACTION = /^(?:i|you|we|they|he|she|it|that|there|here|what|let|don|can|won|didn|isn|doesn)['’]/;
const isName = (t: Tok): boolean => t.cls === 'given' || t.cls === 'given?' || t.cls === 'surname';

const nameLike = (t: Tok): boolean => t.cls !== 'word' && t.cls !== 'honorific';

/** The name inside a run of capitalised words [start, end), or an empty extent. */
export function personExtent(text: string, start: number, end: number): [number, number] {
  const toks = tokens(text, start, end);
  // leading greetings and honorifics are cues, not the name (`Dear Maria`, `Frau Dr. Weber`)
  let i = 0;
  let cue: Cue | undefined;
  while (i < toks.length && (toks[i]!.cls === 'honorific' || GREETINGS.has(toks[i]!.lower))) {
    cue = 'strong';
    i++;
  }
  if (i >= toks.length || !nameLike(toks[i]!) || toks[i]!.cls === 'particle' || toks[i]!.cls === 'initial') return [start, start];
  // the name runs while its words are not common words
  let j = i + 1;
  while (j < toks.length && nameLike(toks[j]!)) j++;
  while (j > i + 1 && (toks[j - 1]!.cls === 'particle' || toks[j - 1]!.cls === 'initial')) j--;
  // its words (particles and initials aside): how many, the first two classes, whether one is a known name
  let words = 0;
  let a: Tok['cls'];
  let b: Tok['cls'];
  let known = false;
  for (let k = i; k < j; k++) {
    const t = toks[k]!;
    if (t.cls === 'particle' || t.cls === 'initial') continue;
    if (words === 0) a = t.cls;
    else if (words === 1) b = t.cls;
    words++;
    known ||= isName(t);
  }
  // the context is read only once the run could be a name (most runs are decided above)
  if (cue === undefined) {
    // `Priya Raman <p.raman@…>`: a mailbox's display name
    MAILBOX_AFTER.lastIndex = end;
    cue = MAILBOX_AFTER.test(text) ? 'strong' : cueBefore(text, start);
  }
  const name: [number, number] = [toks[i]!.start, toks[j - 1]!.end];
  if (cue === 'strong') return name;
  if (words < 2) return [start, start];
  // a weak cue (`"name":` also names tools and services) needs one word the lexicon knows as a name
  if (cue === 'weak') return known ? name : [start, start];
  if (a === 'given' && b !== 'honorific') return name;
  if (a === 'given?' && (b === 'surname' || b === 'given')) return name;
  if (a === undefined && b === 'surname') return name;
  if (a === 'surname' && (b === 'given' || b === 'surname')) return name; // `Garcia Lopez`, family name first
  return [start, start];
}

const canonicalName = (v: string): string => v.toLowerCase().replace(/[\s.]+/g, ' ').trim();

export const PERSON_DETECTORS: Detector[] = [
  {
    id: 'person_name',
    kind: 'pii',
    precheck: /\p{Lu}[\p{Ll}\p{M}]/u,
    pattern: RUN,
    extent: (text, start, end) => personExtent(text, start, end),
    // the run's words again (≤ 5 lookups), 48 characters of cues before it, 80 after; regex cues over them
    extentReads: 600,
    // cues: ≤ 64 characters before the run (cueBefore), a mailbox ≤ 68 after it; the name lies inside the run
    reads: { before: 64, after: 68, grows: 'inside' },
    canonical: canonicalName,
    priority: 20,
  },
  {
    // A person field's value in any case (`"first_name": "maria"`, `cardholder=JOHN SMITH`): one to four words of letters.
    id: 'person_name',
    kind: 'pii',
    keywords: ['name', 'cardholder', 'holder'],
    pattern: /(?:first|last|full|given|family|middle|customer|client|contact|patient|passenger|recipient|sender|card[_\-]?holder|account[_\-]?holder|billing|shipping|legal|sur)[_\-]?name\\{0,4}["']?[ \t]{0,4}[:=][ \t]{0,4}\\{0,4}["']?([\p{L}\p{M}][\p{L}\p{M}'’.\-]{0,30}(?:[ \t][\p{L}\p{M}][\p{L}\p{M}'’.\-]{0,30}){0,3})(?![\p{L}\p{M}\p{N}_@])/giu,
    validate: (v) => !/^(?:null|none|undefined|true|false|unknown|n\/a|test|string|name)$/i.test(v),
    canonical: canonicalName,
    priority: 22,
  },
];
