// Key rules: a value stored under a sensitive key (an attribute key, a JSON object key, a
// header name) is replaced whole, whatever it looks like.

/** Default sensitive keys, matched against the last segment of a key, normalized (lowercase, - and . as _). */
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
];

// Suffixes that make any key sensitive: db_password, stripe_secret_key, github_api_key.
const SENSITIVE_SUFFIX = /(?:^|_)(?:password|passwd|secret|secret_key|api_key|apikey|private_key|access_token|refresh_token|auth_token|client_secret)$/;

export class KeyRules {
  private readonly exact: Set<string>;
  private readonly patterns: RegExp[];
  private readonly allow: Set<string>;

  constructor(extraKeys: string[] = [], allowKeys: string[] = []) {
    this.exact = new Set(DEFAULT_SENSITIVE_KEYS.map(normalizeKey));
    this.patterns = [];
    for (const k of extraKeys) {
      if (k.startsWith('/') && k.endsWith('/') && k.length > 2) this.patterns.push(new RegExp(k.slice(1, -1), 'i'));
      else this.exact.add(normalizeKey(k));
    }
    this.allow = new Set(allowKeys);
  }

  /** Whether a key's values are never analysed (allowlisted by the policy). */
  allowed(key: string): boolean {
    return this.allow.has(key);
  }

  /** Whether the value under `key` is a secret as a whole. */
  sensitive(key: string): boolean {
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

function normalizeKey(k: string): string {
  return k.toLowerCase().replace(/[\-.\s]/g, '_');
}
