// Detections from the user's side: agent runs exported through the real OTel SDK's OTLP exporter
// into a real collector process, findings read back from the API, alerts received by a webhook
// whose HMAC signature is checked, status changed through events, and `causeway detect --since`
// re-run over the stored history without raising anything twice.
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingListResponse, FindingView } from '@causeway/schemas';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';
import { loadCaptured } from '../../fixtures/agents/captured.ts';
import { type DetectingCollector, type ReceivedAlert, startDetectingCollector, until } from './detecting-collector.ts';
import { emitRun } from '../../fixtures/detections/emit.ts';
import { POLICY, benign, incidents } from '../../fixtures/detections/stories.ts';
import type { MonitorStats } from '../src/detections/monitor.ts';
import { verifyBundle } from '../src/bundle/verify.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('detections end to end', () => {
  const dir = tempDataDir('causeway-detect-');
  let detecting: DetectingCollector;
  let policyFile: string;
  let secret: Buffer;
  let received: ReceivedAlert[];
  let cw: CollectorProcess;
  let exporter: OTLPTraceExporter;

  const findings = async (q = ''): Promise<FindingView[]> => (await cw.getJson<FindingListResponse>(`/api/findings${q}`)).body.findings;
  const stats = async (): Promise<MonitorStats> => (await cw.getJson<MonitorStats>('/api/detections/status')).body;

  beforeAll(async () => {
    detecting = await startDetectingCollector(dir);
    ({ cw, received, secret, policyFile } = detecting);
    exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
  }, 120_000);

  afterAll(async () => {
    await exporter?.shutdown();
    await cw?.stop();
    await detecting?.stop();
  });

  it('raises R1 once, with its taint path, for an injection whose spans arrive out of order and late; benign runs raise nothing; the webhook gets a signed OCSF finding', async () => {
    const story = incidents().find((s) => s.name.startsWith('web page injection'))!;
    const spans = emitRun(story.run);
    const traceId = spans[0]!.spanContext().traceId;
    const isPayment = (s: ReadableSpan): boolean => s.name === 'execute_tool transfer_funds';
    const root = spans.find((s) => s.name.startsWith('invoke_agent'))!;
    // the payment first, the content that steered it next, the root span much later
    expect(await exportSpans(exporter, spans.filter(isPayment))).toBe(true);
    expect(await exportSpans(exporter, spans.filter((s) => !isPayment(s) && s !== root))).toBe(true);
    const benignRuns = benign().slice(0, 8).map((b) => emitRun(b.run));
    for (const b of benignRuns) expect(await exportSpans(exporter, b)).toBe(true);

    const r1 = await until('the R1 finding', async () => (await findings(`?trace=${traceId}&rule=R1`))[0]);
    expect(r1.evidence.detail.tool).toBe('transfer_funds');
    expect(r1.evidence.taintPaths.length).toBeGreaterThan(0);
    const path = r1.evidence.taintPaths[0]!;
    expect(path.nodes.at(-1)).toBe(r1.evidence.seed);
    expect(r1.evidence.seed).toBe(`act:${traceId}/${spans.find(isPayment)!.spanContext().spanId}`);
    expect(r1.owasp.join(' ')).toContain('ASI01');
    expect(r1.atlas.join(' ')).toContain('AML.T0051');
    expect(r1.status).toBe('open');

    // the late root span: the trace is evaluated again, and nothing is raised twice
    const before = (await stats()).evaluatedTraces;
    expect(await exportSpans(exporter, [root])).toBe(true);
    await until('the trace evaluated again', async () => {
      const s = await stats();
      return s.evaluatedTraces > before && s.pendingTraces === 0 ? true : undefined;
    });
    // the root span names the agent: only now is the payment known as research-bot's, outside its scope (R2)
    expect((await findings(`?trace=${traceId}`)).map((f) => f.ruleId).sort()).toEqual(['R1', 'R2']);

    await until('every benign trace evaluated', async () => ((await stats()).pendingTraces === 0 ? true : undefined));
    for (const b of benignRuns) expect(await findings(`?trace=${b[0]!.spanContext().traceId}`)).toEqual([]);

    const alert = await until('the webhook alert', async () => received.find((r) => JSON.parse(r.body).finding_info?.uid === r1.id));
    const ts = String(alert.headers['x-causeway-timestamp']);
    const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${alert.body}`).digest('hex')}`;
    expect(alert.headers['x-causeway-signature']).toBe(expected);
    const ocsf = JSON.parse(alert.body);
    expect([ocsf.class_uid, ocsf.type_uid, ocsf.severity_id]).toEqual([2004, 200401, 5]);
    expect(ocsf.finding_info.analytic.uid).toBe('R1');
    // one alert per finding, even though the trace was evaluated twice
    expect(received.filter((r) => JSON.parse(r.body).finding_info?.uid === r1.id)).toHaveLength(1);
  }, 180_000);

  it("raises R1 on the openai library's captured prompt injection (export_customers, send_email) with the injected email on the path", async () => {
    const cap = loadCaptured('openai', 'prompt-injection', 'traces')!;
    for (const r of [...cap.requests, ...(loadCaptured('openai', 'prompt-injection', 'logs')?.requests ?? [])]) {
      const res = await fetch(`${cw.otlpUrl}${r.path}`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
      expect(res.status).toBe(200);
    }
    const r1 = await until('two R1 findings', async () => {
      const f = await findings(`?trace=${cap.traceId}&rule=R1`);
      return f.length === 2 ? f : undefined;
    });
    expect(r1.map((f) => f.evidence.detail.tool).sort()).toEqual(['export_customers', 'send_email']);
    const send = r1.find((f) => f.evidence.detail.tool === 'send_email')!;
    expect((send.evidence.detail.untrustedSources as { documentId: string }[]).map((s) => s.documentId)).toContain('msg-7f3a91');
  }, 120_000);

  it("raises R5 when research-bot's call rate jumps against its own history in the store", async () => {
    const history = benign().filter((b) => b.run.agent === 'research-bot');
    const spike = incidents().find((s) => s.expect.includes('R5'))!; // made after the history: later in time
    for (const h of history) expect(await exportSpans(exporter, emitRun(h.run))).toBe(true);
    const spans = emitRun(spike.run);
    expect(await exportSpans(exporter, spans)).toBe(true);
    const r5 = await until('the R5 finding', async () => (await findings(`?trace=${spans[0]!.spanContext().traceId}&rule=R5`))[0]);
    expect(r5.agent.name).toBe('research-bot');
    expect(r5.evidence.detail.calls).toBe(30);
    expect((r5.evidence.detail.baseline as number[]).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('revises a finding by an approval that arrives after it (late spans): R8 gets a resolved_by_approval event naming the approval, the finding itself unchanged', async () => {
    const story = incidents().find((s) => s.name === 'refund issued without the approval policy requires')!;
    const approved = {
      ...story.run,
      user: 'Refund the double charge on INV-3310.',
      steps: story.run.steps.map((st) => (st.tool === 'issue_refund' ? { ...st, approval: { by: 'human' as const, decision: 'approved' as const, approver: 'cfo@acme.example' } } : st)),
    };
    const spans = emitRun(approved);
    const traceId = spans[0]!.spanContext().traceId;
    const isApproval = (s: ReadableSpan): boolean => s.attributes['causeway.approval.decision'] !== undefined;
    const approval = spans.find(isApproval)!;
    // everything but the approval: the refund looks unapproved
    expect(await exportSpans(exporter, spans.filter((s) => !isApproval(s)))).toBe(true);
    const r8 = await until('the R8 finding', async () => (await findings(`?trace=${traceId}&rule=R8`))[0]);
    expect(r8.status).toBe('open');
    // the approval arrives late, through the same exporter
    expect(await exportSpans(exporter, [approval])).toBe(true);
    const resolved = await until('the finding resolved', async () => {
      const f = (await findings(`?trace=${traceId}&rule=R8`))[0];
      return f?.status === 'resolved' ? f : undefined;
    });
    expect(resolved.events).toEqual([
      expect.objectContaining({ type: 'resolved_by_approval', approval: `act:${traceId}/${approval.spanContext().spanId}`, decision: 'human:approved', how: 'call_id', actor: 'causeway' }),
    ]);
    const { status: _s, events: _e, ...asRaised } = resolved;
    const { status: _s0, events: _e0, ...before } = r8;
    expect(asRaised).toEqual(before);
    expect((await findings('?status=resolved')).map((f) => f.id)).toContain(r8.id);
    expect((await stats()).findingsRevised).toBeGreaterThanOrEqual(1);
    // evaluated once more (the exporter retrying the approval span): no second event
    const again = (await stats()).evaluatedTraces;
    expect(await exportSpans(exporter, [approval])).toBe(true);
    await until('the trace evaluated again', async () => ((await stats()).evaluatedTraces > again && (await stats()).pendingTraces === 0 ? true : undefined));
    expect((await findings(`?trace=${traceId}&rule=R8`))[0]!.events).toHaveLength(1);

    // the resolution goes to the same webhook as the finding did: its Close, signed the same way, once
    const alertsOf = (uid: string): ReceivedAlert[] => received.filter((r) => JSON.parse(r.body).finding_info?.uid === uid);
    const close = await until('the Close alert', async () => alertsOf(r8.id).find((r) => JSON.parse(r.body).activity_id === 3));
    const ts = String(close.headers['x-causeway-timestamp']);
    expect(close.headers['x-causeway-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${close.body}`).digest('hex')}`);
    const ocsf = JSON.parse(close.body);
    expect([ocsf.class_uid, ocsf.type_uid, ocsf.status_id, ocsf.status]).toEqual([2004, 200403, 4, 'Resolved']);
    expect(ocsf.finding_info.analytic.uid).toBe('R8');
    expect(ocsf.unmapped.causeway.event).toEqual(expect.objectContaining({ type: 'resolved_by_approval', approval: `act:${traceId}/${approval.spanContext().spanId}`, actor: 'causeway' }));
    expect(ocsf.time).toBe(Date.parse(resolved.events[0]!.at));
    expect(alertsOf(r8.id).map((r) => JSON.parse(r.body).activity_id).sort()).toEqual([1, 3]);
  }, 180_000);

  it('changes the registry through the API: admin only, append-only versions, the newest wins, every change audited, and findings name the registry version they were evaluated against', async () => {
    const put = (token: string | undefined, body: unknown): Promise<Response> =>
      cw.fetch('/api/agents/ledger-bot', { method: 'PUT', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const entry = { service: 'billing', owner: 'finance@acme.example', purpose: 'reconcile ledgers', allowedTools: ['lookup_invoice', 'issue_refund'] };
    const viewer = cw.createToken({ tenant: 'default', role: 'viewer', name: 'registry-viewer' });
    expect((await put(viewer, entry)).status).toBe(403);
    expect((await put(undefined, { ...entry, owner: '' })).status).toBe(400);
    const v1 = await put(undefined, entry);
    expect(v1.status).toBe(201);
    expect(((await v1.json()) as { version: number }).version).toBe(1);
    // version 2 narrows the scope: refunds are no longer ledger-bot's
    const v2 = await put(undefined, { ...entry, allowedTools: ['lookup_invoice'] });
    expect(((await v2.json()) as { version: number }).version).toBe(2);
    const h = (await cw.getJson<{ current: { source: string; version: number; entry: { allowedTools: string[] } }; versions: { version: number; actor: string }[]; registryVersion: number }>('/api/agents/ledger-bot')).body;
    expect(h.current).toEqual(expect.objectContaining({ source: 'api', version: 2, entry: expect.objectContaining({ allowedTools: ['lookup_invoice'] }) }));
    expect(h.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(h.registryVersion).toBe(2);
    expect((await cw.fetch('/api/agents/nobody-registered')).status).toBe(404);

    const story = incidents().find((x) => x.name === 'refund issued without the approval policy requires')!;
    const spans = emitRun({ ...story.run, agent: 'ledger-bot', user: 'Refund INV-9001 after reconciliation.' });
    const traceId = spans[0]!.spanContext().traceId;
    expect(await exportSpans(exporter, spans)).toBe(true);
    const r2 = await until('the R2 finding', async () => (await findings(`?trace=${traceId}&rule=R2`))[0]);
    expect(r2.evidence.detail.tool).toBe('issue_refund');
    expect(r2.agent).toEqual(expect.objectContaining({ name: 'ledger-bot', registered: true, owner: 'finance@acme.example', registryVersion: 2, entryVersion: 2 }));

    const audit = (await cw.getJson<{ events: { action: string; target: string; status: number }[] }>('/api/audit?action=agent.changed&limit=100')).body.events;
    expect(audit.filter((e) => e.status === 201).map((e) => e.target)).toEqual(['ledger-bot', 'ledger-bot']);
    expect(audit.some((e) => e.status === 400)).toBe(true);
  }, 120_000);

  it('binds an agent to the ingest credentials allowed to emit it: spans claiming it from another credential raise R10 (once per trace and credential); the agents list names the credentials that sent each agent', async () => {
    const tokenA = cw.createToken({ tenant: 'default', role: 'ingest', name: 'payments-exporter' });
    const tokenB = cw.createToken({ tenant: 'default', role: 'ingest', name: 'other-exporter' });
    const idOf = (t: string): string => /^cw_([0-9a-f]{16})_/.exec(t)![1]!;
    const put = await cw.fetch('/api/agents/payments-bot', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'payments', owner: 'treasury@acme.example', purpose: 'look up invoices', credentials: ['payments-exporter'] }),
    });
    expect(put.status).toBe(201);
    const exporterA = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: { authorization: `Bearer ${tokenA}` } });
    const exporterB = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: { authorization: `Bearer ${tokenB}` } });
    try {
      const base = benign()[0]!.run;
      const legit = emitRun({ ...base, agent: 'payments-bot', service: 'payments' });
      const forged = emitRun({ ...base, agent: 'payments-bot', service: 'payments', startMs: base.startMs + 60_000 });
      expect(await exportSpans(exporterA, legit)).toBe(true);
      expect(await exportSpans(exporterB, forged)).toBe(true);
      const forgedTrace = forged[0]!.spanContext().traceId;
      const r10 = await until('the R10 finding', async () => (await findings(`?trace=${forgedTrace}&rule=R10`))[0]);
      expect(r10.severity).toBe('high');
      expect(r10.agent).toEqual(expect.objectContaining({ name: 'payments-bot', registered: true, owner: 'treasury@acme.example' }));
      expect(r10.evidence.detail.credential).toEqual({ id: idOf(tokenB), name: 'other-exporter' });
      expect(r10.evidence.detail.boundCredentials).toEqual(['payments-exporter']);
      // every span of the run is payments-bot's own service: each claims the agent
      expect(r10.evidence.detail.spans).toBe(forged.length);
      expect(r10.evidence.nodes).toContain(`act:${forgedTrace}/${forged.find((x) => x.name.startsWith('invoke_agent'))!.spanContext().spanId}`);
      expect(r10.atlas.join(' ')).toContain('AML.T0073');
      expect(r10.owasp.join(' ')).toContain('ASI03');
      await until('every trace evaluated', async () => ((await stats()).pendingTraces === 0 ? true : undefined));
      // the bound credential's run raises no R10
      expect(await findings(`?trace=${legit[0]!.spanContext().traceId}&rule=R10`)).toEqual([]);
      // the forger re-sends (an exporter retry): the trace is evaluated again, still one finding
      const before = (await stats()).evaluatedTraces;
      expect(await exportSpans(exporterB, forged.slice(0, 1))).toBe(true);
      await until('the trace evaluated again', async () => ((await stats()).evaluatedTraces > before && (await stats()).pendingTraces === 0 ? true : undefined));
      expect(await findings(`?trace=${forgedTrace}&rule=R10`)).toHaveLength(1);

      const agents = (await cw.getJson<{ registered: { id: string; credentials?: string[]; seen: { credentials: { id: string; name: string; spans: number }[] }[] }[] }>('/api/agents')).body;
      const entry = agents.registered.find((a) => a.id === 'payments-bot')!;
      expect(entry.credentials).toEqual(['payments-exporter']);
      const sentBy = entry.seen.flatMap((s) => s.credentials).map((c) => c.name).sort();
      expect(sentBy).toEqual(['other-exporter', 'payments-exporter']);
    } finally {
      await exporterA.shutdown();
      await exporterB.shutdown();
    }
  }, 180_000);

  it('changes a finding\'s status through events: a false positive needs a reason', async () => {
    const [f] = await findings('?rule=R1');
    const bad = await cw.fetch(`/api/findings/${f!.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'false_positive' }) });
    expect(bad.status).toBe(400);
    const ok = await cw.fetch(`/api/findings/${f!.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'false_positive', reason: 'vendor really changed bank' }) });
    expect(ok.status).toBe(201);
    const after = (await ok.json()) as FindingView;
    expect(after.status).toBe('false_positive');
    expect(after.events.map((e) => e.type)).toEqual(['false_positive']);
    expect((await findings('?status=false_positive')).map((x) => x.id)).toEqual([f!.id]);
  });

  it('`causeway detect --since` over the stored history adds nothing already found, and finds what a changed registry now says', async () => {
    const all = await findings();
    await cw.stop();
    const env = { ...(await storeEnv(join(dir, 'data'))), CAUSEWAY_DETECTION_POLICY: policyFile };
    const again = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'detect', '--since', '2026-01-01T00:00:00Z'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/R1: \d+ found, 0 new/);
    // research-bot no longer registered: R9 for it, over history
    const fewer = join(dir, 'policy-2.json');
    writeFileSync(fewer, JSON.stringify({ agents: POLICY.agents.filter((a) => a.id !== 'research-bot') }));
    const changed = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'detect', '--since', '2026-01-01T00:00:00Z'], { cwd: ROOT, env: { ...process.env, ...env, CAUSEWAY_DETECTION_POLICY: fewer }, encoding: 'utf8' });
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/R9: \d+ found, 1 new/);
    cw = await startCollector({ dataDir: join(dir, 'data'), env: { CAUSEWAY_DETECTION_POLICY: policyFile } });
    const now = await findings();
    expect(now.length).toBe(all.length + 1);
    expect(now.filter((f) => f.ruleId === 'R9').map((f) => f.agent.name)).toEqual(['research-bot']);
  }, 180_000);
  it('findings are evidence: a bundle of a trace carries its findings and their status events with inclusion proofs; `causeway verify` names a finding or event changed or forged behind the collector\'s back', async () => {
    const marked = (await findings('?status=false_positive'))[0]!;
    const traceId = marked.traceIds[0]!;
    const onTrace = await findings(`?trace=${traceId}`);
    const res = await cw.fetch('/api/bundles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: [traceId] }) });
    expect(res.status).toBe(200);
    const zip = new Uint8Array(await res.arrayBuffer());
    const publicKey = Buffer.from((await cw.checkpoint()).publicKey, 'base64');
    const verdict = verifyBundle(zip, publicKey);
    expect(verdict.problems).toEqual([]);
    const files = unzipSync(zip);
    const lines = (name: string): Record<string, string>[] => strFromU8(files[name]!).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const bundled = lines('findings/findings.jsonl');
    // every finding whose first trace this is, as stored (the body is the finding)
    expect(bundled.map((r) => r.finding_id).sort()).toEqual(onTrace.filter((f) => f.traceIds[0] === traceId).map((f) => f.id).sort());
    expect(JSON.parse(bundled.find((r) => r.finding_id === marked.id)!.body!).evidence.seed).toBe(marked.evidence.seed);
    expect(lines('findings/events.jsonl').map((e) => [e.finding_id, e.type])).toContainEqual([marked.id, 'false_positive']);
    expect(lines('proofs/findings-inclusion.jsonl')).toHaveLength(bundled.length);
    // a finding edited inside the bundle no longer proves
    const edited = bundled.map((r) => JSON.stringify(r.finding_id === marked.id ? { ...r, severity: 'low' } : r));
    const redone = zipSync({ ...files, 'findings/findings.jsonl': strToU8(edited.map((l) => `${l}\n`).join('')) });
    expect(verifyBundle(redone, publicKey).problems).toEqual(
      expect.arrayContaining(['file findings/findings.jsonl does not match its digest in the manifest', expect.stringMatching(new RegExp(`^finding \\d+ \\(finding ${marked.id}\\) is not proven to be in the log$`))]),
    );

    // The store: clean first, then a finding downgraded and a status event forged through a side door.
    await cw.stop();
    const env = await storeEnv(join(dir, 'data'));
    const cli = (...args: string[]): { code: number; out: string } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, ...args.slice(0, 1)), ...args.slice(1)], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
      return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
    };
    const clean = cli('collector/src/main.ts', 'verify');
    expect(clean.code, clean.out).toBe(0);
    const forged = 'ab'.repeat(8);
    const t = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'testkit/tamper-store.ts'),
        join(dir, 'data'),
        `ALTER TABLE causeway.findings UPDATE severity = 'low' WHERE finding_id = '${marked.id}'`,
        `INSERT INTO causeway.finding_events (tenant, finding_id, event_id, at, type, actor, payload) SELECT tenant, finding_id, '${forged}', now64(3), 'acknowledged', 'nobody', '{}' FROM causeway.findings WHERE finding_id = '${marked.id}' LIMIT 1`,
        // the registry: a version widened behind the collector's back, and a version forged
        `ALTER TABLE causeway.agent_registry UPDATE entry = replaceOne(entry, '"allowedTools":["lookup_invoice"]', '"allowedTools":["lookup_invoice","issue_refund"]') WHERE agent_id = 'ledger-bot' AND version = 2`,
        `INSERT INTO causeway.agent_registry (tenant, agent_id, version, at, actor, entry) VALUES ('default', 'ledger-bot', 3, now64(3), 'admin', '{"id":"ledger-bot","owner":"x","purpose":"y"}')`,
      ],
      { cwd: ROOT, env: { ...process.env, ...(await storeEnv(join(dir, 'data'), 'admin')) }, encoding: 'utf8' },
    );
    expect(t.status, `${t.stdout}${t.stderr}`).toBe(0);
    const tampered = cli('collector/src/main.ts', 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`TAMPERED  findings row added or changed: finding ${marked.id} is not in the log`);
    expect(tampered.out).toMatch(/TAMPERED {2}findings row dropped: leaf \d+/);
    expect(tampered.out).toContain(`TAMPERED  finding_events row added or changed: event ${forged} of finding ${marked.id} is not in the log`);
    expect(tampered.out).toContain('TAMPERED  agent_registry row added or changed: agent ledger-bot version 2 is not in the log');
    expect(tampered.out).toMatch(/TAMPERED {2}agent_registry row dropped: leaf \d+/);
    expect(tampered.out).toContain('TAMPERED  agent_registry row added or changed: agent ledger-bot version 3 is not in the log');
    // the untouched versions still prove
    expect(tampered.out).not.toContain('agent ledger-bot version 1 ');
    cw = await startCollector({ dataDir: join(dir, 'data'), env: { CAUSEWAY_DETECTION_POLICY: policyFile } });
  }, 240_000);
});
