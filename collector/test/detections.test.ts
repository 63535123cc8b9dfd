// Detections from the user's side: agent runs exported through the real OTel SDK's OTLP exporter
// into a real collector process, findings read back from the API, alerts received by a webhook
// whose HMAC signature is checked, status changed through events, and `causeway detect --since`
// re-run over the stored history without raising anything twice.
import { createHmac, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingListResponse, FindingView } from '@causeway/schemas';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';
import { loadCaptured } from '../../fixtures/agents/captured.ts';
import { emitRun } from '../../fixtures/detections/emit.ts';
import { POLICY, benign, incidents } from '../../fixtures/detections/stories.ts';
import type { MonitorStats } from '../src/detections/monitor.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('detections end to end', () => {
  const dir = tempDataDir('causeway-detect-');
  const policyFile = join(dir, 'policy.json');
  const secretFile = join(dir, 'webhook.secret');
  const secret = randomBytes(32);
  const received: Received[] = [];
  let hook: ReturnType<typeof createServer>;
  let cw: CollectorProcess;
  let exporter: OTLPTraceExporter;

  const findings = async (q = ''): Promise<FindingView[]> => (await getJson<FindingListResponse>(`${cw.apiUrl}/api/findings${q}`)).body.findings;
  const stats = async (): Promise<MonitorStats> => (await getJson<MonitorStats>(`${cw.apiUrl}/api/detections/status`)).body;

  beforeAll(async () => {
    writeFileSync(policyFile, JSON.stringify(POLICY));
    writeFileSync(secretFile, secret, { mode: 0o600 });
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    cw = await startCollector({
      dataDir: join(dir, 'data'),
      env: {
        CAUSEWAY_DETECTION_POLICY: policyFile,
        CAUSEWAY_DETECT_QUIET_MS: '1500',
        CAUSEWAY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
        CAUSEWAY_WEBHOOK_SECRET_FILE: secretFile,
      },
    });
    exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces` });
  }, 120_000);

  afterAll(async () => {
    await exporter?.shutdown();
    await cw?.stop();
    hook?.close();
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
      const res = await fetch(`${cw.otlpUrl}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
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

  it('changes a finding\'s status through events: a false positive needs a reason', async () => {
    const [f] = await findings('?rule=R1');
    const bad = await fetch(`${cw.apiUrl}/api/findings/${f!.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'false_positive' }) });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${cw.apiUrl}/api/findings/${f!.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'false_positive', reason: 'vendor really changed bank' }) });
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
});
