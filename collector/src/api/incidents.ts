// Incidents API (README "Explorer API additions"): POST /api/incidents, POST /api/incidents/:id/events,
// GET /api/incidents, GET /api/incidents/:id. Stored as append-only events; reads fold them into the current state.
import { type CreateIncidentRequest, type IncidentEventBody, type IncidentListResponse, NODE_ID_PATTERN, traceOfNode } from '@causeway/schemas';
import { Hono } from 'hono';
import { newIncidentId } from '../store/reads/incidents.ts';
import { HttpError, incidentIdParam, jsonBody } from './params.ts';
import { type ApiEnv, actorOf } from './scope.ts';

const TRACE = /^[0-9a-f]{32}$/;
const MAX_TEXT = 10_000;

export function incidentsApi(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const body = await jsonBody<CreateIncidentRequest>(c, '{"title": "…", "seeds": ["act:…"], "traceIds": ["…"], "notes": "…", "view": "/traces/…"}');
    const problem = checkCreate(body);
    if (problem) throw new HttpError(400, problem);
    const { title, seeds = [], notes = '', view } = body as CreateIncidentRequest;
    const incidents = c.var.reads.incidents;
    const id = newIncidentId();
    const traceIds = [...new Set([...(body.traceIds ?? []), ...seeds.map(traceOfNode).filter(Boolean)])].map((t) => t.toLowerCase());
    await incidents.append(id, { type: 'created', title: title.trim(), seeds, traceIds, notes, view: view ?? (traceIds[0] ? `/traces/${traceIds[0]}` : '/') }, actorOf(c, body.actor));
    return c.json(await incidents.get(id), 201);
  });

  app.post('/:id/events', async (c) => {
    const id = incidentIdParam(c.req.param('id'));
    const body = await jsonBody<IncidentEventBody & { actor?: string }>(c, '{"type": "note", "text": "…"} (or seeds_added, title, status, view)');
    const problem = checkEvent(body as IncidentEventBody);
    if (problem) throw new HttpError(400, problem);
    const incidents = c.var.reads.incidents;
    if (!(await incidents.get(id))) throw new HttpError(404, `incident ${id} not found`);
    const { actor, ...event } = body;
    await incidents.append(id, event as IncidentEventBody, actorOf(c, actor));
    return c.json(await incidents.get(id), 201);
  });

  app.get('/', async (c) => {
    const body: IncidentListResponse = { incidents: await c.var.reads.incidents.list() };
    return c.json(body);
  });

  app.get('/:id', async (c) => {
    const id = incidentIdParam(c.req.param('id'));
    const inc = await c.var.reads.incidents.get(id);
    if (!inc) throw new HttpError(404, `incident ${id} not found`);
    return c.json(inc);
  });

  return app;
}

const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isList = (v: unknown, re: RegExp): v is string[] => Array.isArray(v) && v.length <= 1000 && v.every((s) => typeof s === 'string' && re.test(s.toLowerCase()));

function checkCreate(b: Partial<CreateIncidentRequest>): string | undefined {
  if (!isText(b.title, 500) || b.title.trim() === '') return 'title must be a non-empty string of at most 500 characters';
  if (b.seeds !== undefined && !isList(b.seeds, NODE_ID_PATTERN)) return 'seeds must be graph node ids: act:<32 hex>/<16 hex> or art:<32 hex>';
  if (b.traceIds !== undefined && !isList(b.traceIds, TRACE)) return 'traceIds must be trace ids of 32 hex characters';
  if (b.notes !== undefined && !isText(b.notes)) return `notes must be a string of at most ${MAX_TEXT} characters`;
  if (b.view !== undefined && !(isText(b.view, 2000) && b.view.startsWith('/'))) return 'view must be an explorer path starting with /';
  return undefined;
}

function checkEvent(b: IncidentEventBody): string | undefined {
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
