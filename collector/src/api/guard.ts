// The API port's front door, in order: security headers; the Host allowlist (DNS rebinding);
// JSON + same-origin for anything that changes state (CSRF); authentication; the route's
// permission from the one table (auth/route-permissions.ts); then, after the route answered,
// its access-audit event, durable before the answer leaves (a read that cannot be audited is
// not served).
import type { HttpBindings } from '@hono/node-server';
import type { ApiError } from '@causeway/schemas';
import { roleAllows } from '@causeway/schemas';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuditLog } from '../auth/audit.ts';
import type { ApiAuthenticator } from '../auth/authenticate.ts';
import { SECURITY_HEADERS, hostAllowed, writeRefusal } from '../auth/browser-policy.ts';
import type { Principal } from '../auth/principal.ts';
import { type MatchedRoute, matchRoute } from '../auth/route-permissions.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { traceIdsShown } from './trace-ids-shown.ts';

export interface GuardVars {
  principal: Principal;
  route: MatchedRoute;
  sessionId: string;
}

export type GuardEnv = { Bindings: HttpBindings; Variables: GuardVars };
export type GuardContext = Context<GuardEnv>;

export interface GuardOptions {
  /** absent only when authentication is off (`open`) */
  authenticator?: ApiAuthenticator;
  audit: AuditLog;
  allowedHosts: ReadonlySet<string>;
  /** origins this server is reached at besides its Host (CAUSEWAY_PUBLIC_URL) */
  publicOrigins: ReadonlySet<string>;
  /** refused attempts naming no tenant are recorded under this one */
  defaultTenant: string;
  /** authentication off (CAUSEWAY_AUTH=off, loopback only): every caller is this principal */
  open?: Principal;
  log: (msg: string) => void;
}

export const clientOf = (c: GuardContext): { clientAddress: string; userAgent: string } => ({
  clientAddress: c.env?.incoming?.socket.remoteAddress ?? '',
  userAgent: c.req.header('user-agent') ?? '',
});

export function guard(o: GuardOptions): MiddlewareHandler<GuardEnv> {
  const inner = door(o);
  return async (c, next) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    const early = await inner(c, next);
    // a response a route built itself (a Response, another app's answer) gets them too
    let res = early ?? c.res;
    if (Object.keys(SECURITY_HEADERS).some((k) => !res.headers.has(k))) {
      res = new Response(res.body, res); // headers of some responses are immutable: copy
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!res.headers.has(k)) res.headers.set(k, v);
      if (early) return res;
      c.res = undefined as unknown as Response; // replace rather than merge
      c.res = res;
    }
    return early;
  };
}

function door(o: GuardOptions): (c: GuardContext, next: () => Promise<void>) => Promise<Response | undefined> {
  return async (c, next) => {
    // (served by Node, the URL's host is the Host header; a Request built in process has only the URL)
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!hostAllowed(host, o.allowedHosts)) {
      return c.json<ApiError>({ error: 'this Host is not served here (set CAUSEWAY_ALLOWED_HOSTS to allow it)' }, 403);
    }
    const route = matchRoute(c.req.method, c.req.path);
    const isApi = c.req.path.startsWith('/api/');
    // a request that would change state must be JSON from this origin (an unknown route changes nothing: 404 below)
    const scheme = new URL(c.req.url).protocol.replace(':', '');
    const refusal = writeRefusal(
      c.req.method,
      { contentType: c.req.header('content-type'), origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site'), host },
      o.publicOrigins,
      scheme,
    );
    if (route && refusal) {
      o.audit.refused({ tenant: o.defaultTenant, action: 'auth.refused', target: `${c.req.method} ${c.req.path}`, status: refusal.status, detail: refusal.message, ...clientOf(c) });
      return c.json<ApiError>({ error: refusal.message }, refusal.status);
    }

    if (!route && !isApi) return void (await next()); // the explorer's files: no data in them
    if (route?.rule.permission === 'public') {
      c.set('route', route);
      return void (await next());
    }

    let principal: Principal;
    if (o.open) principal = o.open;
    else {
      if (!o.authenticator) throw new Error('no authenticator');
      const r = await o.authenticator.authenticate({ authorization: c.req.header('authorization'), session: getCookie(c, SESSION_COOKIE), tenant: c.req.header('x-causeway-tenant') });
      if (!r.ok) {
        o.audit.refused({ tenant: r.principal?.tenant ?? o.defaultTenant, principal: r.principal, action: 'auth.refused', target: `${c.req.method} ${c.req.path}`, status: r.status, detail: r.reason, ...clientOf(c) });
        if (r.status === 401) c.header('WWW-Authenticate', 'Bearer realm="causeway"');
        return c.json<ApiError>({ error: r.message }, r.status);
      }
      principal = r.principal;
      if (r.sessionId) c.set('sessionId', r.sessionId);
    }
    if (!route) return c.json<ApiError>({ error: `no API route ${c.req.method} ${c.req.path}` }, 404);
    const need = route.rule.permission;
    if (need !== 'signed-in' && !roleAllows(principal.role, need)) {
      o.audit.refused({ tenant: principal.tenant, principal, action: 'auth.refused', target: `${c.req.method} ${c.req.path}`, status: 403, detail: `role ${principal.role} lacks ${need}`, ...clientOf(c) });
      return c.json<ApiError>({ error: `your role (${principal.role}) does not allow this (${need} needed)` }, 403);
    }
    c.set('principal', principal);
    c.set('route', route);
    await next();

    if (!route.rule.audit) return undefined;
    try {
      await o.audit.record({
        tenant: principal.tenant,
        principal,
        action: route.rule.audit,
        target: targetOf(c, route),
        traceId: route.params.traceId ?? c.req.query('trace') ?? '',
        traceIds: c.res.status === 200 ? await traceIdsShown(route.rule.audit, c.res) : [],
        status: c.res.status,
        ...clientOf(c),
      });
    } catch (e) {
      o.log(`access audit could not be written, answer withheld: ${(e as Error).message}`);
      c.res = c.json<ApiError>({ error: 'the access audit could not be written; retry later' }, 503);
      c.header('Retry-After', '1');
    }
    return undefined;
  };
}

/** What the request was about, for the audit (ids from the path, else the query string). */
function targetOf(c: GuardContext, route: MatchedRoute): string {
  const ids = Object.values(route.params);
  if (ids.length > 0) return ids.join('/');
  const q = new URL(c.req.url).search;
  return q ? decodeSafe(q.slice(1)) : '';
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}
