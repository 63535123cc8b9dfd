// Who is asking, for which tenant: resolved once per request, before any route runs, by the
// resolver the API is built with. Routes read the scope as c.var.scope and the tenant's reads
// as c.var.reads, so every read takes its tenant from here and nowhere else. Today the resolver
// answers the configured tenant; authentication replaces only the resolver (it may throw an
// HttpError 401/403), and its principal becomes the actor of what a request records.
import type { Context, MiddlewareHandler } from 'hono';
import type { Reads } from '../store/reads/index.ts';

/** An authenticated caller (set by the authentication resolver; absent until then). */
export interface Principal {
  /** stable id (e.g. the IdP's subject) */
  id: string;
  /** shown as the actor of incidents and exports */
  name: string;
}

export interface Scope {
  tenant: string;
  principal?: Principal;
}

export type ScopeResolver = (c: Context) => Scope | Promise<Scope>;

/** Hono's typing of what the scope middleware puts on every API request. */
export interface ApiEnv {
  Variables: { scope: Scope; reads: Reads };
}

/** Every request reads the one tenant the collector is configured with (`tenant`, CAUSEWAY_TENANT). */
export function configuredTenant(tenant: string): ScopeResolver {
  const scope: Scope = Object.freeze({ tenant });
  return () => scope;
}

/** Resolves the scope and hands the route the reads of its tenant. */
export function scopeMiddleware(resolve: ScopeResolver, readsFor: (tenant: string) => Reads): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const scope = await resolve(c);
    c.set('scope', scope);
    c.set('reads', readsFor(scope.tenant));
    await next();
  };
}

/**
 * Who performs what a request records (an incident event, an export): the authenticated
 * principal when there is one; until then the client's own claim (a body field, else the
 * X-Causeway-User header), else "anonymous". At most 200 characters.
 */
export function actorOf(c: Context<ApiEnv>, claimed?: unknown): string {
  const p = c.var.scope.principal;
  if (p) return p.name.slice(0, 200);
  return (typeof claimed === 'string' && claimed ? claimed : (c.req.header('x-causeway-user') ?? 'anonymous')).slice(0, 200);
}
