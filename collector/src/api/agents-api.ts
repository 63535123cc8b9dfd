// The agent registry through the API (README "Agent registry"): GET /api/agents (registered
// agents and agents seen in traces that the registry does not know), GET /api/agents/:id (the
// entry in force and every version), PUT /api/agents/:id (admin: appends the next version; the
// guard records it in the access audit as agent.changed).
import { Hono } from 'hono';
import { identity } from '../detections/agents.ts';
import { type AgentPolicy, parseAgent } from '../detections/policy.ts';
import type { TenantRegistries } from '../detections/registry-versions.ts';
import { HttpError, jsonBody } from './params.ts';
import { type ApiEnv, actorOf } from './scope.ts';

const AGENT_ID = /^[\x21-\x7e]{1,200}$/;
const MAX_ENTRY_BYTES = 64 * 1024;
const HINT = '{"owner": "…", "purpose": "…", "service"?, "allowedTools"?, "allowedResources"?, "highImpactTools"?, "approvalRequired"?, "acceptGuardrailApproval"?}';

export function agentsApi(registries: TenantRegistries): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/agents', async (c) => {
    const registry = await registries.of(c.var.scope.tenant);
    const seen = await c.var.reads.findings.agentsSeen();
    const registered = registry.agents.map((p) => ({ ...p, version: registry.entryVersion(p), seen: seen.filter((s) => registry.lookup(identity(s.service, s.id, s.name)) === p) }));
    const unregistered = seen.filter((s) => !registry.lookup(identity(s.service, s.id, s.name))).map((s) => ({ key: identity(s.service, s.id, s.name).key, ...s }));
    return c.json({ registryVersion: registry.version, registered, unregistered });
  });

  app.get('/agents/:id', async (c) => {
    const id = agentId(c.req.param('id'));
    const h = await registries.history(c.var.scope.tenant, id);
    if (!h.current) throw new HttpError(404, `agent ${id} is not registered`);
    return c.json(h);
  });

  app.put('/agents/:id', async (c) => {
    const id = agentId(c.req.param('id'));
    const body = await jsonBody<AgentPolicy>(c, HINT);
    if (body.id !== undefined && body.id !== id) throw new HttpError(400, `the body's id "${String(body.id).slice(0, 200)}" is not the agent in the path (${id})`);
    if (JSON.stringify(body).length > MAX_ENTRY_BYTES) throw new HttpError(413, `an agent entry holds at most ${MAX_ENTRY_BYTES} bytes of JSON`);
    let entry: AgentPolicy;
    try {
      entry = parseAgent({ ...body, id }, 'agent', (m) => {
        throw new HttpError(400, m);
      });
    } catch (e) {
      throw e instanceof HttpError ? e : new HttpError(400, (e as Error).message);
    }
    const v = await registries.put(c.var.scope.tenant, entry, actorOf(c));
    return c.json(v, 201);
  });

  return app;
}

function agentId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'agent id is not valid percent-encoding');
  }
  if (!AGENT_ID.test(id)) throw new HttpError(400, 'agent id must be 1 to 200 printable ASCII characters without spaces');
  return id;
}
