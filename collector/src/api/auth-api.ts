// Signing in and out: the explorer's OIDC sign-in (GET /auth/login → the IdP → GET /auth/callback),
// a session from an API key or the one-time link printed at start (POST /api/auth/session),
// POST /api/auth/signout, GET /api/auth/me. Sessions live in an HttpOnly, SameSite cookie.
import type { ApiError, AuthConfigResponse, WhoAmIResponse } from '@causeway/schemas';
import { ROLE_PERMISSIONS } from '@causeway/schemas';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuditLog } from '../auth/audit.ts';
import type { ApiAuthenticator } from '../auth/authenticate.ts';
import type { CredentialStore } from '../auth/credential-store.ts';
import { type Oidc, OidcError, personPrincipal } from '../auth/oidc.ts';
import type { Principal } from '../auth/principal.ts';
import { SESSION_COOKIE, type SignInCodes, type Sessions } from '../auth/sessions.ts';
import { type GuardContext, type GuardEnv, clientOf } from './guard.ts';

const TX_COOKIE = 'causeway_oidc';

export interface AuthApiOptions {
  credentials: CredentialStore;
  authenticator: ApiAuthenticator;
  sessions: Sessions;
  codes: SignInCodes;
  oidc: Oidc | undefined;
  audit: AuditLog;
  defaultTenant: string;
  /** CAUSEWAY_PUBLIC_URL: the explorer's address as the IdP redirects to it */
  publicUrl: string | undefined;
}

export function authApi(o: AuthApiOptions): Hono<GuardEnv> {
  const app = new Hono<GuardEnv>();
  const secure = (c: GuardContext): boolean => (o.publicUrl ?? c.req.url).startsWith('https:');
  const openSession = (c: GuardContext, p: Principal): number => {
    const s = o.sessions.open(p);
    setCookie(c, SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: secure(c), maxAge: Math.floor((s.expiresAt - Date.now()) / 1000) });
    return s.expiresAt;
  };

  app.get('/auth/config', (c) => c.json<AuthConfigResponse>({ oidc: !!o.oidc, ...(o.oidc ? { provider: o.oidc.issuerHost } : {}) }));

  app.get('/auth/login', async (c) => {
    if (!o.oidc) return c.json<ApiError>({ error: 'no identity provider is configured (CAUSEWAY_OIDC_ISSUER)' }, 404);
    const redirectUri = `${(o.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '')}/auth/callback`;
    try {
      const { url, txId } = await o.oidc.begin(safeNext(c.req.query('next')), redirectUri);
      setCookie(c, TX_COOKIE, txId, { httpOnly: true, sameSite: 'Lax', path: '/auth', secure: secure(c), maxAge: 600 });
      return c.redirect(url, 302);
    } catch (e) {
      if (e instanceof OidcError) return c.json<ApiError>({ error: e.message }, 502);
      throw e;
    }
  });

  app.get('/auth/callback', async (c) => {
    if (!o.oidc) return c.json<ApiError>({ error: 'no identity provider is configured' }, 404);
    const tx = getCookie(c, TX_COOKIE);
    deleteCookie(c, TX_COOKIE, { path: '/auth' });
    let claims;
    let next = '/';
    try {
      ({ claims, next } = await o.oidc.finish(new URL(c.req.url), tx));
    } catch (e) {
      o.audit.refused({ tenant: o.defaultTenant, action: 'auth.refused', target: 'oidc sign-in', status: 401, detail: (e as Error).message, ...clientOf(c) });
      return c.json<ApiError>({ error: `sign-in failed: ${(e as Error).message}` }, 401);
    }
    const p = personPrincipal('session', claims, o.oidc.grantsOf(claims));
    if (!p) {
      o.audit.refused({ tenant: o.defaultTenant, actor: { kind: 'session', id: String(claims.sub ?? ''), name: String(claims.email ?? claims.sub ?? '') }, action: 'auth.refused', target: 'oidc sign-in', status: 403, detail: `no grant in claim ${o.oidc.settings.claim}`, ...clientOf(c) });
      return c.json<ApiError>({ error: `your account has no Causeway role: its "${o.oidc.settings.claim}" claim grants none` }, 403);
    }
    openSession(c, p);
    await o.audit.record({ tenant: p.tenant, principal: p, action: 'auth.signin', target: 'oidc', status: 302, detail: `via ${o.oidc.issuerHost}`, ...clientOf(c) });
    return c.redirect(next, 302);
  });

  app.post('/api/auth/session', async (c) => {
    let body: { token?: unknown; code?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"token": "<API key>"} or {"code": "<one-time sign-in code>"}' }, 400);
    }
    let r;
    let via: string;
    if (typeof body.code === 'string') {
      const id = o.codes.redeem(body.code);
      r = id ? o.authenticator.credential(id) : ({ ok: false, status: 401, reason: 'bad sign-in code', message: 'this sign-in link was used already or has expired' } as const);
      via = 'one-time link';
    } else if (typeof body.token === 'string') {
      r = await o.authenticator.authenticate({ authorization: `Bearer ${body.token}` });
      via = 'API key';
    } else return c.json<ApiError>({ error: 'give "token" (an API key) or "code" (from the sign-in link)' }, 400);
    if (!r.ok) {
      o.audit.refused({ tenant: r.principal?.tenant ?? o.defaultTenant, principal: r.principal, action: 'auth.refused', target: 'sign-in', status: r.status, detail: `${via}: ${r.reason}`, ...clientOf(c) });
      return c.json<ApiError>({ error: r.message }, r.status);
    }
    const p: Principal = { ...r.principal, kind: 'session', credentialId: r.principal.id };
    const expiresAt = openSession(c, p);
    await o.audit.record({ tenant: p.tenant, principal: p, action: 'auth.signin', target: via, status: 200, ...clientOf(c) });
    return c.json<WhoAmIResponse>(whoAmI(p, expiresAt));
  });

  app.post('/api/auth/signout', async (c) => {
    const p = c.var.principal;
    const id = c.var.sessionId;
    if (id) o.sessions.close(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    await o.audit.record({ tenant: p.tenant, principal: p, action: 'auth.signout', target: '', status: 200, ...clientOf(c) });
    return c.json({ signedOut: true });
  });

  app.get('/api/auth/me', (c) => {
    const id = c.var.sessionId;
    return c.json<WhoAmIResponse>(whoAmI(c.var.principal, id ? o.sessions.get(id)?.expiresAt : undefined));
  });

  return app;
}

function whoAmI(p: Principal, expiresAt: number | undefined): WhoAmIResponse {
  return { kind: p.kind, id: p.id, name: p.name, tenant: p.tenant, role: p.role, tenants: p.tenants, permissions: [...ROLE_PERMISSIONS[p.role]], ...(expiresAt ? { expiresAt } : {}) };
}

/** Only a path on this site: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next.slice(0, 2000) : '/';
}
