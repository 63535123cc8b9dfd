// The trace overview against a real store (the captured openai prompt-injection incident): a small
// trace's overview is its whole trace graph, byte for byte; a larger one's (here: the limit set to
// 0 activities) is every activity and the backward slice of send_email (the highest-impact call,
// reached by the injected e-mail), equal to the slice API's own answer, and no further slice.
import { type ActivityRow, type AuditListResponse, type SliceResponse, type TraceOverviewResponse, decodeSteps } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessCauseway, startInProcess } from '@causeway/testkit/in-process.ts';
import { markSubmitters } from '../provenance/submitters.ts';
import { DEFAULT_TRUST_RULES } from '../provenance/trust.ts';
import { keyCandidates, traceOverview } from './trace-overview.ts';

let cw: InProcessCauseway;
let trace = '';

beforeAll(async () => {
  cw = await startInProcess();
  trace = await cw.postCaptured('openai', 'prompt-injection');
  await cw.settled();
}, 120_000);
afterAll(async () => {
  await cw?.close();
});

describe('the trace overview', () => {
  it("of a small trace is its whole causal graph, as the trace graph route answers it; the access audit names the trace", async () => {
    const o = await cw.get<TraceOverviewResponse>(`/api/provenance/traces/${trace}/overview`);
    expect(o.status).toBe(200);
    const g = await cw.get<SliceResponse>(`/api/provenance/traces/${trace}?limit=20000`);
    expect(o.body.graph).toEqual(g.body);
    expect(o.body.activityCount).toBe(g.body.nodes.filter((n) => n.type === 'activity').length);
    expect(o.body.steps).toBeUndefined();
    expect((await cw.get(`/api/provenance/traces/${'0'.repeat(32)}/overview`)).status).toBe(404);
    const audit = await cw.get<AuditListResponse>('/api/audit?action=graph.overview.read&limit=100');
    expect(audit.body.events.some((e) => e.traceIds.includes(trace))).toBe(true);
  });

  it('of a larger one is every activity and the key candidates’ backward slices, each the slice API’s answer, stopping at the first untrusted content reached', async () => {
    const reads = cw.store.readsFor('default');
    const mark = (s: SliceResponse) => markSubmitters(s, 'default', (_t, spans) => reads.traces.submitters(spans), (t, ids, limit) => reads.provenance.appearances(t, ids, limit));
    const o = (await traceOverview(reads.provenance, trace, { tenant: 'default', trustRules: DEFAULT_TRUST_RULES, mark, limits: { wholeGraph: 0, candidates: 4, sliceNodes: 2000 } }))!;
    expect(o.graph).toBeUndefined();
    const activities = decodeSteps(trace, o.steps!);
    expect(activities).toHaveLength(o.activityCount);
    expect(o.slices).toHaveLength(1);
    const s = o.slices![0]!;
    const send = activities.find((a) => a.toolName === 'send_email')!;
    expect(s.seed).toBe(send.id);
    expect(s.taintPaths.length).toBeGreaterThan(0);
    const api = await cw.get<SliceResponse>(`/api/provenance/slice?direction=backward&limit=2000&trace=${send.traceId}&span=${send.spanId}`);
    expect(s).toEqual(api.body);
  });

  it('counts the links the trace recorded: the whole graph’s uses, outputs and parentage, no more', async () => {
    const reads = cw.store.readsFor('default');
    const o = (await traceOverview(reads.provenance, trace, { tenant: 'default', trustRules: DEFAULT_TRUST_RULES, mark: async (s) => s, limits: { wholeGraph: 0, candidates: 4, sliceNodes: 2000 } }))!;
    const whole = (await cw.get<SliceResponse>(`/api/provenance/traces/${trace}?limit=20000`)).body;
    expect(whole.truncated).toBe(false);
    const recorded = whole.edges.filter((e) => e.relation === 'used' || e.relation === 'generated' || e.relation === 'child_of');
    expect(o.recordedLinks).toBe(recorded.length);
    // a lower bound: the whole graph also links requests executed, parts and copied text
    expect(whole.edges.length).toBeGreaterThan(o.recordedLinks!);
  });

  it('examines tool calls highest impact first, then most recent', () => {
    const row = (span: string, tool: string, start: number, kind: ActivityRow['kind'] = 'tool') => ({ span_id: span, tool_name: tool, name: tool, kind, start_time_unix_nano: String(start) }) as ActivityRow;
    const order = keyCandidates([row('a', 'search_email', 5), row('b', 'send_email', 1), row('c', 'create_ticket', 9), row('d', 'send_email', 3), row('e', 'chat', 99, 'llm')]);
    expect(order.map((r) => r.span_id)).toEqual(['d', 'b', 'c', 'a']);
  });
});
