// Server-side sessions for people in the explorer: the cookie holds only a random id; the
// principal stays here (in memory: a restart signs everyone out). One-time sign-in codes (the
// link printed at start) open a session for a credential once, within minutes.
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from './principal.ts';

export const SESSION_COOKIE = 'causeway_session';

interface Session {
  principal: Principal;
  expiresAt: number;
}

const MAX_SESSIONS = 10_000;
const key = (id: string): string => createHash('sha256').update(id).digest('hex');

export class Sessions {
  private readonly byKey = new Map<string, Session>();

  constructor(private readonly ttlMs: number) {}

  /** A new session; the returned id goes in the cookie. */
  open(principal: Principal): { id: string; expiresAt: number } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.ttlMs;
    this.byKey.set(key(id), { principal, expiresAt });
    return { id, expiresAt };
  }

  get(id: string | undefined): (Session & { id: string }) | undefined {
    if (!id || id.length > 100) return undefined;
    const s = this.byKey.get(key(id));
    if (!s) return undefined;
    if (s.expiresAt <= Date.now()) {
      this.byKey.delete(key(id));
      return undefined;
    }
    return { ...s, id };
  }

  close(id: string): void {
    this.byKey.delete(key(id));
  }

  private sweep(): void {
    const now = Date.now();
    if (this.byKey.size < MAX_SESSIONS) return;
    for (const [k, s] of this.byKey) if (s.expiresAt <= now) this.byKey.delete(k);
    // still full: the oldest go first (Map keeps insertion order)
    for (const k of this.byKey.keys()) {
      if (this.byKey.size < MAX_SESSIONS) break;
      this.byKey.delete(k);
    }
  }
}

/** Single-use sign-in codes for a credential, valid for `ttlMs`. */
export class SignInCodes {
  private readonly codes = new Map<string, { credentialId: string; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  issue(credentialId: string): string {
    const code = randomBytes(24).toString('base64url');
    for (const [k, v] of this.codes) if (v.expiresAt <= Date.now()) this.codes.delete(k);
    this.codes.set(key(code), { credentialId, expiresAt: Date.now() + this.ttlMs });
    return code;
  }

  /** The credential id, once; undefined for an unknown, used or expired code. */
  redeem(code: string): string | undefined {
    if (typeof code !== 'string' || code.length > 100) return undefined;
    const k = key(code);
    const c = this.codes.get(k);
    this.codes.delete(k);
    return c && c.expiresAt > Date.now() ? c.credentialId : undefined;
  }
}
