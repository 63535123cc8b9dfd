// Rule R7 across traces, from the user's side: an agent that runs one trace per ticket, each
// with one destructive call, exported through the real OTel SDK's OTLP exporter into a real
// collector process. One finding for the burst, once its evidence is complete, not raised again
// as more traces come; none below the threshold or spread wider than the window; the webhook
// gets it signed; `causeway detect --since` over the history finds the same finding.
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingListResponse, FindingView } from '@causeway/schemas';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';
import { type DetectingCollector, type ReceivedAlert, startDetectingCollector, until } from './detecting-collector.ts';
import { emitRun } from '../../fixtures/detections/emit.ts';
import type { MonitorStats } from '../src/detections/monitor.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const AGENT_KEY = 'infra/ops-bot';

/** One cleanup ticket, one trace: ops-bot deletes one production record. */
const ticket = (n: number, startMs: number): ReadableSpan[] =>
  emitRun({
    agent: 'ops-bot',
    service: 'infra',
    system: 'You are a careful operations assistant.',
    user: `Process cleanup ticket OPS-${n}.`,
    steps: [{ tool: 'delete_record', args: { id: `cust-${n}`, env: 'production' }, result: { deleted: `cust-${n}` } }],
    startMs,
  });

const callNode = (spans: ReadableSpan[]): string => {
  const s = spans.find((x) => x.name === 'execute_tool delete_record')!;
  return `act:${s.spanContext().traceId}/${s.spanContext().spanId}`;
};

describe('R7 across traces, end to end', () => {
  const dir = tempDataDir('causeway-mass-');
  let detecting: DetectingCollector;
  let policyFile: string;
  let secret: Buffer;
  let received: ReceivedAlert[];
  let cw: CollectorProcess;
  let exporter: OTLPTraceExporter;

  const r7 = async (): Promise<FindingView[]> => (await cw.getJson<FindingListResponse>(`/api/findings?rule=R7&agent=${encodeURIComponent(AGENT_KEY)}`)).body.findings;
  const stats = async (): Promise<MonitorStats> => (await cw.getJson<MonitorStats>('/api/detections/status')).body;
  /** exports each trace (one request each unless `together`) and waits until all are evaluated */
  const send = async (traces: ReadableSpan[][], together = false): Promise<void> => {
    const before = (await stats()).evaluatedTraces;
    if (together) expect(await exportSpans(exporter, traces.flat())).toBe(true);
    else for (const t of traces) expect(await exportSpans(exporter, t)).toBe(true);
    await until('the traces evaluated', async () => {
      const s = await stats();
      return s.evaluatedTraces >= before + traces.length && s.pendingTraces === 0 ? true : undefined;
    });
  };
  const alertsOf = (id: string): ReceivedAlert[] => received.filter((r) => JSON.parse(r.body).finding_info?.uid === id);

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

  it('raises one R7 finding once a fifth trace completes the burst, lists every call across the traces, signs its alert, and raises nothing more as further traces of the burst arrive', async () => {
    const t0 = Date.UTC(2026, 10, 20, 10, 0, 0);
    const traces = Array.from({ length: 11 }, (_, i) => ticket(4100 + i, t0 + i * 20_000));
    // four deletions (below minResources 5), each trace on its own: nothing yet
    await send(traces.slice(0, 4));
    expect(await r7()).toEqual([]);

    // four more, arriving late in one export: the evidence is complete, one finding
    await send(traces.slice(4, 8), true);
    const [f, ...others] = await r7();
    expect(others).toEqual([]);
    expect(f!.agent).toEqual(expect.objectContaining({ key: AGENT_KEY, name: 'ops-bot', registered: true, owner: 'sre@acme.example' }));
    expect([...f!.evidence.nodes].sort()).toEqual(traces.slice(0, 8).map(callNode).sort());
    expect(f!.evidence.seed).toBe(callNode(traces[0]!));
    expect([...f!.traceIds].sort()).toEqual(traces.slice(0, 8).map((t) => t[0]!.spanContext().traceId).sort());
    expect(f!.evidence.detail).toEqual(expect.objectContaining({ tool: 'delete_record', calls: 8, distinctResources: 8, traces: 8, windowSeconds: 300 }));
    expect(f!.occurredAt).toBe(new Date(t0 + 200).toISOString()); // the first call: after the first chat step

    const alert = await until('the webhook alert', async () => alertsOf(f!.id)[0]);
    const ts = String(alert.headers['x-causeway-timestamp']);
    expect(alert.headers['x-causeway-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${alert.body}`).digest('hex')}`);
    const ocsf = JSON.parse(alert.body);
    expect([ocsf.class_uid, ocsf.type_uid, ocsf.finding_info.analytic.uid]).toEqual([2004, 200401, 'R7']);
    expect(ocsf.unmapped.causeway.evidence.nodes).toHaveLength(8);

    // three more deletions of the burst, one trace at a time; one that ran before all the others
    // (a minute earlier, in the window-sized bucket before) arriving last; a trace re-sent: still one finding, one alert
    const early = ticket(4099, t0 - 60_000);
    await send([...traces.slice(8), early, traces[2]!]);
    expect((await r7()).map((x) => x.id)).toEqual([f!.id]);
    expect(alertsOf(f!.id)).toHaveLength(1);
    expect(received.filter((r) => JSON.parse(r.body).finding_info?.analytic?.uid === 'R7')).toHaveLength(1);
  }, 240_000);

  it('raises nothing for the same deletions spread wider than the window (one every 80 s: at most 4 in any 300 s)', async () => {
    const t0 = Date.UTC(2026, 10, 20, 14, 0, 0);
    const traces = Array.from({ length: 8 }, (_, i) => ticket(5100 + i, t0 + i * 80_000));
    await send(traces, true);
    const mine = new Set(traces.map((t) => t[0]!.spanContext().traceId));
    expect((await r7()).filter((f) => f.traceIds.some((t) => mine.has(t)))).toEqual([]);
    expect(await r7()).toHaveLength(1); // the first test's finding, no other
  }, 180_000);

  it('`causeway detect --since` over the stored history finds the same R7 finding and adds none', async () => {
    const before = await r7();
    expect(before).toHaveLength(1);
    await cw.stop();
    const env = { ...(await storeEnv(join(dir, 'data'))), CAUSEWAY_DETECTION_POLICY: policyFile };
    const again = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'detect', '--since', '2026-11-20T00:00:00Z'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    // every trace of the burst evaluated again names the stored finding: found, none new
    expect(again.stdout).toMatch(/^R7: ([1-9]\d*) found, 0 new$/m);
    cw = await startCollector({ dataDir: join(dir, 'data'), env: { CAUSEWAY_DETECTION_POLICY: policyFile } });
    expect((await r7()).map((f) => f.id)).toEqual(before.map((f) => f.id));
  }, 180_000);
});
