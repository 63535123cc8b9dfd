// Credentials through the API (admin): list, create, revoke — within the admin's own tenant.
// The CLI (`causeway token …`) does the same for any tenant, with or without a running collector.
import type { ApiError, CreatedCredentialResponse, CredentialListResponse } from '@causeway/schemas';
import { isRole } from '@causeway/schemas';
import { Hono } from 'hono';
import type { AuditLog } from '../auth/audit.ts';
import type { CredentialStore } from '../auth/credential-store.ts';
import { type GuardEnv, clientOf } from './guard.ts';

export function credentialsApi(store: CredentialStore, audit: AuditLog): Hono<GuardEnv> {
  const app = new Hono<GuardEnv>();
  const actor = (p: GuardEnv['Variables']['principal']): string => `${p.kind}:${p.id} (${p.name})`;

  app.get('/api/credentials', (c) => c.json<CredentialListResponse>({ credentials: store.list(c.var.principal.tenant) }));

  app.post('/api/credentials', async (c) => {
    const p = c.var.principal;
    let b: { role?: unknown; name?: unknown; services?: unknown; agents?: unknown };
    try {
      b = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"role": "ingest", "name": "…", "services": ["…"], "agents": ["…"]}' }, 400);
    }
    const strings = (v: unknown): v is string[] | undefined => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
    if (!isRole(b.role)) return c.json<ApiError>({ error: 'role must be one of ingest, viewer, responder, compliance, admin' }, 400);
    if ((b.name !== undefined && typeof b.name !== 'string') || !strings(b.services) || !strings(b.agents)) return c.json<ApiError>({ error: 'name must be a string; services and agents lists of strings' }, 400);
    let created;
    try {
      created = store.create({ tenant: p.tenant, role: b.role, ...(b.name ? { name: b.name } : {}), services: b.services as string[] | undefined, agents: b.agents as string[] | undefined, by: actor(p) });
    } catch (e) {
      return c.json<ApiError>({ error: (e as Error).message }, 400);
    }
    const eid = store.history.at(-1)!.eid;
    await audit.record({ tenant: p.tenant, principal: p, action: 'credential.created', target: created.credential.id, status: 201, detail: `${created.credential.role} "${created.credential.name}"`, eventId: eid, ...clientOf(c) });
    return c.json<CreatedCredentialResponse>(created, 201);
  });

  app.post('/api/credentials/:credentialId/revoke', async (c) => {
    const p = c.var.principal;
    const id = c.req.param('credentialId');
    const existing = store.list(p.tenant).find((x) => x.id === id);
    // another tenant's credential does not exist for this admin
    if (!existing) return c.json<ApiError>({ error: `credential ${id.slice(0, 32)} not found` }, 404);
    const before = store.history.length;
    const revoked = store.revoke(id, actor(p))!;
    const eid = store.history.length > before ? store.history.at(-1)!.eid : undefined;
    if (eid) await audit.record({ tenant: p.tenant, principal: p, action: 'credential.revoked', target: id, status: 200, detail: `${revoked.role} "${revoked.name}"`, eventId: eid, ...clientOf(c) });
    return c.json({ credential: revoked });
  });

  return app;
}
