// Built-in secret and PII detectors (a gitleaks-class rule set, written for Causeway).
// Each has lowercase keywords: it runs only on text that contains one of them, so most text is
// scanned by one combined keyword search instead of once per rule. Rules no keyword can gate
// (digit-shaped PII, IPv6, Twilio SK keys) have a cheap precheck regex instead.
import type { BuiltinRuleId } from './types.ts';
import { cardNetwork, entropy, iban, ipv6, isPlaceholder, luhn, ssn } from './validators.ts';

export interface Detector {
  id: BuiltinRuleId | string;
  kind: 'secret' | 'pii';
  /** lowercase substrings; the detector runs only if the text contains one (any case) */
  keywords?: string[];
  /** for detectors no keyword can gate: a cheap test the text must pass first */
  precheck?: RegExp;
  /** global; the first capture group that took part in a match is the secret (the rest is context) */
  pattern: RegExp;
  validate?: (value: string, text: string, start: number) => boolean;
  /** the form a value is fingerprinted in, so one secret in several encodings has one fingerprint */
  canonical?: (value: string) => string;
  /** wins over lower priorities when two findings overlap */
  priority: number;
}

// Words right before a token that say it is an identifier or a digest, not a credential.
const ID_CONTEXT = /(?:(?:trace|span|parent|request|correlation|message|event|run|job|build|commit|object|item|user|org|tenant|account|session|order)[_\-\s]?ids?|\b(?:sha\d*|digest|hash|checksum|uuid|etag|nonce|version|image|id|ids))\W*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notPlaceholder = (v: string): boolean => !isPlaceholder(v);
const random = (min: number) => (v: string): boolean => !isPlaceholder(v) && entropy(v) >= min;

// Keys whose value is a secret whatever it looks like, and keys whose value is a secret only
// if it looks random (`next_page_token=abc` is not a credential).
const ALWAYS_SECRET_KEY = String.raw`(?:password|passwd|pwd|passphrase|secret|client[_\-]?secret|secret[_\-]?key|api[_\-]?key|apikey|private[_\-]?key|access[_\-]?key|(?:encryption|signing|master|hmac|webhook)[_\-]?(?:key|secret)|credentials?|(?:set[_\-]?)?cookie)`;
const MAYBE_SECRET_KEY = String.raw`(?:token|access[_\-]?token|refresh[_\-]?token|auth[_\-]?token|id[_\-]?token|session[_\-]?token|bearer|signature|sig)`;
const KEY_PREFIX = String.raw`(?:[A-Za-z0-9]+[_.\-])*`;
// A quoted value is taken whole (passwords have spaces); a bare one up to a delimiter.
// JSON may arrive escaped once or twice (\" or \\\"); a value never runs across a line break, and a
// bare value never starts like a template (`{name}`, `$VAR`, `$(cmd)`, `<token>`, `%VAR%`).
const VALUE = String.raw`\\*["']?[ \t]*[:=][ \t]*(?:\\*"([^"\\\n]{4,256})\\*"|'([^'\\\n]{4,256})'|([^\s"'\\,;&}\]{($<%][^\s"'\\,;&}\]]{3,}))`;
// `- name: DATADOG_API_KEY` / `value: "…"` (Kubernetes env), `{"name": "…SECRET…", "value": "…"}`.
const NAME_VALUE = String.raw`\bname\\*["']?[ \t]*[:=][ \t]*\\*["']?[A-Za-z0-9_.\-]*(?:secret|password|passwd|api[_\-]?key|token|private[_\-]?key|access[_\-]?key|credential)[A-Za-z0-9_.\-]*\\*["']?[ \t]*,?[ \t]*(?:\r?\n[ \t-]*)?\\*["']?value\\*["']?[ \t]*[:=][ \t]*\\*["']?([^\s"'\\,}]{8,})`;

export const DETECTORS: Detector[] = [
  {
    id: 'private_key',
    kind: 'secret',
    keywords: ['private key'],
    // The whole block, whether its newlines arrive real, as \n or as \\n; or a truncated block.
    pattern: /-----BEGIN[A-Z0-9 ]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END[A-Z0-9 ]{0,20}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,\-]*)/g,
    canonical: (v) => v.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\\+n/g, '').replace(/[^A-Za-z0-9+/=]/g, ''),
    priority: 110,
  },
  { id: 'aws_access_key_id', kind: 'secret', keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'], pattern: /\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b/g, priority: 100 },
  {
    id: 'aws_secret_access_key',
    kind: 'secret',
    keywords: ['aws', 'secretaccesskey', 'secret_access_key'],
    pattern: /(?:aws[\w.\- ]{0,30}?(?:secret|sk)[\w.\- ]{0,20}?|secret_?access_?key)(?:\s+is)?[\s:="'\\]{1,8}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    validate: random(3.5),
    priority: 100,
  },
  { id: 'gcp_api_key', kind: 'secret', keywords: ['aiza'], pattern: /\b(AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])/g, priority: 100 },
  {
    id: 'gcp_service_account',
    kind: 'secret',
    keywords: ['private_key_id'],
    pattern: /private_key_id\\*["']\s*:\s*\\*["']([a-f0-9]{40})\\*["']/dg,
    priority: 100,
  },
  {
    id: 'azure_storage_key',
    kind: 'secret',
    keywords: ['accountkey', 'azure', 'storage'],
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)|(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/dgi,
    validate: (v, text, start) => entropy(v) >= 4.5 && /accountkey|azure|storage/i.test(text.slice(Math.max(0, start - 200), start)),
    priority: 100,
  },
  {
    id: 'azure_sas_token',
    kind: 'secret',
    keywords: ['sig='],
    pattern: /[?&;]sig=([A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})/dgi,
    validate: (_v, text, start) => /[?&;]s[vprte]=/i.test(text.slice(Math.max(0, start - 400), start)),
    priority: 100,
  },
  { id: 'github_token', kind: 'secret', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})\b/g, priority: 100 },
  { id: 'github_fine_grained_pat', kind: 'secret', keywords: ['github_pat_'], pattern: /\b(github_pat_[A-Za-z0-9_]{70,255})\b/g, priority: 101 },
  { id: 'gitlab_token', kind: 'secret', keywords: ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glcbt-', 'gloas-', 'glft-'], pattern: /\b(gl(?:pat|dt|ptt|rt|cbt|oas|ft)-[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-])/g, priority: 100 },
  { id: 'npm_token', kind: 'secret', keywords: ['npm_'], pattern: /\b(npm_[A-Za-z0-9]{36})\b/g, priority: 100 },
  { id: 'pypi_token', kind: 'secret', keywords: ['pypi-ageichlwas5vcmc'], pattern: /\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})/g, priority: 100 },
  { id: 'slack_token', kind: 'secret', keywords: ['xox'], pattern: /\b(xox[abeoprs]-[A-Za-z0-9\-]{10,})(?![A-Za-z0-9\-])/g, validate: notPlaceholder, priority: 100 },
  { id: 'slack_webhook', kind: 'secret', keywords: ['hooks.slack.com'], pattern: /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_\-]{20,})/g, priority: 100 },
  { id: 'stripe_key', kind: 'secret', keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], pattern: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,})\b/g, priority: 100 },
  { id: 'twilio_api_key', kind: 'secret', precheck: /SK[0-9a-fA-F]{32}/, pattern: /\b(SK[0-9a-fA-F]{32})\b/g, priority: 100 },
  {
    id: 'twilio_api_key',
    kind: 'secret',
    keywords: ['twilio'],
    pattern: /twilio[\w.\- ]{0,20}?(?:auth)?[_\-. ]?token(?:\s+is)?[\s:="'\\]{1,8}([a-f0-9]{32})\b/dgi,
    priority: 100,
  },
  { id: 'sendgrid_api_key', kind: 'secret', keywords: ['sg.'], pattern: /\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])/g, priority: 100 },
  { id: 'mailgun_api_key', kind: 'secret', keywords: ['key-'], pattern: /\b(key-[0-9a-z]{32})\b/g, validate: random(3), priority: 100 },
  {
    id: 'datadog_api_key',
    kind: 'secret',
    keywords: ['datadog', 'dd_a', 'dd-a', 'dd.a', 'dd a'],
    pattern: /(?:datadog|\bdd)[\w.\- ]{0,20}?(?:api|app(?:lication)?)[_\-. ]?key(?:\s+is)?[\s:="'\\]{1,8}([a-f0-9]{40}|[a-f0-9]{32})\b/dgi,
    priority: 100,
  },
  {
    id: 'openai_api_key',
    kind: 'secret',
    keywords: ['sk-'],
    pattern: /\b(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_\-])/g,
    validate: (v) => random(3.5)(v.replace(/^sk-\w+-/, '')),
    priority: 100,
  },
  { id: 'anthropic_api_key', kind: 'secret', keywords: ['sk-ant-'], pattern: /\b(sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{80,})(?![A-Za-z0-9_\-])/g, priority: 105 },
  { id: 'huggingface_token', kind: 'secret', keywords: ['hf_'], pattern: /\b(hf_[A-Za-z0-9]{34,40})\b/g, validate: random(3.5), priority: 100 },
  { id: 'jwt', kind: 'secret', keywords: ['eyj'], pattern: /\b(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])/g, priority: 90 },
  {
    id: 'url_password',
    kind: 'secret',
    keywords: ['://'],
    pattern: /\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}:\/\/[^\s:/@"'<>\\]*:([^\s@/"'<>\\]+)@[^\s"'<>]/dg,
    validate: notPlaceholder,
    priority: 85,
  },
  {
    id: 'connection_string_password',
    kind: 'secret',
    keywords: ['password', 'pwd'],
    pattern: /(?:^|[;\s"'?&])(?:password|pwd)[ \t]*=[ \t]*([^;"'\s\\&]+)/dgi,
    // ADO.NET / ODBC / JDBC (;), libpq (spaces), MySQL/JDBC URL query (&): other connection keys around it.
    validate: (v, text, start) => notPlaceholder(v) && /(?:server|host|hostaddr|data source|database|dbname|initial catalog|user id|user|uid|username|port|sslmode|encrypt)[ \t]*=/i.test(text.slice(Math.max(0, start - 300), start + 300)),
    priority: 80,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['authorization'],
    pattern: /\bauthorization\\?["']?\s*[:=]\s*(?:\\?["'])?((?:bearer|basic|token|digest|apikey)\s+[A-Za-z0-9._~+/=\-]{8,})/dgi,
    validate: (v) => notPlaceholder(v.split(/\s+/)[1] ?? ''),
    priority: 60,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['pass', 'pwd', 'secret', 'key', 'credential', 'cookie'],
    // not after ':' either, so `arn:aws:secretsmanager:…:secret:prod/db` is not a key=value
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9:])${KEY_PREFIX}[A-Za-z0-9]*${ALWAYS_SECRET_KEY}${VALUE}`, 'gi'),
    validate: (v) => notPlaceholder(v) && !/^\d{1,6}$/.test(v),
    priority: 50,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['token', 'bearer', 'sig'],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9:])${KEY_PREFIX}[A-Za-z0-9]*${MAYBE_SECRET_KEY}${VALUE}`, 'gi'),
    validate: (v) => v.length >= 12 && random(3.5)(v),
    priority: 50,
  },
  {
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['name'],
    pattern: new RegExp(NAME_VALUE, 'gi'),
    validate: (v) => random(3)(v),
    priority: 55,
  },
  {
    // A secret named in prose: "the Datadog API key is …", "the old one (…) should be revoked",
    // 'invalid encryption key "…"'. A random-looking token shortly after a credential word.
    id: 'generic_secret',
    kind: 'secret',
    keywords: ['key', 'password', 'secret', 'token', 'credential'],
    pattern: /(?:\b|_)(?:key|password|passphrase|secret|token|credential)s?\b[^\n]{0,60}?[\s("'=:](?:([A-Za-z0-9+/_\-]{24,}={0,2})(?![A-Za-z0-9+/_\-=])|"([A-Za-z0-9!#%&*+,./:;?@^_~\-]{8,64})")/dgi,
    validate: (v, text, start) => {
      const before = text.slice(Math.max(0, start - 32), start);
      if (ID_CONTEXT.test(before) || UUID.test(v) || v.startsWith('/') || /^[A-Za-z_]+(?:\.[A-Za-z_]+)+$/.test(v)) return false;
      if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return false;
      // hex tops out at 4 bits per character, base64 at 6
      return entropy(v) >= (/^[0-9a-f]+$/i.test(v) ? 3 : 3.5);
    },
    priority: 35, // below email: an address near the word "key" is still an email
  },
  {
    id: 'email',
    kind: 'pii',
    keywords: ['@'],
    pattern: /(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})\b/g,
    // `git@github.com:org/repo.git` is an SSH address, not a mailbox
    validate: (_v, text, start) => !(text.startsWith('git@', start) && /^[^\s]*:[\w.\-~]/.test(text.slice(start).split(/\s/)[0] ?? '')),
    priority: 40,
  },
  {
    id: 'credit_card',
    kind: 'pii',
    precheck: /\d{4}/,
    // delimited like a number a person wrote, not a run of digits inside a hex digest
    pattern: /(?<![\w\-.])((?:\d[ \-]?){12,18}\d)(?![\w\-]|\.\d)/g,
    validate: (v) => {
      const digits = v.replace(/\D/g, '');
      const seps = new Set(v.replace(/\d/g, ''));
      return seps.size <= 1 && luhn(digits) && cardNetwork(digits);
    },
    priority: 45,
  },
  { id: 'iban', kind: 'pii', precheck: /[A-Z]{2}\d\d/, pattern: /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b/g, validate: iban, priority: 45 },
  { id: 'us_ssn', kind: 'pii', precheck: /\d-\d\d-\d/, pattern: /(?<![\d\-])(\d{3}-\d{2}-\d{4})(?![\d\-])/g, validate: ssn, priority: 45 },
  {
    id: 'phone',
    kind: 'pii',
    precheck: /\d(?:[ .\-()]{0,2}\d){6}/,
    // never a few groups out of a longer run of digit groups (card or account numbers)
    pattern: /(?<![\w.+\-/:#])(?<![\dA-Z][ \-])(\+[1-9]\d{0,3}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{2,5}){1,4}|\(\d{3}\) ?\d{3}[ .\-]\d{4}|\d{3}[ .\-]\d{3}[ .\-]\d{4}|0\d{2,4}[ \-]\d{3,4}[ \-]\d{3,4})(?![\w\-/:]|\.\d|[ \-][\dA-Z])/g,
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
    pattern: /(?<![\w:.])((?=[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:)[0-9A-Fa-f:.]{1,44}[0-9A-Fa-f:](?:%[A-Za-z0-9]+)?)(?![\w:])/g,
    validate: ipv6,
    priority: 35,
  },
];
