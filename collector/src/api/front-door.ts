// The API port as one app: the guard (headers, Host, CSRF, authentication, permissions, the
// access audit), the sign-in and admin routes, then the evidence routes of the caller's tenant,
// then the explorer's files. The tenant of every read is the authenticated principal's: the
// request is handed to that tenant's routes (built once per tenant), so no read can name
// another tenant.
import type { HttpBindings } from '@hono/node-server';
import type { HealthResponse } from '@causeway/schemas';
import { roleAllows } from '@causeway/schemas';
import { Hono } from 'hono';
import type { AuditLog } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AuditQueries } from '../store/audit-queries.ts';
import { type AuthApiOptions, authApi } from './auth-api.ts';
import { auditApi } from './audit-api.ts';
import { credentialsApi } from './credentials-api.ts';
import { EXPLORER_DIST, explorerApp } from './explorer-app.ts';
import { type GuardEnv, type GuardOptions, guard } from './guard.ts';

export interface FrontDoorOptions {
  guard: GuardOptions;
  auth: AuthApiOptions | undefined;
  audit: AuditLog;
  auditQueries: AuditQueries;
  health: () => HealthResponse;
  /** resolves when audit events written so far are readable (bounded wait) */
  settleAudit: () => Promise<void>;
  /** the evidence routes (traces, provenance, incidents, bundles, ledger, search) of one tenant */
  tenantRoutes: (tenant: string) => Hono<{ Bindings: HttpBindings & { principal?: Principal } }>;
}

export function frontDoor(o: FrontDoorOptions): Hono<GuardEnv> {
  const app = new Hono<GuardEnv>();
  app.use('*', guard(o.guard));
  // Liveness and store state for anyone; what was redacted (counts per rule, every tenant) only
  // for a caller whose credentials allow reading.
  app.get('/healthz', async (c) => {
    const { redaction, ...h } = o.health();
    const auth = c.req.header('authorization');
    const who = o.guard.open ? { ok: true as const, principal: o.guard.open } : auth && o.guard.authenticator ? await o.guard.authenticator.authenticate({ authorization: auth }) : undefined;
    return c.json(who?.ok && roleAllows(who.principal.role, 'read') ? { ...h, redaction } : h);
  });
  if (o.auth) {
    app.route('/', authApi(o.auth));
    app.route('/', credentialsApi(o.auth.credentials, o.audit));
  }
  app.route('/', auditApi(o.auditQueries, o.settleAudit));

  const tenants = new Map<string, ReturnType<FrontDoorOptions['tenantRoutes']>>();
  app.all('/api/*', (c) => {
    const p = c.var.principal;
    let routes = tenants.get(p.tenant);
    if (!routes) tenants.set(p.tenant, (routes = o.tenantRoutes(p.tenant)));
    return routes.fetch(c.req.raw, { ...c.env, principal: p });
  });
  app.route('/', explorerApp(EXPLORER_DIST));
  return app;
}
