// GET /api/search/traces: the explorer's trace search (see store/explorer-search.ts).
//   service, name (span name contains), status, start, end: as GET /api/traces
//   agent, tool (a tool called), untrusted=1 (touched content labelled untrusted), q (free text
//   over redacted content as stored), limit (1..200)
import type { ApiError, TraceSearchResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import { type TrustRule, trustOf } from '../provenance/trust.ts';
import { type SearchFilter, searchTraces } from '../store/explorer-search.ts';
import type { SpanStore } from '../store/span-store.ts';

export function explorerSearchApi(store: SpanStore, tenant: string, trustRules: TrustRule[]): Hono {
  const app = new Hono();
  app.get('/api/search/traces', async (c) => {
    const q = c.req.query();
    const f: SearchFilter = { tenant, limit: 50 };
    try {
      if (q.limit) {
        const n = Number(q.limit);
        if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error('limit must be an integer from 1 to 200');
        f.limit = n;
      }
      if (q.service) f.service = q.service;
      if (q.agent) f.agent = q.agent;
      if (q.tool) f.tool = q.tool;
      if (q.name) f.spanName = q.name;
      if (q.status) {
        if (q.status !== 'unset' && q.status !== 'ok' && q.status !== 'error') throw new Error('status must be one of unset, ok, error');
        f.status = q.status;
      }
      if (q.start) f.startNs = timeNs(q.start, 'start');
      if (q.end) f.endNs = timeNs(q.end, 'end');
      if (q.q) {
        if (q.q.length > 200) throw new Error('q must be at most 200 characters');
        f.text = q.q;
      }
      if (q.untrusted === '1' || q.untrusted === 'true') f.untrusted = true;
    } catch (e) {
      return c.json<ApiError>({ error: (e as Error).message }, 400);
    }
    const body: TraceSearchResponse = await searchTraces(store.ch, f, (s) => trustOf(trustRules, s).trust === 'untrusted');
    return c.json(body);
  });
  return app;
}

function timeNs(v: string, name: string): string {
  if (/^\d{1,20}$/.test(v)) return BigInt(v).toString();
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`${name} must be unix nanoseconds or an ISO 8601 time`);
  return (BigInt(ms) * 1_000_000n).toString();
}
