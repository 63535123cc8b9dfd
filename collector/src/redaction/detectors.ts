// Built-in secret and PII detectors (a gitleaks-class rule set, written for Causeway).
// Each has lowercase keywords: it runs only on text that contains one of them, so most text is
// scanned by one combined keyword search instead of once per rule. Rules no keyword can gate
// (digit-shaped PII, IPv6, Twilio SK keys) have a cheap precheck regex instead.
//
// Linear by construction (bounded-pattern.ts says why, linear.test.ts checks it): every repetition
// has an upper bound and nothing refers back, so one attempt costs a constant; tokens that may be
// longer than the bound (`tail`) grow by a loop over their character class; a key name is checked
// by walking back from the keyword (`keyStart`), never by a repeated prefix group, which is what
// made `(?:[A-Za-z0-9]+[_.\-])*…password` quadratic on `a-a-a-…`. Most patterns also start with a
// lookbehind on their own class, so a long run of token characters is attempted once, not at
// every position in it.
import { ADDRESS_DETECTORS } from './addresses.ts';
import { PERSON_DETECTORS } from './names.ts';
import type { BuiltinRuleId } from './types.ts';
import { cardNetwork, entropy, iban, ibanLength, ipv6, isPlaceholder, isTemplate, luhn, nationalId, ssn } from './validators.ts';

export interface Detector {
  id: BuiltinRuleId | string;
  kind: 'secret' | 'pii';
  /** lowercase substrings; the detector runs only if the text contains one (any case) */
  keywords?: string[];
  /** for detectors no keyword can gate: a cheap test the text must pass first */
  precheck?: RegExp;
  /** global and bounded; the first capture group that took part in a match is the secret (the rest is context) */
  pattern: RegExp;
  /** one character a token may go on with past the pattern's bound: a capture that ends the match grows over them */
  tail?: RegExp;
  /** one character that may not follow the grown token (a trailing `\\b`) */
  notAfter?: RegExp;
  /** the extent from a match, for what one bounded pattern cannot say (a PEM block up to its END line) */
  extent?: (text: string, start: number, end: number, cursor: { end: number }) => [number, number];
  /** characters `extent` may read around a match beyond the extent it returns (counted as work, linear.test.ts) */
  extentReads?: number;
  /**
   * Where `extent` and `validate` read beyond the match (characters before its start, after its
   * end; default none), and how `extent` may grow it: `inside` (never past the match) or a
   * bounded pattern it grows by. Segmented scans (segmented.ts) rely on these: a detector whose
   * reads or growth are not stated is run over the whole text.
   */
  reads?: { before?: number; after?: number; grows?: 'inside' | RegExp };
  /**
   * Proven by hand (say why beside the detector): no match contains the `,{"` a segmented scan
   * cuts between (segmented.ts), although the pattern reads `{`. Checked by segmented.test.ts.
   */
  neverAcrossCut?: true;
  /**
   * The value follows a name that says it is a secret (`aws_secret_access_key=`, `password=`):
   * only a value that is wholly a template (`<token>`, `${VAR}`, `changeme`) is let through, never
   * one that merely looks like a placeholder (`…EXAMPLE…`). Other secret rules skip look-alikes.
   */
  keyed?: boolean;
  /** `matchStart` is where the whole match (the key name, for key=value rules) begins */
  validate?: (value: string, text: string, start: number, matchStart: number) => boolean;
  /** the form a value is fingerprinted in, so one secret in several encodings has one fingerprint */
  canonical?: (value: string) => string;
  /** wins over lower priorities when two findings overlap */
  priority: number;
}

// Words right before a token that say it is an identifier or a digest, not a credential.
const ID_CONTEXT = /(?:(?:trace|span|parent|request|correlation|message|event|run|job|build|commit|object|item|user|org|tenant|account|session|order)[_\-\s]?ids?|\b(?:sha\d*|digest|hash|checksum|uuid|etag|nonce|version|image|id|ids))\W*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const random = (min: number) => (v: string): boolean => !isPlaceholder(v) && entropy(v) >= min;

// Keys whose value is a secret whatever it looks like, and keys whose value is a secret only
// if it looks random (`next_page_token=abc` is not a credential).
const ALWAYS_SECRET_KEY = String.raw`(?:password|passwd|pwd|passphrase|secret|client[_\-]?secret|secret[_\-]?key|api[_\-]?key|apikey|private[_\-]?key|access[_\-]?key|(?:encryption|signing|master|hmac|webhook)[_\-]?(?:key|secret)|credentials?|(?:set[_\-]?)?cookie)`;
const MAYBE_SECRET_KEY = String.raw`(?:token|access[_\-]?token|refresh[_\-]?token|auth[_\-]?token|id[_\-]?token|session[_\-]?token|bearer|signature|sig)`;

/**
 * A key name is a run of [A-Za-z0-9_.-] that is not the tail of an ARN or URN segment
 * (`arn:aws:secretsmanager:…:secret:prod/db`) nor of one of our placeholders
 * (`[REDACTED:generic_secret:…]`): the key's characters right before the keyword may not follow a
 * `:`. At most 64 characters are looked at.
 */
export function keyStart(text: string, keyword: number): boolean {
  let i = keyword;
  const stop = Math.max(0, keyword - 64);
  while (i > stop && /[A-Za-z0-9_.\-]/.test(text[i - 1]!)) i--;
  return i === 0 || text[i - 1] !== ':';
}
// A quoted value is taken whole (passwords have spaces); a bare one up to a delimiter.
// JSON may arrive escaped once or twice (\" or \\\"); a value never runs across a line break.
// A value that is wholly a template (`{name}`, `$VAR`, `$(cmd)`, `<token>`, `%VAR%`) is let
// through by isTemplate, not by the pattern: `password=%Ab3…` and `password=$ecret9` are secrets.
const VALUE = String.raw`\\{0,4}["']?[ \t]{0,8}[:=][ \t]{0,8}(?:\\{0,4}"([^"\\\n]{4,256})\\{0,4}"|'([^'\\\n]{4,256})'|([^\s"'\\,;&}\]{[][^\s"'\\,;&}\]]{3,256}))`;
const VALUE_TAIL = /[^\s"'\\,;&}\]]/;
// `- name: DATADOG_API_KEY` / `value: "…"` (Kubernetes env), `{"name": "…SECRET…", "value": "…"}`.
// Tried only where `name` starts a word; the two bounded name runs around the keyword backtrack at
// most 64 × 64 steps, whatever follows.
const NAME_VALUE = String.raw`\bname\\{0,4}["']?[ \t]{0,8}[:=][ \t]{0,8}\\{0,4}["']?[A-Za-z0-9_.\-]{0,64}?(?:secret|password|passwd|api[_\-]?key|token|private[_\-]?key|access[_\-]?key|credential)[A-Za-z0-9_.\-]{0,64}\\{0,4}["']?[ \t]{0,8},?[ \t]{0,8}(?:\r?\n[ \t-]{0,32})?\\{0,4}["']?value\\{0,4}["']?[ \t]{0,8}[:=][ \t]{0,8}\\{0,4}["']?([^\s"'\\,}]{8,256})`;

/** Where the next `-----END … PRIVATE KEY-----` line starts at or after `from`; the cursor only moves forward, so a text is searched once. */
function nextPemEnd(text: string, from: number, cursor: { end: number }): [number, number] | undefined {
  const END = /-----END[A-Z0-9 ]{0,20}PRIVATE KEY(?: BLOCK)?-----/y;
  if (cursor.end === Infinity) return undefined;
  let at = cursor.end >= from ? cursor.end : text.indexOf('-----END', from);
  for (;;) {
    if (at < 0) {
      cursor.end = Infinity;
      return undefined;
    }
    cursor.end = at;
    END.lastIndex = at;
    if (END.test(text)) return [at, END.lastIndex];
    at = text.indexOf('-----END', at + 1);
  }
}
const PEM_BODY = /[A-Za-z0-9+/=\s\\:,\-]/;

/** An IBAN's extent: exactly its country's number of characters (spaces between groups allowed), ending at a boundary; else empty. */
function ibanExtent(text: string, start: number, end: number): [number, number] {
  const want = ibanLength(text.slice(start, start + 2));
  let n = 0;
  let i = start;
  while (i < end && n < want) {
    if (text[i] !== ' ') n++;
    i++;
  }
  return n === want && !/[A-Za-z0-9]/.test(text[i] ?? '') ? [start, i] : [start, start];
}

export const DETECTORS: Detector[] = [
  {
    id: 'private_key',
    kind: 'secret',
    keywords: ['private key'],
    // The whole block up to its END line (16 KiB at most), whether its newlines arrive real, as \n
    // or as \\n; else a truncated block: the header and the base64 after it. The pattern is the
    // header only; the END line is found by a forward-only search (nextPemEnd).
    pattern: /-----BEGIN[A-Z0-9 ]{0,20}PRIVATE KEY(?: BLOCK)?-----/g,
    extent: (text, start, end, cursor) => {
      const e = nextPemEnd(text, end, cursor);
      if (e && e[0] - end <= 16384) return [start, e[1]];
      let i = end;
      while (i < text.length && PEM_BODY.test(text[i]!)) i++;
      return [start, i];
    },
    canonical: (v) => v.replace(/-----[A-Z0-9 ]{1,40}-----/g, '').replace(/\\{1,8}n/g, '').replace(/[^A-Za-z0-9+/=]/g, ''),
    priority: 110,
  },
  // Literal prefix + fixed-length body: an attempt reads at most 20 characters.
  { id: 'aws_access_key_id', kind: 'secret', keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'], pattern: /\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b/g, priority: 100 },
  {
    id: 'aws_secret_access_key',
    kind: 'secret',
    keyed: true,
    keywords: ['aws', 'secretaccesskey', 'secret_access_key'],
    // lazy runs of ≤ 30 and ≤ 20 characters around `secret|sk`, then ≤ 8 separators and 40 characters: bounded
    pattern: /(?:aws[\w.\- ]{0,30}?(?:secret|sk)[\w.\- ]{0,20}?|secret_?access_?key)(?:\s{1,4}is)?[\s:="'\\]{1,8}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    // named as a secret: any 40 characters that are not a template stand for one (the AWS docs'
    // `…EXAMPLEKEY` is redacted too: no look-alike heuristic decides for a value under a secret's name)
    validate: (v) => !isTemplate(v) && entropy(v) >= 3,
    priority: 100,
  },
  { id: 'gcp_api_key', kind: 'secret', keywords: ['aiza'], pattern: /\b(AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])/g, priority: 100 },
  {
    id: 'gcp_service_account',
    kind: 'secret',
    keyed: true,
    keywords: ['private_key_id'],
    pattern: /private_key_id\\{0,4}["']\s{0,16}:\s{0,16}\\{0,4}["']([a-f0-9]{40})\\{0,4}["']/dg,
    priority: 100,
  },
  {
    id: 'azure_storage_key',
    kind: 'secret',
    keywords: ['accountkey', 'azure', 'storage'],
    // fixed 88 characters, and never inside a longer base64 run (lookbehind on the class)
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)|(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/dgi,
    validate: (v, text, start) => entropy(v) >= 4.5 && /accountkey|azure|storage/i.test(text.slice(Math.max(0, start - 200), start)),
    reads: { before: 200 },
    priority: 100,
  },
  {
    id: 'azure_sas_token',
    kind: 'secret',
    keywords: ['sig='],
    pattern: /[?&;]sig=([A-Za-z0-9%+/]{30,512}(?:%3D|=){0,2})/dgi,
    tail: /[A-Za-z0-9%+/=]/,
    validate: (_v, text, start) => /[?&;]s[vprte]=/i.test(text.slice(Math.max(0, start - 400), start)),
    reads: { before: 400 },
    priority: 100,
  },
  // Token rules below: a literal prefix, a body of bounded length, grown over its class by `tail`.
  { id: 'github_token', kind: 'secret', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})/g, tail: /[A-Za-z0-9]/, notAfter: /\w/, priority: 100 },
  { id: 'github_fine_grained_pat', kind: 'secret', keywords: ['github_pat_'], pattern: /\b(github_pat_[A-Za-z0-9_]{70,255})/g, tail: /[A-Za-z0-9_]/, priority: 101 },
  { id: 'gitlab_token', kind: 'secret', keywords: ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glcbt-', 'gloas-', 'glft-'], pattern: /(?<![A-Za-z0-9_\-])(gl(?:pat|dt|ptt|rt|cbt|oas|ft)-[A-Za-z0-9_\-]{20,256})/g, tail: /[A-Za-z0-9_\-]/, priority: 100 },
  { id: 'npm_token', kind: 'secret', keywords: ['npm_'], pattern: /\b(npm_[A-Za-z0-9]{36})\b/g, priority: 100 },
  { id: 'pypi_token', kind: 'secret', keywords: ['pypi-ageichlwas5vcmc'], pattern: /\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,256})/g, tail: /[A-Za-z0-9_\-]/, priority: 100 },
  { id: 'slack_token', kind: 'secret', keywords: ['xox'], pattern: /(?<![A-Za-z0-9\-])(xox[abeoprs]-[A-Za-z0-9\-]{10,256})/g, tail: /[A-Za-z0-9\-]/, validate: (v) => !isPlaceholder(v), priority: 100 },
  { id: 'slack_webhook', kind: 'secret', keywords: ['hooks.slack.com'], pattern: /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_\-]{20,256})/g, tail: /[A-Za-z0-9+/_\-]/, priority: 100 },
  { id: 'stripe_key', kind: 'secret', keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], pattern: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,256})/g, tail: /[A-Za-z0-9]/, notAfter: /\w/, priority: 100 },
  { id: 'twilio_api_key', kind: 'secret', precheck: /SK[0-9a-fA-F]{32}/, pattern: /\b(SK[0-9a-fA-F]{32})\b/g, priority: 100 },
  {
    id: 'twilio_api_key',
    kind: 'secret',
    keywords: ['twilio'],
    pattern: /twilio[\w.\- ]{0,20}?(?:auth)?[_\-. ]?token(?:\s{1,4}is)?[\s:="'\\]{1,8}([a-f0-9]{32})\b/dgi,
    priority: 100,
  },
  { id: 'sendgrid_api_key', kind: 'secret', keywords: ['sg.'], pattern: /\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])/g, priority: 100 },
  { id: 'mailgun_api_key', kind: 'secret', keywords: ['key-'], pattern: /\b(key-[0-9a-z]{32})\b/g, validate: random(3), priority: 100 },
  {
    id: 'datadog_api_key',
    kind: 'secret',
    keywords: ['datadog', 'dd_a', 'dd-a', 'dd.a', 'dd a'],
    pattern: /(?:datadog|\bdd)[\w.\- ]{0,20}?(?:api|app(?:lication)?)[_\-. ]?key(?:\s{1,4}is)?[\s:="'\\]{1,8}([a-f0-9]{40}|[a-f0-9]{32})\b/dgi,
    priority: 100,
  },
  {
    id: 'openai_api_key',
    kind: 'secret',
    keywords: ['sk-'],
    pattern: /(?<![A-Za-z0-9_\-])(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{20,256}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})/g,
    tail: /[A-Za-z0-9_\-]/,
    validate: (v) => random(3.5)(v.replace(/^sk-\w{1,16}-/, '')),
    priority: 100,
  },
  { id: 'anthropic_api_key', kind: 'secret', keywords: ['sk-ant-'], pattern: /(?<![A-Za-z0-9_\-])(sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{80,512})/g, tail: /[A-Za-z0-9_\-]/, priority: 105 },
  { id: 'huggingface_token', kind: 'secret', keywords: ['hf_'], pattern: /\b(hf_[A-Za-z0-9]{34,40})\b/g, validate: random(3.5), priority: 100 },
  // Each segment is a run of a class without '.', so it ends at one place; tried only where no
  // token character precedes, so `eyJ-eyJ-…` is one attempt.
  { id: 'jwt', kind: 'secret', keywords: ['eyj'], pattern: /(?<![A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{8,2048}\.eyJ[A-Za-z0-9_\-]{8,4096}\.[A-Za-z0-9_\-]{16,2048})/g, tail: /[A-Za-z0-9_\-]/, priority: 90 },
  {
    id: 'url_password',
    kind: 'secret',
    keyed: true,
    keywords: ['://'],
    // user and password are runs that cannot hold their own delimiter: each ends at one place
    pattern: /\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}:\/\/[^\s:/@"'<>\\]{0,256}:([^\s@/"'<>\\]{1,256})@[^\s"'<>]/dg,
    // never across `,{"`: `{` may only be read by the user or password run, which must go on to a
    // `:` or `@` and cannot read the `"` after it; the one character after `@` is not both `,` and `{`
    neverAcrossCut: true,
    validate: (v) => !isTemplate(v),
    priority: 85,
  },
  {
    id: 'connection_string_password',
    kind: 'secret',
    keyed: true,
    keywords: ['password', 'pwd'],
    pattern: /(?:^|[;\s"'?&])(?:password|pwd)[ \t]{0,16}=[ \t]{0,16}([^;"'\s\\&]{1,256})/dgi,
    tail: /[^;"'\s\\&]/,
    // ADO.NET / ODBC / JDBC (;), libpq (spaces), MySQL/JDBC URL query (&): other connection keys around it.
    validate: (v, text, start) => !isTemplate(v) && /(?:server|host|hostaddr|data source|database|dbname|initial catalog|user id|user|uid|username|port|sslmode|encrypt)[ \t]{0,16}=/i.test(text.slice(Math.max(0, start - 300), start + 300)),
    reads: { before: 300, after: 300 },
    priority: 80,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keyed: true,
    keywords: ['authorization'],
    pattern: /\bauthorization\\?["']?\s{0,16}[:=]\s{0,16}(?:\\?["'])?((?:bearer|basic|token|digest|apikey)\s{1,16}[A-Za-z0-9._~+/=\-]{8,256})/dgi,
    tail: /[A-Za-z0-9._~+/=\-]/,
    validate: (v) => !isTemplate(v.split(/\s+/)[1] ?? ''),
    priority: 60,
  },
  {
    // `db_password=…`, `"clientSecret": "…"`: the key is checked by walking back from the keyword (keyStart).
    id: 'generic_secret',
    kind: 'secret',
    keyed: true,
    keywords: ['pass', 'pwd', 'secret', 'key', 'credential', 'cookie'],
    pattern: new RegExp(`${ALWAYS_SECRET_KEY}${VALUE}`, 'gi'),
    tail: VALUE_TAIL,
    // not after ':' either, so `arn:aws:secretsmanager:…:secret:prod/db` is not a key=value
    validate: (v, text, _start, at) => keyStart(text, at) && !isTemplate(v) && !/^\d{1,6}$/.test(v),
    reads: { before: 64 },
    priority: 50,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keyed: true,
    keywords: ['token', 'bearer', 'sig'],
    pattern: new RegExp(`${MAYBE_SECRET_KEY}${VALUE}`, 'gi'),
    tail: VALUE_TAIL,
    validate: (v, text, _start, at) => keyStart(text, at) && v.length >= 12 && !isTemplate(v) && entropy(v) >= 3.5,
    reads: { before: 64 },
    priority: 50,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keyed: true,
    keywords: ['name'],
    pattern: new RegExp(NAME_VALUE, 'gi'),
    tail: /[^\s"'\\,}]/,
    validate: (v) => !isTemplate(v) && entropy(v) >= 3,
    priority: 55,
  },
  {
    // A secret named in prose: "the Datadog API key is …", "the old one (…) should be revoked",
    // 'invalid encryption key "…"'. A random-looking token shortly after a credential word: a lazy
    // run of ≤ 60 characters, then a token of ≤ 512 (grown by `tail`) or a quoted one of ≤ 64.
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['key', 'password', 'secret', 'token', 'credential'],
    pattern: /(?:\b|_)(?:key|password|passphrase|secret|token|credential)s?\b[^\n]{0,60}?[\s("'=:](?:([A-Za-z0-9+/_\-]{24,512}={0,2})|"([A-Za-z0-9!#%&*+,./:;?@^_~\-]{8,64})")/dgi,
    tail: /[A-Za-z0-9+/_\-=]/,
    validate: (v, text, start) => {
      const before = text.slice(Math.max(0, start - 32), start);
      if (ID_CONTEXT.test(before) || UUID.test(v) || v.startsWith('/') || /^[A-Za-z_]{1,64}(?:\.[A-Za-z_]{1,64}){1,16}$/.test(v)) return false;
      if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return false;
      // hex tops out at 4 bits per character, base64 at 6
      return !isPlaceholder(v) && entropy(v) >= (/^[0-9a-f]+$/i.test(v) ? 3 : 3.5);
    },
    priority: 35, // below email: an address near the word "key" is still an email
    reads: { before: 32 },
  },
  {
    id: 'email',
    kind: 'pii',
    keywords: ['@'],
    // local part ≤ 64, ≤ 16 labels each ending at its '.', TLD ≤ 24; tried only where a local part can start
    pattern: /(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,16}[A-Za-z]{2,24})\b/g,
    // `git@github.com:org/repo.git` is an SSH address, not a mailbox
    validate: (_v, text, start) => !(text.startsWith('git@', start) && /^[^\s]{0,256}:[\w.\-~]/.test(text.slice(start, start + 300))),
    reads: { after: 300 },
    priority: 40,
  },
  {
    id: 'credit_card',
    kind: 'pii',
    precheck: /\d{4}/,
    // delimited like a number a person wrote, not a run of digits inside a hex digest; each group
    // is one digit and an optional separator the next character decides, so an attempt is ≤ 37 steps
    // whatever the separators (space, dash, dot, mixed, doubled): the checksum and issuer decide
    pattern: /(?<![\w\-.])((?:\d[ \-.]{0,2}){12,18}\d)(?![\w\-]|\.\d)/g,
    validate: (v) => {
      const digits = v.replace(/\D/g, '');
      return luhn(digits) && cardNetwork(digits);
    },
    priority: 45,
  },
  // any case (`de89 3704 0044 …` as people type it); mod-97 and the country's length decide
  // the match may run on into a word (`… 9942 please`): the extent is cut at the country's length
  { id: 'iban', kind: 'pii', precheck: /[A-Za-z]{2}\d\d/, pattern: /\b([A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?)\b/g, extent: ibanExtent, extentReads: 1, reads: { after: 1, grows: 'inside' }, validate: iban, priority: 45 },
  {
    // Spanish DNI/NIE (check letter mod 23) and UK National Insurance numbers (prefix rules)
    id: 'national_id',
    kind: 'pii',
    precheck: /\d{7}|[A-Za-z]{2} ?\d{2}/,
    pattern: /(?<![\w\-])((?:[XYZxyz]-?)?\d{7,8}-?[A-Za-z]|[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z] ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d])(?![\w\-])/g,
    validate: nationalId,
    priority: 45,
  },
  { id: 'us_ssn', kind: 'pii', precheck: /\d-\d\d-\d/, pattern: /(?<![\d\-])(\d{3}-\d{2}-\d{4})(?![\d\-])/g, validate: ssn, priority: 45 },
  {
    id: 'phone',
    kind: 'pii',
    precheck: /\d(?:[ .\-()]{0,2}\d){6}/,
    // never a few groups out of a longer run of digit groups (card or account numbers); tried only
    // where no digit, letter or group separator precedes
    // international (+CC …, 00CC …), North American, and national trunk-0 forms: UK `020 7946 0958`,
    // FR `01 23 45 67 89`, DE `030 12345678` / `0151-23456789`, IT `06 1234 5678`, NL `06-12345678`
    pattern: /(?<![\w.+\-/:#])(?<![\dA-Z][ \-])((?:\+|00)[1-9]\d{0,3}[ .\-]?(?:\(0?\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{2,5}){1,4}|\(\d{3}\) ?\d{3}[ .\-]\d{4}|\d{3}[ .\-]\d{3}[ .\-]\d{4}|0\d{2,4}[ \-]\d{3,4}[ \-]\d{3,4}|0[1-9](?:[ .\-]\d{2}){4}|0\d{1,4}[ /\-]\d{5,9}|0\d{1,3} \d{3,4} \d{4})(?![\w\-/:]|\.\d|[ \-][\dA-Z])/g,
    validate: (v) => {
      const n = v.replace(/\D/g, '').length;
      return n >= 8 && n <= 15;
    },
    priority: 30,
  },
  {
    id: 'ipv4',
    kind: 'pii',
    precheck: /\d\.\d{1,3}\.\d/,
    // not inside a path or version (`/v1.2.3.4`, `lib-1.2.3.4`), but yes as a URL host (`http://10.0.0.1`)
    pattern: /(?<![\w.\-:])(?:(?<=:\/\/)|(?<!\/))((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\w\-]|\.\d)/g,
    validate: (v) => v !== '0.0.0.0',
    priority: 35,
  },
  {
    id: 'ipv6',
    kind: 'pii',
    precheck: /::|[0-9A-Fa-f]:[0-9A-Fa-f]{1,4}:/,
    // the lookahead (two colons within 45 characters) reads as far as the address can be long
    pattern: /(?<![\w:.])((?=[0-9A-Fa-f:.]{0,44}:[0-9A-Fa-f:.]{0,44}:)[0-9A-Fa-f:.]{1,44}[0-9A-Fa-f:](?:%[A-Za-z0-9]{1,16})?)(?![\w:])/g,
    validate: ipv6,
    priority: 35,
  },
  // person names (lexicon and cues) and postal addresses (shapes): names.ts, addresses.ts
  ...PERSON_DETECTORS,
  ...ADDRESS_DETECTORS,
];
