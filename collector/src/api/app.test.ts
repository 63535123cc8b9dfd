// The API app's door, in process against a real store: every error is JSON (a store failure
// a 500 with a reference and one log line, never a stack), unknown /api paths a JSON 404, the
// tenant of every read comes from the scope resolver, bad ids and bodies a 400 with the reason.
import { createServer } from 'node:net';
import type { ApiError, HealthResponse, Incident, IncidentListResponse, TraceSearchResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessCauseway, startInProcess } from '@causeway/testkit/in-process.ts';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { RedactionTally } from '../processors/redact.ts';
import { DEFAULT_TRUST_RULES } from '../provenance/trust.ts';
import { type ClickHouse, openClickHouse } from '../store/clickhouse.ts';
import { ReadSide } from '../store/reads/index.ts';
import { type ApiDeps, MAX_API_BODY_BYTES, apiApp } from './app.ts';
import { HttpError } from './params.ts';
import type { ScopeResolver } from './scope.ts';

let cw: InProcessCauseway;
let dead: ClickHouse;
let pi = '';

/** An app over the same real store, with another scope resolver or reads. */
function appWith(o: { resolveScope?: ScopeResolver; readsFrom?: ReadSide; log?: (m: string) => void }) {
  const store = cw.store;
  const deps: ApiDeps = {
    store: { readsFor: (t) => (o.readsFrom ? o.readsFrom.readsFor(t) : store.readsFor(t)), ledger: store.ledger, health: () => store.health() },
    resolveScope: o.resolveScope ?? (() => ({ tenant: 'default' })),
    isUntrusted: () => false,
    trustRules: DEFAULT_TRUST_RULES,
    redactionPolicySha256: '0'.repeat(64),
    redaction: new RedactionTally(),
    log: o.log ?? (() => {}),
  };
  return apiApp(deps);
}

const json = async <T>(res: Response): Promise<{ status: number; type: string; body: T }> => ({ status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as T });
const post = (app: { request: (p: string, i: RequestInit) => Response | Promise<Response> }, path: string, body: string, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

beforeAll(async () => {
  cw = await startInProcess();
  pi = await cw.postCaptured('openai', 'prompt-injection');
  await cw.settled();
  // a ClickHouse server that is not there: a real client, a real connection refused
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  dead = await openClickHouse({ url: `http://127.0.0.1:${port}`, database: 'causeway', dataDir: tempDataDir() });
}, 120_000);
afterAll(async () => {
  await dead?.close();
  await cw?.close();
});

describe('errors are JSON', () => {
  it('a store failure answers 500 with a reference, logs one line with the cause, and shows no internals', async () => {
    const logged: string[] = [];
    const app = appWith({ readsFrom: new ReadSide(dead), log: (m) => logged.push(m) });
    for (const path of [
      '/api/traces',
      `/api/traces/${pi}`,
      '/api/incidents',
      '/api/exports',
      '/api/redactions',
      `/api/artifacts/${'ab'.repeat(16)}`,
      `/api/provenance/slice?trace=${pi}&span=${'01'.repeat(8)}`,
      `/api/provenance/traces/${pi}`,
    ]) {
      const r = await json<ApiError>(await app.request(path));
      expect([r.status, r.type], path).toEqual([500, 'application/json']);
      const ref = /^internal error \(reference ([0-9a-f]{8}) in the collector's log\)$/.exec(r.body.error)?.[1];
      expect(ref, r.body.error).toBeDefined();
      const line = logged.find((l) => l.includes(ref!))!;
      // (the log names the path without its query)
      expect(line, path).toMatch(new RegExp(`^API error ${ref}: GET ${path.split('?')[0]!.replace(/\//g, '\\/')}: \\w+: .*(ECONNREFUSED|connect)`));
      expect(line).not.toContain('\n');
      expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|at .*\.ts|127\.0\.0\.1/);
    }
    expect(logged).toHaveLength(8);
  });

  it('unknown API paths and methods answer a JSON 404 naming them', async () => {
    for (const [method, path] of [['GET', '/api/nope'], ['DELETE', '/api/traces'], ['POST', `/api/traces/${pi}`], ['GET', '/api/ledger']]) {
      const r = await json<ApiError>(await cw.api.request(path!, { method }));
      expect([r.status, r.type, r.body.error], path).toEqual([404, 'application/json', `no API route ${method} ${path}`]);
    }
  });

  it('bodies that are not JSON objects answer 400 with the expected shape; a body over 1 MiB answers 413', async () => {
    for (const [path, body] of [['/api/incidents', '{not json'], ['/api/incidents', '[1,2]'], ['/api/bundles', 'null'], [`/api/incidents/${'a'.repeat(16)}/events`, '"note"']]) {
      const r = await json<ApiError>(await post(cw.api, path!, body!));
      expect([r.status, r.type], `${path} ${body}`).toEqual([400, 'application/json']);
      expect(r.body.error).toMatch(/^body must be (JSON|a JSON object): \{/);
    }
    const big = JSON.stringify({ title: 'x', notes: 'y'.repeat(MAX_API_BODY_BYTES) });
    const r = await json<ApiError>(await post(cw.api, '/api/incidents', big));
    expect([r.status, r.body.error]).toEqual([413, `request body over ${MAX_API_BODY_BYTES} bytes`]);
  });

  it('bad ids and parameters answer 400 with the reason on every route that takes them', async () => {
    const cases: [string, string, RegExp][] = [
      ['GET', '/api/ledger/inclusion?trace=xyz&span=0000000000000001', /^trace \(a trace id\) must be 32 hex characters/],
      ['GET', `/api/ledger/inclusion?trace=${pi}`, /^span \(a span id\) must be 16 hex characters/],
      ['GET', '/api/ledger/consistency?from=0', /^from and to must be tree sizes with 1 ≤ from ≤ to ≤ \d+$/],
      ['GET', '/api/ledger/consistency?from=abc', /^from and to must be tree sizes/],
      ['GET', '/api/ledger/consistency?from=2&to=1', /^from and to must be tree sizes/],
      ['GET', '/api/incidents/xyz', /^incident id must be 16 hex characters/],
      ['GET', '/api/traces/xyz/logs', /^trace id must be 32 hex characters/],
    ];
    for (const [method, path, reason] of cases) {
      const r = await json<ApiError>(await cw.api.request(path, { method }));
      expect([r.status, r.type], path).toEqual([400, 'application/json']);
      expect(r.body.error, path).toMatch(reason);
    }
    const bundles: [unknown, RegExp][] = [
      [{ traceIds: [] }, /^traceIds must be 1 to 1000 trace ids/],
      [{ traceIds: ['xyz'] }, /^traceIds must be 1 to 1000 trace ids/],
      [{ slice: 'x' }, /^slice must be an object/],
      [{ slice: { trace: 'xyz', span: '0000000000000001' } }, /^slice\.trace must be 32 hex characters/],
      [{ slice: { trace: pi } }, /^slice needs span \(16 hex\) or artifact \(32 hex\)/],
      [{ slice: { trace: pi, span: 'nope' } }, /^slice\.span must be 16 hex characters/],
      [{ slice: { trace: pi, span: '0000000000000001', direction: 'sideways' } }, /^slice\.direction must be one of backward, forward/],
      [{ slice: { trace: pi, span: '0000000000000001', depth: 65 } }, /^slice\.depth must be an integer from 1 to 64/],
    ];
    for (const [body, reason] of bundles) {
      const r = await json<ApiError>(await post(cw.api, '/api/bundles', JSON.stringify(body)));
      expect([r.status, r.body.error], JSON.stringify(body)).toEqual([400, expect.stringMatching(reason)]);
    }
    expect((await json<ApiError>(await post(cw.api, '/api/bundles', JSON.stringify({ traceIds: ['ab'.repeat(16)] })))).status).toBe(404);
  });
});

describe('the scope decides the tenant of every read', () => {
  it('another tenant sees none of this tenant\'s traces, incidents or exports, and records its own', async () => {
    const created = await json<Incident>(await post(cw.api, '/api/incidents', JSON.stringify({ title: 'mine', seeds: [] })));
    expect(created.status).toBe(201);
    const other = appWith({ resolveScope: () => ({ tenant: 'other' }) });
    expect((await json<TraceSearchResponse>(await other.request('/api/traces'))).body).toEqual({ traces: [], total: 0, scanned: 0, partial: false });
    expect((await other.request(`/api/traces/${pi}`)).status).toBe(404);
    expect((await json<IncidentListResponse>(await other.request('/api/incidents'))).body.incidents).toEqual([]);
    expect((await other.request(`/api/incidents/${created.body.id}`)).status).toBe(404);
    expect((await other.request(`/api/provenance/traces/${pi}`)).status).toBe(404);
    const theirs = await json<Incident>(await post(other, '/api/incidents', JSON.stringify({ title: 'theirs' })));
    expect(theirs.status).toBe(201);
    const mine = (await cw.get<IncidentListResponse>('/api/incidents')).body.incidents.map((i) => i.title);
    expect(mine).toContain('mine');
    expect(mine).not.toContain('theirs');
  });

  it('a resolver that refuses the request stops it before any route runs; a principal is the actor', async () => {
    const refused = appWith({ resolveScope: () => { throw new HttpError(401, 'sign in first'); } });
    for (const path of ['/api/traces', '/api/nope', `/api/traces/${pi}`]) {
      expect(await json<ApiError>(await refused.request(path))).toEqual({ status: 401, type: 'application/json', body: { error: 'sign in first' } });
    }
    expect((await refused.request('/healthz')).status).toBe(200);
    const signedIn = appWith({ resolveScope: () => ({ tenant: 'default', principal: { id: 'sub-1', name: 'ana@corp.example' } }) });
    const inc = await json<Incident>(await post(signedIn, '/api/incidents', JSON.stringify({ title: 'by principal', actor: 'someone else' }), { 'x-causeway-user': 'header user' }));
    expect(inc.body.createdBy).toBe('ana@corp.example');
    const anon = await json<Incident>(await post(cw.api, '/api/incidents', JSON.stringify({ title: 'by header' }), { 'x-causeway-user': 'header user' }));
    expect(anon.body.createdBy).toBe('header user');
  });
});

describe('GET /healthz', () => {
  it('shows what redaction replaced, through a view the route cannot change', async () => {
    const h = await cw.get<HealthResponse>('/healthz');
    expect(h.status).toBe(200);
    expect(h.body.redaction.spansRedacted).toBeGreaterThan(0);
    const tally = new RedactionTally();
    tally.add([{ rule: 'email', field: 'name', count: 2 }]);
    const seen = tally.snapshot();
    seen.spansRedacted = 99;
    seen.byRule.email = 99;
    expect(tally.snapshot()).toEqual({ spansRedacted: 1, byRule: { email: 2 } });
  });
});
