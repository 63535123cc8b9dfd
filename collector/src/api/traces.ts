// Query API: GET /api/traces, GET /api/traces/:traceId (OTLP/JSON-shaped). Documented in the README.
import type { ApiError, RedactionRecord, RedactionSummaryResponse, TraceListResponse, TraceResponse, TraceSummary } from '@causeway/schemas';
import { Hono } from 'hono';
import type { SpanStore } from '../store/span-store.ts';
import type { TraceFilter } from '../store/queries.ts';
import { toOtlpJson, toOtlpLogs } from './otlp-json.ts';

const MAX_LIMIT = 1000;

export function tracesApi(store: SpanStore, tenant: string): Hono {
  const app = new Hono();

  app.get('/api/traces', async (c) => {
    const q = c.req.query();
    let filter: TraceFilter;
    try {
      filter = parseFilter(q, tenant);
    } catch (e) {
      return c.json<ApiError>({ error: (e as Error).message }, 400);
    }
    const rows = await store.queries.traces({ ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const traces: TraceSummary[] = page.map((r) => ({
      traceId: r.trace_id,
      rootName: r.root_name,
      rootService: r.root_service,
      services: r.services,
      startTimeUnixNano: r.start,
      endTimeUnixNano: r.end,
      durationNano: (BigInt(r.end) > BigInt(r.start) ? BigInt(r.end) - BigInt(r.start) : 0n).toString(),
      spanCount: Number(r.span_count),
      errorCount: Number(r.error_count),
    }));
    const last = page[page.length - 1];
    const body: TraceListResponse = { traces };
    if (rows.length > filter.limit && last) body.nextCursor = Buffer.from(`${last.start}:${last.trace_id}`).toString('base64url');
    return c.json(body);
  });

  app.get('/api/traces/:traceId', async (c) => {
    const id = c.req.param('traceId').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) return c.json<ApiError>({ error: 'trace id must be 32 hex characters' }, 400);
    const rows = await store.queries.trace(tenant, id);
    if (rows.length === 0) return c.json<ApiError>({ error: `trace ${id} not found` }, 404);
    const redactions: TraceResponse['redactions'] = {};
    for (const r of rows) if (r.redactions.length > 0) redactions[r.span_id] = r.redactions;
    const body: TraceResponse = { traceId: id, spanCount: rows.length, ...toOtlpJson(rows), redactions, ...submittersOf(rows) };
    return c.json(body);
  });

  app.get('/api/traces/:traceId/logs', async (c) => {
    const id = c.req.param('traceId').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) return c.json<ApiError>({ error: 'trace id must be 32 hex characters' }, 400);
    const rows = await store.queries.logs(tenant, id);
    const redactions: Record<string, RedactionRecord[]> = {};
    rows.forEach((r, i) => {
      if (r.redactions.length > 0) redactions[String(i)] = r.redactions;
    });
    return c.json({ traceId: id, logRecordCount: rows.length, ...toOtlpLogs(rows), redactions });
  });

  app.get('/api/redactions', async (c) => {
    const body: RedactionSummaryResponse = { rules: await store.queries.redactionSummary(tenant) };
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

function parseFilter(q: Record<string, string>, tenant: string): TraceFilter {
  const f: TraceFilter = { tenant, limit: 20 };
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new Error(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    f.limit = n;
  }
  if (q.service) f.service = q.service;
  if (q.name) f.spanName = q.name;
  if (q.status) {
    if (q.status !== 'unset' && q.status !== 'ok' && q.status !== 'error') throw new Error('status must be one of unset, ok, error');
    f.status = q.status;
  }
  if (q.start) f.startNs = timeNs(q.start, 'start');
  if (q.end) f.endNs = timeNs(q.end, 'end');
  if (q.cursor) {
    const [startNs, traceId] = Buffer.from(q.cursor, 'base64url').toString().split(':');
    if (!startNs || !/^\d+$/.test(startNs) || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) throw new Error('cursor is not one this API returned');
    f.cursor = { startNs, traceId };
  }
  return f;
}

/** Unix nanoseconds (digits) or an ISO 8601 / RFC 3339 time. */
function timeNs(v: string, name: string): string {
  if (/^\d{1,20}$/.test(v)) return BigInt(v).toString();
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`${name} must be unix nanoseconds or an ISO 8601 time`);
  return (BigInt(ms) * 1_000_000n).toString();
}
