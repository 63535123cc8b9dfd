// Postal addresses in free text, by their shapes (no lexicon needed), each a bounded pattern:
//  - number first (EN, FR): `221B Baker Street`, `1600 Pennsylvania Avenue NW`, `12 bis rue de la Paix`;
//  - street type first, number last (ES, IT, PT, PL): `Calle de Alcalá, 23`, `Via Roma 10`, `ul. Marszałkowska 10`;
//  - street type as a suffix or a word, number last (DE, AT, CH, NL, Nordic): `Hauptstraße 12`, `Berliner Straße 5a`, `Kerkstraat 12`;
//  - post-office boxes: `P.O. Box 1234`, `Postfach 10 20 30`, `Apartado 45`, `Postbus 100`.
// A found street grows (addressExtent) over what follows it within one bounded step: a direction,
// a unit (`Apt 4B`, `Suite 200`), then a locality with its postcode: US `Springfield, IL 62704`,
// UK `London NW1 6XE`, Canada `Toronto, ON M5V 2T6`, `75002 Paris`, `D-10115 Berlin`, `1012 AB Amsterdam`.
// Not found: a postcode or a city alone, addresses without a house number (`Baker Street`), street
// names in lower case in English (`12 main street`), and scripts and layouts other than these
// (Japanese block addresses, Cyrillic).
import type { Detector } from './detectors.ts';

/** `street` → `[Ss]treet`: a street type as written at the start of a word or inside a sentence. */
const ci = (words: string[]): string => words.map((w) => (/^\p{Ll}/u.test(w) ? `[${w[0]!.toUpperCase()}${w[0]}]${esc(w.slice(1))}` : esc(w))).join('|');
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const EN_TYPES = ci([
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'lane', 'ln', 'drive', 'dr', 'court', 'ct', 'place', 'pl', 'square', 'sq',
  'terrace', 'way', 'close', 'crescent', 'parkway', 'pkwy', 'highway', 'hwy', 'circle', 'cir', 'trail', 'row', 'mews', 'gardens', 'grove', 'walk',
  'parade', 'plaza', 'alley', 'hill', 'park',
]);
const FR_TYPES = ci(['rue', 'avenue', 'av.', 'boulevard', 'bd', 'place', 'allée', 'chemin', 'impasse', 'quai', 'route', 'cours', 'passage', 'square', 'faubourg', 'rond-point']);
const PREFIX_TYPES = ci([
  'calle', 'c/', 'avenida', 'avda.', 'avda', 'paseo', 'plaza', 'pza.', 'camino', 'carrer', 'carretera', 'ronda', 'travesía', 'via', 'viale', 'piazza',
  'piazzale', 'corso', 'largo', 'vicolo', 'rua', 'travessa', 'praça', 'ul.', 'ulica', 'al.', 'aleja', 'plac', 'os.',
]);
const SUFFIXES = 'straße|strasse|str\\.|weg|allee|platz|gasse|ring|damm|ufer|steig|chaussee|straat|laan|gracht|plein|dijk|kade|singel|gatan|vägen|gade|vej|veien|gata';
const SUFFIX_WORDS = 'Straße|Strasse|Str\\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee';

const NAME = String.raw`\p{Lu}[\p{L}\p{M}'’\-.]{0,24}`;
const HOUSE = String.raw`\d{1,5}[A-Za-z]?(?:[\-–/]\d{1,5}[A-Za-z]?)?`;
const BEFORE = String.raw`(?<![\p{L}\p{M}\p{N}\-/.,:#])`;
const AFTER = String.raw`(?![\p{L}\p{M}\p{N}])`;

// What may follow a street: direction, unit, then locality and postcode; one sticky bounded attempt.
const CITY = String.raw`\p{Lu}[\p{L}\p{M}'’\-]{1,24}(?:[ \t]{1,2}(?:-[ \t])?\p{Lu}[\p{L}\p{M}'’\-]{1,24}){0,2}`;
const LOCALITY = [
  String.raw`${CITY},?[ \t]{1,2}[A-Z]{2}[ \t]{1,2}\d{5}(?:-\d{4})?`, // US: City, ST 12345
  String.raw`(?:${CITY},?[ \t]{1,2})?[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}`, // UK postcode
  String.raw`(?:${CITY},?[ \t]{1,2}(?:[A-Z]{2}[ \t]{1,2})?)?[A-Z]\d[A-Z][ \t]?\d[A-Z]\d`, // Canada
  String.raw`(?:[A-Z]{1,2}-)?\d{4,5}(?:[ \t]?[A-Z]{2})?[ \t]{1,2}${CITY}`, // EU: 75002 Paris, 1012 AB Amsterdam
];
const CONTINUATION = new RegExp(
  String.raw`(?:[ \t]{1,2}(?:N|S|E|W|NE|NW|SE|SW)\.?${AFTER})?(?:,?[ \t]{1,2}(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|#|piso|étage|Whg\.?)\.?[ \t]{0,2}#?[A-Za-z0-9º°\-]{1,6})?` +
    String.raw`(?:,?[ \t]{0,2}(?:\r?\n|\\n)?[ \t]{0,8}(?:[ \t]|,)?[ \t]{0,2}(?:${LOCALITY.join('|')})${AFTER})?`,
  'uy',
);

/** The street [start, end) grown over a unit and a locality with postcode that follow it. */
export function addressExtent(text: string, start: number, end: number): [number, number] {
  CONTINUATION.lastIndex = end;
  const m = CONTINUATION.exec(text);
  return [start, m ? end + m[0].length : end];
}

const canonicalAddress = (v: string): string => v.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

const address = (pattern: string, extra: Partial<Detector>): Detector => ({
  id: 'street_address',
  kind: 'pii',
  precheck: /\d/,
  pattern: new RegExp(pattern, 'gu'),
  extent: (text, start, end) => addressExtent(text, start, end),
  // one sticky attempt of CONTINUATION: its bound (bounded-pattern.ts) is ~300 characters
  extentReads: 300,
  reads: { grows: CONTINUATION },
  canonical: canonicalAddress,
  priority: 25,
  ...extra,
});

export const ADDRESS_DETECTORS: Detector[] = [
  address(String.raw`${BEFORE}(${HOUSE},?[ \t]{1,2}(?:(?:${NAME}|\d{1,3}(?:st|nd|rd|th))[ \t]{1,2}){1,4}(?:${EN_TYPES})\.?)${AFTER}`, {}),
  address(String.raw`${BEFORE}(${HOUSE}(?:[ \t]?(?:bis|ter))?,?[ \t]{1,2}(?:${FR_TYPES})[ \t]{1,2}(?:(?:de|du|des|la|le|l['’]|d['’])[ \t]{0,2}){0,2}${NAME}(?:[ \t]{1,2}(?:(?:de|du|des|la|le|l['’]|d['’])[ \t]{0,2}){0,2}${NAME}){0,3})`, {}),
  address(
    String.raw`(?<![\p{L}\p{M}])((?:${PREFIX_TYPES})[ \t]{0,2}(?:(?:de|del|la|las|los|di|della|dei|degli|da|do|dos)[ \t]{1,2}){0,2}${NAME}(?:,?[ \t]{1,2}(?:(?:de|del|la|di|della|da|do)[ \t]{1,2}){0,2}${NAME}){0,3},?[ \t]{1,2}(?:n[º°o]\.?[ \t]?)?\d{1,4}[A-Za-z]?)${AFTER}`,
    {},
  ),
  address(String.raw`(?<![\p{L}\p{M}])((?:${NAME}[ \t\-])?\p{Lu}[\p{L}\p{M}\-]{0,30}?(?:${SUFFIXES})[ \t]{1,2}\d{1,4}[ \t]?[a-zA-Z]?)${AFTER}`, {}),
  address(String.raw`(?<![\p{L}\p{M}])(${NAME}[ \t](?:${SUFFIX_WORDS})[ \t]{1,2}\d{1,4}[a-zA-Z]?)${AFTER}`, {}),
  address(
    String.raw`(?<![\p{L}\p{M}])((?:P\.?[ \t]?O\.?[ \t]?Box|PO[ \t]?Box|Post[ \t]Office[ \t]Box|Postfach|Apartado(?:[ \t]de[ \t][Cc]orreos)?|Casella[ \t][Pp]ostale|Bo[iî]te[ \t][Pp]ostale|B\.P\.|Postbus|Postboks)[ \t]{0,2}(?:No\.?[ \t]?)?\d{1,6}(?:[ \t]\d{2,4}){0,2})${AFTER}`,
    { precheck: /\d/ },
  ),
];
