// Incidents API: POST /api/incidents, POST /api/incidents/:id/events, GET /api/incidents,
// GET /api/incidents/:id. Stored as append-only events; reads fold them into the current state.
import type { ApiError, CreateIncidentRequest, IncidentEventBody, IncidentListResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import { NODE_ID_PATTERN, traceOfNode } from '@causeway/schemas/node-id.ts';
import { IncidentStore, newIncidentId } from '../store/incidents.ts';
import type { SpanStore } from '../store/span-store.ts';

const ID = /^[0-9a-f]{16}$/;
const TRACE = /^[0-9a-f]{32}$/;
const MAX_TEXT = 10_000;

export function incidentsApi(store: SpanStore, tenant: string): Hono {
  const app = new Hono();
  const incidents = new IncidentStore(store.ch, tenant);
  const actorOf = (bodyActor: unknown, header: string | undefined): string =>
    (typeof bodyActor === 'string' && bodyActor ? bodyActor : (header ?? 'anonymous')).slice(0, 200);

  app.post('/api/incidents', async (c) => {
    let body: CreateIncidentRequest;
    try {
      body = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"title": "…", "seeds": ["act:…"], "traceIds": ["…"], "notes": "…", "view": "/traces/…"}' }, 400);
    }
    const problem = checkCreate(body);
    if (problem) return c.json<ApiError>({ error: problem }, 400);
    const id = newIncidentId();
    const seeds = body.seeds ?? [];
    const traceIds = [...new Set([...(body.traceIds ?? []), ...seeds.map(traceOfNode).filter(Boolean)])].map((t) => t.toLowerCase());
    await incidents.append(
      id,
      { type: 'created', title: body.title.trim(), seeds, traceIds, notes: body.notes ?? '', view: body.view ?? (traceIds[0] ? `/traces/${traceIds[0]}` : '/') },
      actorOf(body.actor, c.req.header('x-causeway-user')),
    );
    return c.json(await incidents.get(id), 201);
  });

  app.post('/api/incidents/:id/events', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!ID.test(id)) return c.json<ApiError>({ error: 'incident id must be 16 hex characters' }, 400);
    let body: IncidentEventBody & { actor?: string };
    try {
      body = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"type": "note", "text": "…"} (or seeds_added, title, status, view)' }, 400);
    }
    const problem = checkEvent(body);
    if (problem) return c.json<ApiError>({ error: problem }, 400);
    if (!(await incidents.get(id))) return c.json<ApiError>({ error: `incident ${id} not found` }, 404);
    const { actor, ...event } = body;
    await incidents.append(id, event as IncidentEventBody, actorOf(actor, c.req.header('x-causeway-user')));
    return c.json(await incidents.get(id), 201);
  });

  app.get('/api/incidents', async (c) => {
    const body: IncidentListResponse = { incidents: await incidents.list() };
    return c.json(body);
  });

  app.get('/api/incidents/:id', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!ID.test(id)) return c.json<ApiError>({ error: 'incident id must be 16 hex characters' }, 400);
    const inc = await incidents.get(id);
    return inc ? c.json(inc) : c.json<ApiError>({ error: `incident ${id} not found` }, 404);
  });

  return app;
}

const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isList = (v: unknown, re: RegExp): v is string[] => Array.isArray(v) && v.length <= 1000 && v.every((s) => typeof s === 'string' && re.test(s.toLowerCase()));

function checkCreate(b: CreateIncidentRequest): string | undefined {
  if (!b || typeof b !== 'object') return 'body must be a JSON object';
  if (!isText(b.title, 500) || b.title.trim() === '') return 'title must be a non-empty string of at most 500 characters';
  if (b.seeds !== undefined && !isList(b.seeds, NODE_ID_PATTERN)) return 'seeds must be graph node ids: act:<32 hex>/<16 hex> or art:<32 hex>';
  if (b.traceIds !== undefined && !isList(b.traceIds, TRACE)) return 'traceIds must be trace ids of 32 hex characters';
  if (b.notes !== undefined && !isText(b.notes)) return `notes must be a string of at most ${MAX_TEXT} characters`;
  if (b.view !== undefined && !(isText(b.view, 2000) && b.view.startsWith('/'))) return 'view must be an explorer path starting with /';
  return undefined;
}

function checkEvent(b: IncidentEventBody): string | undefined {
  if (!b || typeof b !== 'object') return 'body must be a JSON object';
  switch (b.type) {
    case 'note':
      return isText(b.text) && b.text.trim() !== '' ? undefined : `text must be a non-empty string of at most ${MAX_TEXT} characters`;
    case 'seeds_added':
      return isList(b.seeds, NODE_ID_PATTERN) && isList(b.traceIds ?? [], TRACE) ? undefined : 'seeds must be graph node ids and traceIds trace ids';
    case 'title':
      return isText(b.title, 500) && b.title.trim() !== '' ? undefined : 'title must be a non-empty string of at most 500 characters';
    case 'status':
      return b.status === 'open' || b.status === 'closed' ? undefined : 'status must be open or closed';
    case 'view':
      return isText(b.view, 2000) && b.view.startsWith('/') ? undefined : 'view must be an explorer path starting with /';
    default:
      return 'type must be one of note, seeds_added, title, status, view (created is POST /api/incidents)';
  }
}
