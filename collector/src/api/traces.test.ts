// The one trace search and the trace routes, in process (cw.api.request) against a real store:
// real OTLP/JSON over HTTP into embedded chDB, captured library incidents for the provenance
// filters, crafted traces for the span filters, a crowd of newer traces for the scan bounds.
import type { ApiError, Finding, Severity, SliceArtifact, SliceResponse, TraceLogsResponse, TraceResponse, TraceSearchResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessCauseway, startInProcess } from '@causeway/testkit/in-process.ts';
import { AGENT_NAME, SCENARIOS } from '../../../fixtures/agents/scenarios.ts';

interface SpanSpec {
  span: string;
  parent?: string;
  name: string;
  /** seconds after BASE */
  at: number;
  status?: 0 | 1 | 2;
}

const BASE = 1_800_000_000n * 1_000_000_000n; // 2027-01-15, newer than every captured incident
const ns = (s: number): string => (BASE + BigInt(Math.round(s * 1e9))).toString();
const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');
const traceOf = (n: number): string => hex(0xc0de0000 + n, 32);

/** An OTLP/JSON ExportTraceServiceRequest, as an SDK's JSON exporter sends it. */
function request(traces: { trace: string; service: string; spans: SpanSpec[] }[]): unknown {
  return {
    resourceSpans: traces.map((t) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: t.service } }] },
      scopeSpans: [{
        scope: { name: 'traces-test' },
        spans: t.spans.map((s) => ({
          traceId: t.trace, spanId: s.span, ...(s.parent ? { parentSpanId: s.parent } : {}), name: s.name, kind: 1,
          startTimeUnixNano: ns(s.at), endTimeUnixNano: ns(s.at + 0.5), status: { code: s.status ?? 0 },
        })),
      }],
    })),
  };
}

// Crafted: A starts before B, but B's "special" span starts before A's: the page order is
// by the first matching span, the order a cursor continues in.
const A = traceOf(1), B = traceOf(2), C = traceOf(3);
const CRAFTED = [
  { trace: A, service: 'shop', spans: [{ span: hex(1, 16), name: 'invoke_agent Planner', at: 100 }, { span: hex(2, 16), parent: hex(1, 16), name: 'chat Special-Model', at: 400, status: 2 as const }] },
  { trace: B, service: 'shop', spans: [{ span: hex(3, 16), name: 'invoke_agent planner', at: 200 }, { span: hex(4, 16), parent: hex(3, 16), name: 'chat special-model', at: 300, status: 1 as const }] },
  { trace: C, service: 'billing', spans: [{ span: hex(5, 16), name: 'invoke_agent Planner', at: 250 }] },
];
const CROWD = 520; // newer one-span traces without provenance: more than the untrusted scan of 500
/** crowd traces with a high finding each, for the findings filter's pages */
const FLAGGED_CROWD = Array.from({ length: 7 }, (_, i) => traceOf(1000 + 3 + i * 50));

/** A stored detection finding on these traces (the first is the row's trace_id column, the rest only in its body). */
function finding(n: number, severity: Severity, traceIds: string[]): Finding {
  const at = new Date(Date.UTC(2026, 10, 2, 9, 0, n)).toISOString();
  return {
    id: hex(0xf000 + n, 32), ruleId: 'R1', ruleName: 'untrusted-content-drove-high-impact-call', severity, title: `finding ${n}`, explanation: '…',
    owasp: [], atlas: [], agent: { key: 'shop/planner', service: 'shop', id: '', name: 'planner', registered: false, registryVersion: 0 },
    traceIds, evidence: { seed: `act:${traceIds[0]}/${hex(n, 16)}`, nodes: [], taintPaths: [], approvals: [], detail: {} }, occurredAt: at, detectedAt: at,
  };
}

let cw: InProcessCauseway;
const incidents: Record<string, string> = {};

beforeAll(async () => {
  // the crafted spans are dated 2027 on purpose (newer than every captured incident): allow that far ahead
  // detections off: the only findings are the ones written below, so the findings filter's answer is known
  cw = await startInProcess({ CAUSEWAY_MAX_FUTURE_MS: String(10 * 365 * 86_400_000), CAUSEWAY_DETECTIONS: 'off' });
  for (const sc of SCENARIOS) incidents[sc] = await cw.postCaptured('openai', sc);
  const crowd = Array.from({ length: CROWD }, (_, i) => ({ trace: traceOf(1000 + i), service: 'crowd', spans: [{ span: hex(1000 + i, 16), name: 'GET /health', at: 1000 + i }] }));
  for (const body of [request(CRAFTED), request(crowd)]) {
    const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }
  await cw.settled();
  // A critical; B low; C only as the second trace of a medium finding that also names A; 7 crowd traces high
  const written = await cw.store.readsFor('default').findings.appendNew([
    finding(1, 'critical', [A]),
    finding(2, 'low', [B]),
    finding(3, 'medium', [A, C]),
    ...FLAGGED_CROWD.map((t, i) => finding(10 + i, 'high', [t])),
  ]);
  expect(written).toHaveLength(10);
}, 120_000);
afterAll(async () => {
  await cw?.close();
});

const search = async (params: Record<string, string>, path = '/api/traces'): Promise<TraceSearchResponse> => {
  const { status, body } = await cw.get<TraceSearchResponse>(`${path}?${new URLSearchParams(params)}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
};
const ids = (r: TraceSearchResponse): string[] => r.traces.map((t) => t.traceId);

/** Every page of a search, following nextCursor. */
async function allPages(params: Record<string, string>): Promise<{ ids: string[]; pages: TraceSearchResponse[] }> {
  const pages: TraceSearchResponse[] = [];
  let cursor: string | undefined;
  do {
    pages.push(await search({ ...params, ...(cursor ? { cursor } : {}) }));
    cursor = pages.at(-1)!.nextCursor;
  } while (cursor && pages.length < 200);
  return { ids: pages.flatMap(ids), pages };
}

describe('GET /api/traces: one search', () => {
  it('pages through every match exactly once, with the total on every page', async () => {
    const filters: Record<string, string>[] = [{}, { service: 'shop' }, { name: 'special' }, { name: 'planner' }, { status: 'unset' }, { agent: AGENT_NAME }, { start: ns(150), end: ns(1100) }];
    for (const f of filters) {
      const one = await search({ ...f, limit: '1000' });
      // three or four pages each
      const { ids: paged, pages } = await allPages({ ...f, limit: String(Math.max(1, Math.floor(one.traces.length / 3))) });
      expect(pages.length, JSON.stringify(f)).toBeGreaterThan(1);
      expect(paged.length, JSON.stringify(f)).toBe(new Set(paged).size);
      expect(new Set(paged), JSON.stringify(f)).toEqual(new Set(ids(one)));
      for (const p of pages) expect(p.total, JSON.stringify(f)).toBe(one.traces.length);
      expect(pages.at(-1)!.nextCursor).toBeUndefined();
    }
  });

  it('orders pages by each trace\'s first matching span, so a cursor continues where the page ended', async () => {
    // B's special span (300 s) is older than A's (400 s), though B started after A
    const first = await search({ name: 'special', limit: '1' });
    expect(ids(first)).toEqual([A]);
    expect(ids(await search({ name: 'special', limit: '1', cursor: first.nextCursor! }))).toEqual([B]);
    // within a page, traces are shown by their own start, newest first
    expect(ids(await search({ name: 'special' }))).toEqual([B, A]);
    expect((await search({ name: 'special' })).traces.map((t) => t.startTimeUnixNano)).toEqual([ns(200), ns(100)]);
  });

  it('matches span names case-insensitively by substring, or exactly with nameMatch=exact', async () => {
    expect(new Set(ids(await search({ name: 'PLANNER' })))).toEqual(new Set([A, B, C]));
    expect(new Set(ids(await search({ name: 'invoke_agent Planner', nameMatch: 'exact' })))).toEqual(new Set([A, C]));
    expect(ids(await search({ name: 'planner', nameMatch: 'exact' }))).toEqual([]);
    expect(await search({ name: 'no such span' })).toEqual({ traces: [], total: 0, scanned: 0, partial: false });
  });

  it('filters by service, status and time, and the filters combine', async () => {
    expect(new Set(ids(await search({ service: 'shop' })))).toEqual(new Set([A, B]));
    expect(ids(await search({ status: 'error', service: 'shop' }))).toEqual([A]);
    expect(ids(await search({ status: 'ok', service: 'shop' }))).toEqual([B]);
    expect(new Set(ids(await search({ start: ns(200), end: ns(300), service: 'shop' })))).toEqual(new Set([B]));
    const iso = new Date(Number((BASE + 250n * 1_000_000_000n) / 1_000_000n)).toISOString();
    expect(new Set(ids(await search({ start: iso, end: ns(999) })))).toEqual(new Set([A, B, C]));
  });

  it('finds the captured incidents by agent, tool and text, with previews of the matching content', async () => {
    const byTool = await search({ tool: 'send_email' });
    expect(ids(byTool)).toContain(incidents['prompt-injection']);
    expect(byTool.traces.every((t) => t.tools.includes('send_email'))).toBe(true);
    const agent = byTool.traces[0]!.agents[0]!;
    expect(new Set(ids(await search({ agent })))).toEqual(new Set(Object.values(incidents)));
    const text = await search({ q: 'important system notice' });
    expect(ids(text)).toContain(incidents['prompt-injection']);
    expect(text.traces.every((t) => t.matches!.some((m) => m.snippet.toLowerCase().includes('important system notice')))).toBe(true);
  });

  it('untrusted: scans 500 candidates per page, says so, and the cursor continues the scan to the traces the trust rules label', async () => {
    const { pages, ids: found } = await allPages({ untrusted: '1', limit: '50' });
    expect(pages[0]).toMatchObject({ traces: [], scanned: 500, partial: true });
    expect(pages[0]!.total).toBeUndefined();
    expect(pages.every((p) => p.traces.every((t) => t.untrusted === true))).toBe(true);
    // the oracle: traces whose causal graph (the slice engine's labels) holds untrusted content
    const labelled: string[] = [];
    for (const t of Object.values(incidents)) {
      const g = (await cw.get<SliceResponse>(`/api/provenance/traces/${t}`)).body;
      if (g.nodes.some((n) => n.type === 'artifact' && (n as SliceArtifact).trust === 'untrusted')) labelled.push(t);
    }
    expect(labelled).toContain(incidents['prompt-injection']);
    expect(new Set(found)).toEqual(new Set(labelled));
  });

  it('findings: keeps the traces a finding of at least that severity names (its first trace or any other), with exact totals on every page', async () => {
    const expected: Record<string, string[]> = {
      any: [A, B, C, ...FLAGGED_CROWD],
      low: [A, B, C, ...FLAGGED_CROWD],
      medium: [A, C, ...FLAGGED_CROWD],
      high: [A, ...FLAGGED_CROWD],
      critical: [A],
    };
    for (const [least, want] of Object.entries(expected)) {
      const { ids: paged, pages } = await allPages({ findings: least, limit: '3' });
      expect(new Set(paged), least).toEqual(new Set(want));
      expect(paged, least).toHaveLength(want.length);
      for (const p of pages) expect([p.total, p.partial], least).toEqual([want.length, false]);
    }
    // with other filters: a span filter and a provenance filter narrow it further
    expect(new Set(ids(await search({ findings: 'medium', service: 'shop' })))).toEqual(new Set([A]));
    expect(await search({ findings: 'any', agent: AGENT_NAME })).toMatchObject({ traces: [], total: 0 });
    expect((await search({ findings: 'any', service: 'crowd', limit: '2' })).total).toBe(FLAGGED_CROWD.length);
  });

  it('GET /api/search/traces is the same search with the explorer\'s page size', async () => {
    const alias = await search({}, '/api/search/traces');
    const main = await search({});
    expect([alias.traces.length, main.traces.length]).toEqual([50, 20]);
    expect(await search({ limit: '30', name: 'e' }, '/api/search/traces')).toEqual(await search({ limit: '30', name: 'e' }));
    expect((await cw.get<ApiError>('/api/search/traces?limit=201')).status).toBe(400);
  });

  it('answers 400 with the reason for times before 1970, unreadable or reversed ranges and unknown parameters, on both paths', async () => {
    for (const path of ['/api/traces', '/api/search/traces']) {
      for (const [q, reason] of [
        ['start=1969-12-31T23:59:59Z', /^start must not be before 1970/],
        ['end=1960-01-01', /^end must not be before 1970/],
        ['start=-1', /^start must be unix nanoseconds or an ISO 8601 time/],
        ['end=18446744073709551616', /^end must not be after 2554/],
        ['start=yesterday', /^start must be unix nanoseconds/],
        [`start=${ns(5)}&end=${ns(4)}`, /^start must not be after end$/],
        ['limit=0', /^limit must be an integer/],
        ['status=broken', /^status must be one of unset, ok, error/],
        ['nameMatch=fuzzy', /^nameMatch must be one of contains, exact/],
        ['untrusted=maybe', /^untrusted must be 1 or 0/],
        ['findings=severe', /^findings must be one of any, low, medium, high, critical, got "severe"/],
        ['cursor=bogus', /^cursor is not one this API returned/],
        [`q=${'x'.repeat(201)}`, /^q must be at most 200 characters/],
        ['sevrice=shop', /^unknown parameter "sevrice"/],
      ] as const) {
        const { status, body } = await cw.get<ApiError>(`${path}?${q}`);
        expect(status, `${path}?${q}`).toBe(400);
        expect(body.error, `${path}?${q}`).toMatch(reason);
      }
    }
  });
});

describe('GET /api/traces/:traceId and /logs', () => {
  it('answers the trace as OTLP/JSON and its log records, ids in any case', async () => {
    const pi = incidents['prompt-injection']!;
    const t = await cw.get<TraceResponse>(`/api/traces/${pi.toUpperCase()}`);
    expect(t.status).toBe(200);
    expect(t.body.traceId).toBe(pi);
    expect(t.body.spanCount).toBe(t.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length);
    const logs = await cw.get<TraceLogsResponse>(`/api/traces/${pi}/logs`);
    expect(logs.body.logRecordCount).toBeGreaterThan(0);
    expect(logs.body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.traceId).toBe(pi);
  });

  it('answers JSON 404 for an unknown trace and 400 for a malformed id', async () => {
    expect(await cw.get<ApiError>(`/api/traces/${'ab'.repeat(16)}`)).toEqual({ status: 404, body: { error: `trace ${'ab'.repeat(16)} not found` } });
    expect(await cw.get<ApiError>('/api/traces/xyz')).toEqual({ status: 400, body: { error: 'trace id must be 32 hex characters, got "xyz"' } });
    expect((await cw.get<ApiError>('/api/traces/xyz/logs')).status).toBe(400);
  });
});
