// Key rules: a value stored under a sensitive key (an attribute key, a JSON object key, a
// header name) is replaced whole, whatever it looks like.

/**
 * Default sensitive keys, matched against the last segment of a key, normalized: camelCase and
 * PascalCase split into words (`dbPassword` → `db_password`, `AWSSecretAccessKey` →
 * `aws_secret_access_key`), lower case, `-`, `.` and spaces as `_`.
 */
export const DEFAULT_SENSITIVE_KEYS = [
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'client_secret',
  'secret_key',
  'api_key',
  'apikey',
  'x_api_key',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'bearer_token',
  'private_key',
  'x_auth_token',
  'x_amz_security_token',
  'connection_string',
  'credential',
  'credentials',
  'private_key_id',
  'client_key',
  'proxy_authorization',
];

// Suffixes that make any key sensitive: db_password, stripe_secret_key, github_api_key,
// aws_secret_access_key, slack_bot_token, service_credentials.
const SENSITIVE_SUFFIX = /(?:^|_)(?:password|passwd|pwd|passphrase|secret|secret_key|secret_access_key|api_key|apikey|api_token|private_key|access_token|refresh_token|auth_token|id_token|session_token|bearer_token|bot_token|client_secret|credentials?|authorization|cookie|token)$/;
// Lower-case fragments one of which any sensitive key contains: JSON without any is not walked for key rules.
const FRAGMENTS = ['pass', 'pwd', 'secret', 'key', 'token', 'auth', 'cookie', 'credential', 'bearer', 'connection'];

export class KeyRules {
  private readonly exact: Set<string>;
  private readonly patterns: RegExp[];
  private readonly allow: Set<string>;
  private readonly fragments: RegExp;
  /** keys seen and whether they are sensitive: JSON re-sent with every LLM call repeats the same few keys (bounded) */
  private readonly seen = new Map<string, boolean>();

  constructor(extraKeys: string[] = [], allowKeys: string[] = []) {
    this.exact = new Set(DEFAULT_SENSITIVE_KEYS.map(normalizeKey));
    this.patterns = [];
    for (const k of extraKeys) {
      if (k.startsWith('/') && k.endsWith('/') && k.length > 2) this.patterns.push(new RegExp(k.slice(1, -1), 'i'));
      else this.exact.add(normalizeKey(k));
    }
    this.allow = new Set(allowKeys);
    // an extra key is found by any of its words: `x-acme-session` by `session`
    const words = [...new Set([...FRAGMENTS, ...extraKeys.filter((k) => !k.startsWith('/')).flatMap((k) => normalizeKey(k).split('_').filter((w) => w.length >= 3))])];
    // one case-insensitive pass, no lower-cased copy of the text (`u`: Unicode case folding, so the Kelvin sign in `api_\u212Aey` still counts as `k`, as toLowerCase did)
    this.fragments = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'iu');
  }

  /** Whether a text may hold a sensitive key at all (a cheap test before walking JSON for key rules). */
  mayMatch(text: string): boolean {
    if (this.patterns.length > 0) return true;
    return this.fragments.test(text);
  }

  /** Whether a key's values are never analysed (allowlisted by the policy). */
  allowed(key: string): boolean {
    return this.allow.has(key);
  }

  /** Whether the value under `key` is a secret as a whole. */
  sensitive(key: string): boolean {
    let r = this.seen.get(key);
    if (r !== undefined) return r;
    r = this.judge(key);
    if (key.length <= 256) {
      if (this.seen.size >= 10_000) this.seen.clear();
      this.seen.set(key, r);
    }
    return r;
  }

  private judge(key: string): boolean {
    if (this.allow.has(key)) return false;
    const segment = lastSegment(key);
    if (this.exact.has(segment) || SENSITIVE_SUFFIX.test(segment)) return true;
    return this.patterns.some((p) => p.test(key));
  }
}

/** `http.request.header.X-Api-Key` → `x_api_key`; `gen_ai.usage.input_tokens` → `input_tokens`. */
function lastSegment(key: string): string {
  const i = key.lastIndexOf('.');
  return normalizeKey(i >= 0 ? key.slice(i + 1) : key);
}

export function normalizeKey(k: string): string {
  return k
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\-.\s]/g, '_');
}
