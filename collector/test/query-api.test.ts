// GET /api/traces filters and pagination, GET /api/traces/:id, as a responder uses them.
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ApiError, TraceListResponse, TraceSummary } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';

let cw: CollectorProcess;
const BASE_S = 1_750_000_000; // traces start at BASE_S + i seconds
const traces: { id: string; service: string; root: string; error: boolean; startNs: string }[] = [];

function agentTrace(i: number, service: string, root: string, error: boolean): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const rec: SpanProcessor = { onStart() {}, onEnd: (s) => void spans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [rec] }).getTracer('q');
  const r = tracer.startSpan(root, { startTime: [BASE_S + i, 0] }, ROOT_CONTEXT);
  const child = tracer.startSpan('execute_tool send_email', { startTime: [BASE_S + i, 500] }, trace.setSpan(ROOT_CONTEXT, r));
  if (error) child.setStatus({ code: SpanStatusCode.ERROR, message: 'denied' });
  child.end([BASE_S + i, 900]);
  r.end([BASE_S + i, 1000]);
  return spans;
}

beforeAll(async () => {
  cw = await startCollector();
  const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces` });
  const plan = [
    ['mail-agent', 'invoke_agent triage', false],
    ['mail-agent', 'invoke_agent triage', true],
    ['crm-agent', 'invoke_agent export', false],
    ['crm-agent', 'invoke_agent export', true],
    ['mail-agent', 'invoke_agent reply', false],
  ] as const;
  for (const [i, [service, root, error]] of plan.entries()) {
    const spans = agentTrace(i, service, root, error);
    expect(await exportSpans(exporter, spans)).toBe(true);
    traces.push({ id: spans[0]!.spanContext().traceId, service, root, error, startNs: `${BASE_S + i}000000000` });
  }
  await cw.settled();
});
afterAll(async () => {
  await cw?.stop();
});

const list = async (q: string): Promise<TraceListResponse> => {
  const { status, body } = await getJson<TraceListResponse>(`${cw.apiUrl}/api/traces${q}`);
  expect(status).toBe(200);
  return body;
};
const ids = (ts: TraceSummary[]): string[] => ts.map((t) => t.traceId);
const newestFirst = (): typeof traces => [...traces].reverse();

describe('GET /api/traces', () => {
  it('lists traces newest first with their root, services, span and error counts', async () => {
    const body = await list('');
    expect(ids(body.traces)).toEqual(newestFirst().map((t) => t.id));
    const t1 = body.traces.find((t) => t.traceId === traces[1]!.id)!;
    expect(t1).toMatchObject({ rootName: 'invoke_agent triage', rootService: 'mail-agent', services: ['mail-agent'], spanCount: 2, errorCount: 1, startTimeUnixNano: traces[1]!.startNs, durationNano: '1000' });
  });

  it('filters by service, span name, status and time range', async () => {
    expect(ids((await list('?service=crm-agent')).traces)).toEqual(newestFirst().filter((t) => t.service === 'crm-agent').map((t) => t.id));
    expect(ids((await list('?name=invoke_agent%20triage')).traces)).toEqual(newestFirst().filter((t) => t.root === 'invoke_agent triage').map((t) => t.id));
    expect(ids((await list('?status=error')).traces)).toEqual(newestFirst().filter((t) => t.error).map((t) => t.id));
    const from = traces[1]!.startNs;
    const to = traces[3]!.startNs;
    expect(ids((await list(`?start=${from}&end=${to}`)).traces)).toEqual([traces[3]!.id, traces[2]!.id, traces[1]!.id]);
    const iso = new Date((BASE_S + 3) * 1000).toISOString();
    expect(ids((await list(`?start=${encodeURIComponent(iso)}`)).traces)).toEqual([traces[4]!.id, traces[3]!.id]);
    expect(ids((await list('?service=crm-agent&status=error')).traces)).toEqual([traces[3]!.id]);
  });

  it('pages with a cursor until every trace was seen once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const body = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(body.traces));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst().map((t) => t.id));
  });

  it('answers 400 with a reason for bad parameters', async () => {
    for (const q of ['?limit=0', '?limit=abc', '?status=broken', '?start=yesterday-ish', '?cursor=bogus']) {
      const { status, body } = await getJson<ApiError>(`${cw.apiUrl}/api/traces${q}`);
      expect(status, q).toBe(400);
      expect(body.error.length).toBeGreaterThan(5);
    }
  });
});

describe('GET /api/traces/:traceId', () => {
  it('accepts upper-case hex ids', async () => {
    const { status } = await getJson(`${cw.apiUrl}/api/traces/${traces[0]!.id.toUpperCase()}`);
    expect(status).toBe(200);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect((await getJson(`${cw.apiUrl}/api/traces/${'ab'.repeat(16)}`)).status).toBe(404);
    expect((await getJson(`${cw.apiUrl}/api/traces/xyz`)).status).toBe(400);
  });
});
