// Trace API (README "Query API"): GET /api/traces, the one trace search; GET /api/traces/:traceId
// (OTLP/JSON spans) and /api/traces/:traceId/logs; and GET /api/search/traces, the explorer's
// alias of the same search with its own page size.
import { type NameMatch, type RedactionRecord, TRACE_SEARCH_LIMITS, type TraceLogsResponse, type TraceQuery, type TraceResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { UntrustedTest } from '../store/reads/index.ts';
import { toOtlpJson, toOtlpLogs } from './otlp-json.ts';
import { HttpError, boundedInt, cursorParam, flag, oneOf, statusParam, text, timeRange, traceIdParam } from './params.ts';
import type { ApiEnv } from './scope.ts';

const PARAMS = ['service', 'name', 'nameMatch', 'status', 'start', 'end', 'agent', 'tool', 'q', 'untrusted', 'limit', 'cursor'] as const;
const NAME_MATCH: readonly NameMatch[] = ['contains', 'exact'];

/** The URL parameters of a trace search → a TraceQuery (HttpError 400 on anything wrong). */
export function traceQuery(q: Record<string, string>, limits: { default: number; max: number }): TraceQuery {
  const unknown = Object.keys(q).filter((k) => !(PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}; a trace search takes ${PARAMS.join(', ')}`);
  const t: TraceQuery = {
    limit: boundedInt(q.limit, { name: 'limit', max: limits.max, def: limits.default }),
    nameMatch: oneOf(q.nameMatch, NAME_MATCH, 'nameMatch', 'contains'),
    ...timeRange(q.start, q.end),
  };
  if (q.service) t.service = q.service;
  if (q.name) t.name = q.name;
  if (q.status) t.status = statusParam(q.status);
  if (q.agent) t.agent = q.agent;
  if (q.tool) t.tool = q.tool;
  if (q.q) t.text = text(q.q, TRACE_SEARCH_LIMITS.maxText, 'q');
  if (flag(q.untrusted, 'untrusted')) t.untrusted = true;
  if (q.cursor) t.cursor = cursorParam(q.cursor);
  return t;
}

export function tracesApi(isUntrusted: UntrustedTest): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/', async (c) => c.json(await c.var.reads.traces.search(traceQuery(c.req.query(), TRACE_SEARCH_LIMITS.traces), isUntrusted)));

  app.get('/:traceId', async (c) => {
    const id = traceIdParam(c.req.param('traceId'));
    const rows = await c.var.reads.traces.trace(id);
    if (rows.length === 0) throw new HttpError(404, `trace ${id} not found`);
    const redactions: TraceResponse['redactions'] = {};
    for (const r of rows) if (r.redactions.length > 0) redactions[r.span_id] = r.redactions;
    const body: TraceResponse = { traceId: id, spanCount: rows.length, ...toOtlpJson(rows), redactions };
    return c.json(body);
  });

  app.get('/:traceId/logs', async (c) => {
    const id = traceIdParam(c.req.param('traceId'));
    const rows = await c.var.reads.traces.logs(id);
    const redactions: Record<string, RedactionRecord[]> = {};
    rows.forEach((r, i) => {
      if (r.redactions.length > 0) redactions[String(i)] = r.redactions;
    });
    const body: TraceLogsResponse = { traceId: id, logRecordCount: rows.length, ...toOtlpLogs(rows), redactions };
    return c.json(body);
  });

  return app;
}

/** GET /api/search/traces: the same search and answer; page size 1–200, default 50 (as the explorer had it). */
export function searchAliasApi(isUntrusted: UntrustedTest): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/traces', async (c) => c.json(await c.var.reads.traces.search(traceQuery(c.req.query(), TRACE_SEARCH_LIMITS.searchAlias), isUntrusted)));
  return app;
}
