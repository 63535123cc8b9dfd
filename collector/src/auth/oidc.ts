// OpenID Connect for people: the explorer's sign-in (authorization code + PKCE, through
// openid-client) and bearer JWTs on the API (signature by the issuer's JWKS, issuer, audience
// and expiry checked by jose). A configurable claim (default `groups`) maps to tenant and role.
import { randomBytes } from 'node:crypto';
import { type Role, isRole } from '@causeway/schemas';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { Principal } from './principal.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** `aud` a bearer JWT must carry; default the client id */
  audience?: string;
  scopes: string;
  /** the claim whose values grant tenant + role */
  claim: string;
  /** claim value → grant(s); values of the form `causeway:<tenant>:<role>` need no entry */
  groups: Record<string, Grant | Grant[]>;
}

export interface Grant {
  tenant: string;
  role: Role;
}

export class OidcError extends Error {}

interface Transaction {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  redirectUri: string;
  expiresAt: number;
}

const TX_TTL_MS = 10 * 60_000;
const MAX_TX = 10_000;

export class Oidc {
  private discovered: Promise<client.Configuration> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly transactions = new Map<string, Transaction>();

  constructor(readonly settings: OidcSettings) {}

  get issuerHost(): string {
    return new URL(this.settings.issuer).host;
  }

  /** Discovery, cached; a failure is retried on the next call (the IdP may start after us). */
  configuration(): Promise<client.Configuration> {
    this.discovered ??= (async () => {
      const s = this.settings;
      const url = new URL(s.issuer);
      // Plain HTTP only for an IdP on this machine (tests, development).
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      const auth = s.clientSecret ? client.ClientSecretPost(s.clientSecret) : client.None();
      return client.discovery(url, s.clientId, s.clientSecret ? { client_secret: s.clientSecret } : undefined, auth, loopback ? { execute: [client.allowInsecureRequests] } : {});
    })();
    return this.discovered.catch((e: Error) => {
      this.discovered = undefined;
      throw new OidcError(`identity provider ${this.settings.issuer} is unreachable: ${e.message}`);
    });
  }

  /** Where to send the browser, and the id of the transaction (kept in a short-lived cookie). */
  async begin(next: string, redirectUri: string): Promise<{ url: string; txId: string }> {
    const config = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const tx: Transaction = { verifier, state: client.randomState(), nonce: client.randomNonce(), next, redirectUri, expiresAt: Date.now() + TX_TTL_MS };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: tx.state,
      nonce: tx.nonce,
    });
    this.sweep();
    const txId = randomBytes(24).toString('base64url');
    this.transactions.set(txId, tx);
    return { url: url.href, txId };
  }

  /** The callback: code → tokens (PKCE, state, nonce checked) → the person's claims and grants. */
  async finish(callbackUrl: URL, txId: string | undefined): Promise<{ claims: JWTPayload; next: string }> {
    const tx = txId ? this.transactions.get(txId) : undefined;
    if (txId) this.transactions.delete(txId);
    if (!tx || tx.expiresAt < Date.now()) throw new OidcError('the sign-in expired or was not started here; start again');
    const config = await this.configuration();
    // The redirect URI the IdP checks is the one we sent, whatever Host the callback came through.
    const current = new URL(tx.redirectUri);
    current.search = callbackUrl.search;
    const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce, idTokenExpected: true });
    let claims: JWTPayload = { ...(tokens.claims() ?? {}) };
    // Many IdPs put scope claims (groups, email) only in userinfo.
    if (claims[this.settings.claim] === undefined && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
      const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims };
    }
    return { claims, next: tx.next };
  }

  /** A bearer JWT on the API: signature, issuer, audience, expiry; then the grants of its claim. */
  async verifyBearer(jwt: string): Promise<JWTPayload> {
    const config = await this.configuration();
    const meta = config.serverMetadata();
    if (!meta.jwks_uri) throw new OidcError('the identity provider publishes no JWKS');
    this.jwks ??= createRemoteJWKSet(new URL(meta.jwks_uri));
    try {
      const { payload } = await jwtVerify(jwt, this.jwks, { issuer: meta.issuer, audience: this.settings.audience ?? this.settings.clientId, requiredClaims: ['exp', 'sub'] });
      return payload;
    } catch (e) {
      throw new OidcError(`bearer token refused: ${(e as Error).message}`);
    }
  }

  /** What the claim grants: explicit mappings, then `causeway:<tenant>:<role>` values. */
  grantsOf(claims: JWTPayload): Grant[] {
    const raw = claims[this.settings.claim];
    const values = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : [];
    const out: Grant[] = [];
    for (const v of values) {
      const mapped = this.settings.groups[v];
      if (mapped) out.push(...(Array.isArray(mapped) ? mapped : [mapped]));
      const m = /^causeway:([A-Za-z0-9_.-]{1,64}):([a-z]+)$/.exec(v);
      if (m && isRole(m[2])) out.push({ tenant: m[1]!, role: m[2] });
    }
    return out.filter((g) => isRole(g.role) && /^[A-Za-z0-9_.-]{1,64}$/.test(g.tenant));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, t] of this.transactions) if (t.expiresAt < now || this.transactions.size > MAX_TX) this.transactions.delete(k);
  }
}

const RANK: Record<Role, number> = { ingest: 0, viewer: 1, responder: 2, compliance: 3, admin: 4 };

/**
 * A person as a principal in one tenant: the tenant asked for (among those granted) or the first
 * granted; the highest role granted there. Undefined when nothing is granted.
 */
export function personPrincipal(kind: 'session' | 'jwt', claims: JWTPayload, grants: Grant[], tenant?: string): (Principal & { grants: Grant[] }) | undefined {
  const tenants = [...new Set(grants.map((g) => g.tenant))];
  const chosen = tenant && tenants.includes(tenant) ? tenant : tenants[0];
  if (!chosen) return undefined;
  const role = grants.filter((g) => g.tenant === chosen).reduce<Role>((best, g) => (RANK[g.role] > RANK[best] ? g.role : best), 'ingest');
  const str = (k: string): string | undefined => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
  const sub = String(claims.sub ?? '');
  return { kind, id: sub, name: str('email') ?? str('preferred_username') ?? str('name') ?? sub, tenant: chosen, role, tenants, services: [], agents: [], grants };
}
