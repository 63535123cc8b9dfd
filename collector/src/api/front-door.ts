// The API port as one app: the guard (security headers, Host, CSRF, authentication, the route's
// permission from the one table, the access audit), the sign-in and credential routes, then the
// API (api/app.ts) whose scope resolver takes the request's tenant and actor from the guard's
// principal and nowhere else.
import { roleAllows } from '@causeway/schemas';
import { Hono } from 'hono';
import type { AuditLog } from '../auth/audit.ts';
import { type ApiDeps, apiApp, errorResponse } from './app.ts';
import { type AuthApiOptions, authApi } from './auth-api.ts';
import { compression } from './compression.ts';
import { credentialsApi } from './credentials-api.ts';
import { type GuardEnv, type GuardOptions, guard } from './guard.ts';

export interface FrontDoorOptions {
  guard: GuardOptions;
  /** the sign-in routes; absent when authentication is off */
  auth: AuthApiOptions | undefined;
  audit: AuditLog;
  /**
   * The tenant whose admin operates the process (CAUSEWAY_TENANT, whose credentials the first
   * start creates): only that admin sees /healthz's process-wide figures.
   */
  operatorTenant: string;
  /** everything the API needs but who is asking (that comes from the guard) */
  api: Omit<ApiDeps, 'resolveScope' | 'showRedaction' | 'audit'>;
}

export function frontDoor(o: FrontDoorOptions): Hono<GuardEnv> {
  const app = new Hono<GuardEnv>();
  app.onError((err, c) => errorResponse(err, c, o.api.log));
  app.use('*', compression());
  app.use('*', guard(o.guard));
  if (o.auth) {
    app.route('/', authApi(o.auth));
    app.route('/', credentialsApi(o.auth.credentials, o.audit));
  }
  const api = apiApp({
    ...o.api,
    audit: o.audit,
    // The one place a request's tenant comes from: the principal the guard authenticated.
    resolveScope: (c) => {
      const p = (c as unknown as { var: GuardEnv['Variables'] }).var.principal;
      if (!p) throw new Error('no principal: the guard did not run');
      return { tenant: p.tenant, principal: p };
    },
    // /healthz's process-wide figures (what redaction replaced in every tenant, memory, each ingest
    // worker) only for the operator: another tenant's admin or any reader learns nothing of other
    // tenants' traffic from them (a tenant's own redactions: GET /api/redactions).
    showRedaction: async (c) => {
      if (o.guard.open) return true;
      const auth = c.req.header('authorization');
      if (!auth || !o.guard.authenticator) return false;
      const who = await o.guard.authenticator.authenticate({ authorization: auth });
      return who.ok && who.principal.tenant === o.operatorTenant && roleAllows(who.principal.role, 'credentials');
    },
  });
  app.route('/', api);
  return app;
}
