// Causeway tokens: `cw_<id>_<secret>`, id = 16 hex (public: listed, audited), secret = 256
// random bits (base64url). Only SHA-256(secret) is stored: with 256 random bits a fast hash is
// enough (nothing to brute-force), and lookups stay O(1) by id.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^cw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  id: string;
  token: string;
  secretSha256: string;
}

export function newToken(): NewToken {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `cw_${id}_${secret}`, secretSha256: secretHash(secret) };
}

/** The id and secret of a well-formed token; undefined for anything else. */
export function parseToken(s: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(s);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function looksLikeToken(s: string): boolean {
  return s.startsWith('cw_');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(storedSha256: string, secret: string): boolean {
  const a = Buffer.from(storedSha256, 'hex');
  const b = Buffer.from(secretHash(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <x>` → x (scheme case-insensitive, RFC 6750). */
export function bearerOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization);
  return m?.[1];
}
