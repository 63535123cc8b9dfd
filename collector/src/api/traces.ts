// Trace API (README "Query API"): GET /api/traces, the one trace search; GET /api/traces/:traceId
// (OTLP/JSON spans) and /api/traces/:traceId/logs; and GET /api/search/traces, the explorer's
// alias of the same search with its own page size.
import { type NameMatch, type RedactionRecord, type Severity, TRACE_SEARCH_LIMITS, type TraceLogsResponse, type TraceQuery, type TraceResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { UntrustedTest } from '../store/reads/index.ts';
import { toOtlpJson, toOtlpLogs } from './otlp-json.ts';
import { HttpError, boundedInt, cursorParam, flag, oneOf, statusParam, text, timeRange, traceIdParam } from './params.ts';
import type { ApiEnv } from './scope.ts';

const PARAMS = ['service', 'name', 'nameMatch', 'status', 'start', 'end', 'agent', 'tool', 'q', 'untrusted', 'findings', 'limit', 'cursor'] as const;
const NAME_MATCH: readonly NameMatch[] = ['contains', 'exact'];
/** `findings`: `any` (= `low`) or the least severity a trace's findings must reach */
const FINDINGS_AT_LEAST: readonly (Severity | 'any')[] = ['any', 'low', 'medium', 'high', 'critical'];

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
  if (q.findings) {
    const least = oneOf(q.findings, FINDINGS_AT_LEAST, 'findings');
    t.findingsAtLeast = least === 'any' ? 'low' : least;
  }
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
    const body: TraceResponse = { traceId: id, spanCount: rows.length, ...toOtlpJson(rows), redactions, ...submittersOf(rows) };
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

/** Who submitted the trace's spans: a trace written by more than one credential is marked. */
function submittersOf(rows: { span_id: string; credential_id?: string; credential_name?: string }[]): Pick<TraceResponse, 'submitters' | 'submittedBy' | 'mixedSubmitters'> {
  const by = new Map<string, { id: string; name: string; spans: number }>();
  const submittedBy: Record<string, string> = {};
  for (const r of rows) {
    const id = r.credential_id ?? '';
    const s = by.get(id) ?? { id, name: r.credential_name ?? '', spans: 0 };
    s.spans++;
    by.set(id, s);
    if (id) submittedBy[r.span_id] = id;
  }
  return { submitters: [...by.values()].filter((s) => s.id), submittedBy, mixedSubmitters: by.size > 1 };
}

/** GET /api/search/traces: the same search and answer; page size 1–200, default 50 (as the explorer had it). */
export function searchAliasApi(isUntrusted: UntrustedTest): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/traces', async (c) => c.json(await c.var.reads.traces.search(traceQuery(c.req.query(), TRACE_SEARCH_LIMITS.searchAlias), isUntrusted)));
  return app;
}
