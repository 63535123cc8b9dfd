// Who is calling the API: a Causeway token (API key), an IdP's bearer JWT, or an explorer
// session cookie. Nothing else names a caller: no header, no body field.
import type { CredentialStore } from './credential-store.ts';
import { type Oidc, OidcError, personPrincipal } from './oidc.ts';
import { type Principal, credentialPrincipal } from './principal.ts';
import type { Sessions } from './sessions.ts';
import { bearerOf, looksLikeToken } from './token.ts';

export type ApiAuthResult = { ok: true; principal: Principal; sessionId?: string } | { ok: false; status: 401 | 403; reason: string; message: string; principal?: Principal };

export interface CallerProof {
  authorization?: string;
  /** the session cookie's value */
  session?: string;
  /** a tenant to act in, among those the principal was granted (people with several) */
  tenant?: string;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export class ApiAuthenticator {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly sessions: Sessions,
    private readonly oidc: Oidc | undefined,
  ) {}

  async authenticate(proof: CallerProof): Promise<ApiAuthResult> {
    const bearer = bearerOf(proof.authorization);
    if (proof.authorization && !bearer) return refuse(401, 'malformed authorization', 'Authorization must be "Bearer <token>"');
    if (bearer) return this.bearer(bearer, proof.tenant);
    if (proof.session) return this.session(proof.session, proof.tenant);
    return refuse(401, 'no credentials', 'sign in, or send Authorization: Bearer <API key or IdP token>');
  }

  /** A credential's principal for the API (ingest credentials read nothing). */
  credential(id: string): ApiAuthResult {
    const c = this.credentials.get(id);
    if (!c || c.revokedAt) return refuse(401, 'revoked token', 'invalid or revoked token');
    return readerOnly(credentialPrincipal(c));
  }

  private async bearer(token: string, tenant: string | undefined): Promise<ApiAuthResult> {
    if (looksLikeToken(token)) {
      const r = this.credentials.authenticate(token);
      if (!r.ok) return refuse(401, `${r.reason} token`, 'invalid or revoked token');
      this.credentials.touch(r.credential.id);
      return readerOnly(credentialPrincipal(r.credential));
    }
    if (!this.oidc || !JWT.test(token)) return refuse(401, 'unknown token', 'invalid or revoked token');
    try {
      const claims = await this.oidc.verifyBearer(token);
      const p = personPrincipal('jwt', claims, this.oidc.grantsOf(claims), tenant);
      if (!p) return refuse(403, 'no grant', `the token's ${this.oidc.settings.claim} claim grants no Causeway role`);
      return readerOnly(p);
    } catch (e) {
      if (e instanceof OidcError) return refuse(401, 'invalid jwt', e.message);
      throw e;
    }
  }

  private session(id: string, tenant: string | undefined): ApiAuthResult {
    const s = this.sessions.get(id);
    if (!s) return refuse(401, 'no session', 'your session ended: sign in again');
    let p = s.principal;
    if (p.credentialId) {
      // a session opened with a credential ends when the credential is revoked
      const r = this.credential(p.credentialId);
      if (!r.ok) {
        this.sessions.close(id);
        return r;
      }
      p = { ...r.principal, kind: 'session', credentialId: p.credentialId };
    } else if (tenant && tenant !== p.tenant && 'grants' in p) {
      const other = personPrincipal('session', {}, (p as Principal & { grants: [] }).grants, tenant);
      if (other) p = { ...other, id: p.id, name: p.name };
    }
    return { ok: true, principal: p, sessionId: id };
  }
}

function refuse(status: 401 | 403, reason: string, message: string, principal?: Principal): ApiAuthResult {
  return { ok: false, status, reason, message, ...(principal ? { principal } : {}) };
}

function readerOnly(p: Principal): ApiAuthResult {
  if (p.role === 'ingest') return refuse(403, 'ingest credential on the API', 'an ingest credential may only send telemetry', p);
  return { ok: true, principal: p };
}
