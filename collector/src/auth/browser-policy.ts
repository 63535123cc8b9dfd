// What a browser may do to the API port. DNS rebinding: only allowlisted Host names are served.
// CSRF: a state-changing request must be JSON (a cross-site form or no-cors fetch cannot send
// application/json without a CORS preflight we never grant) and, when a browser says where it
// comes from (Origin, Sec-Fetch-Site), come from this origin. Headers: CSP without inline
// script, no framing, no sniffing, no referrer.

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** The host name of a Host header (port and IPv6 brackets removed), lower-case. */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export function isLoopbackAddress(host: string): boolean {
  const h = hostName(host);
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A Host the API port answers: an allowlisted name (any port). */
export function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  const h = hostName(host);
  return h !== '' && (allowed.has(h) || allowed.has('*'));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a request that changes state is refused, or undefined when it may go on. `selfOrigins` are
 * this server's origins (scheme://host[:port] as browsers write them).
 */
export function writeRefusal(method: string, h: { contentType?: string; origin?: string; secFetchSite?: string; host?: string }, publicOrigins: ReadonlySet<string>, scheme: string): { status: 403 | 415; message: string } | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  const type = (h.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, message: 'state-changing requests must be Content-Type: application/json' };
  if (h.secFetchSite && h.secFetchSite !== 'same-origin' && h.secFetchSite !== 'none') return { status: 403, message: 'cross-site request refused' };
  if (h.origin !== undefined) {
    const own = `${scheme}://${(h.host ?? '').toLowerCase()}`;
    if (h.origin.toLowerCase() !== own && !publicOrigins.has(h.origin.toLowerCase())) return { status: 403, message: 'cross-origin request refused' };
  }
  return undefined;
}
