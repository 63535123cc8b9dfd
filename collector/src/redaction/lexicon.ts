// Word classes for person-name detection, from the lexicon of `compromise` (an offline NLP
// library whose model ships inside its npm package): ~3,000 given names, ~700 surnames,
// honorifics, and the common words, places and organisations that a capitalised word in a
// sentence usually is. Only the lexicon is used, never compromise's parser: the parser took
// 1.6 s on 10 KB of prose and 324 s on 160 KB without a full stop (superlinear in sentence
// length), while a lexicon lookup per capitalised word keeps the scan linear.
//
// Loaded on first use (synchronously, through its CommonJS build): ~0.5-1 s and ~45 MB, paid
// only by a collector whose policy keeps the person-name rule on.
import { createRequire } from 'node:module';

export type WordClass =
  /** a given name that is nothing else (maria, wei, aisha) */
  | 'given'
  /** a given name that is also a common word (mark, grant, chase): a name only next to a surname or a cue */
  | 'given?'
  | 'surname'
  | 'honorific'
  /** a common word, place, organisation, month, …: not part of a name unless a cue says so */
  | 'word';

export interface Lexicon {
  classOf(lowercase: string): WordClass | undefined;
}

// Honorifics of the languages the corpus covers, beyond compromise's English ones.
const MORE_HONORIFICS = [
  'herr', 'frau', 'fräulein', 'monsieur', 'madame', 'mademoiselle', 'm', 'señor', 'señora', 'señorita', 'sr', 'sra', 'srta',
  'don', 'doña', 'dña', 'signor', 'signore', 'signora', 'sig', 'sig.ra', 'dott', 'dott.ssa', 'ing', 'avv', 'dhr', 'mevr', 'mevrouw',
  'meneer', 'pan', 'pani', 'mx', 'miss', 'dr', 'prof', 'mr', 'mrs', 'ms',
];
// Particles inside surnames (Ludwig van Beethoven, María de la Cruz, Omar ibn Said).
export const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das', 'ten', 'ter', 'bin', 'ibn', 'al', 'el', 'zu', 'y']);

const GIVEN_TAGS = new Set(['FemaleName', 'MaleName']);
const AMBIGUOUS_GIVEN_TAGS = new Set(['FirstName', 'Person']);
// Tags of words a capitalised token in a sentence usually is when it is not a name.
const WORD_TAGS = new Set([
  'Verb', 'PhrasalVerb', 'Gerund', 'PastTense', 'PresentTense', 'Infinitive', 'Participle', 'Modal', 'Copula', 'Imperative',
  'Adjective', 'Comparative', 'Superlative', 'Adverb', 'Noun', 'Singular', 'Plural', 'Uncountable', 'Actor', 'Unit', 'Currency',
  'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'Possessive', 'Reflexive', 'QuestionWord', 'Negative', 'Expression',
  'Month', 'WeekDay', 'Date', 'Duration', 'Timezone', 'Ordinal', 'Cardinal', 'TextValue', 'Multiple', 'Fraction', 'Value',
  'City', 'Country', 'Region', 'Place', 'Demonym', 'Organization', 'SportsTeam', 'ProperNoun', 'Abbreviation', 'Acronym', 'Condition',
]);

let loaded: Lexicon | undefined;

/** The lexicon, built once per process. */
export function lexicon(): Lexicon {
  if (!loaded) loaded = build();
  return loaded;
}

function build(): Lexicon {
  const require = createRequire(import.meta.url);
  const nlp = require('compromise/two') as { model(): { one: { lexicon: Record<string, string | string[]> }; two: { orgWords: Record<string, true>; placeWords: Record<string, true> } } };
  const model = nlp.model();
  const classes = new Map<string, WordClass>();
  for (const [word, tag] of Object.entries(model.one.lexicon)) {
    if (word.includes(' ')) continue;
    const tags = Array.isArray(tag) ? tag : [tag];
    if (tags.includes('Honorific')) classes.set(word, 'honorific');
    else if (tags.includes('LastName')) classes.set(word, tags.some((t) => WORD_TAGS.has(t)) ? 'word' : 'surname');
    else if (tags.some((t) => GIVEN_TAGS.has(t))) classes.set(word, tags.some((t) => WORD_TAGS.has(t)) ? 'given?' : 'given');
    else if (tags.some((t) => AMBIGUOUS_GIVEN_TAGS.has(t))) classes.set(word, 'given?');
    else if (tags.some((t) => WORD_TAGS.has(t))) classes.set(word, 'word');
  }
  // "Bank", "Airlines", "Island", "Heights": words that end organisation and place names
  for (const w of [...Object.keys(model.two.orgWords), ...Object.keys(model.two.placeWords)]) if (!classes.has(w)) classes.set(w, 'word');
  for (const w of MORE_HONORIFICS) classes.set(w, 'honorific');
  // `José Hernández`, `Théo`, `Élodie`: the lexicon spells names without diacritics
  return { classOf: (w) => classes.get(w) ?? (/[^\x00-\x7f]/.test(w) ? classes.get(w.normalize('NFD').replace(/\p{M}/gu, '')) : undefined) };
}
