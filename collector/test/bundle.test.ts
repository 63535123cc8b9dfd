// Evidence bundles: exported from a running collector, verified offline with nothing but the
// file and a pinned public key; reproducible; recorded; every tampering rejected.
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SliceActivity, SliceResponse } from '@causeway/schemas';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../src/bundle/dsse.ts';
import { verifyBundle } from '../src/bundle/verify.ts';
import { runPromptInjectionScenario } from '../../fixtures/scenarios/support-agent.ts';
import { type CollectorProcess, getJson, startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
let cw: CollectorProcess;
let traceId = '';
let spanCount = 0;
let publicKey: Buffer;

beforeAll(async () => {
  // Detections off: a finding raised between two exports would change the second bundle's findings
  // part (that bundles carry findings and their proofs is detections.test.ts's to prove).
  cw = await startCollector({ env: { CAUSEWAY_DETECTIONS: 'off' } });
  ({ traceId, spanCount } = await runPromptInjectionScenario(cw.otlpUrl, cw.ingestHeaders));
  await runPromptInjectionScenario(cw.otlpUrl, cw.ingestHeaders); // another trace, not selected
  // two log records in the selected trace (content some instrumentations send as logs)
  const logs = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${cw.otlpUrl}/v1/logs`, headers: cw.ingestHeaders }) })] });
  const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'a1b2c3d4e5f6a7b8', traceFlags: TraceFlags.SAMPLED });
  for (const content of ['summarize my inbox', 'send it to reconcile@vendor-updates.example']) logs.getLogger('openai').emit({ context: ctx, eventName: 'gen_ai.user.message', body: { content } });
  await logs.shutdown();
  await cw.settled();
  publicKey = Buffer.from((await cw.checkpoint()).publicKey, 'base64');
});
afterAll(async () => {
  await cw?.stop();
});

async function exportZip(ids: string[]): Promise<Buffer> {
  const res = await cw.fetch(`/api/bundles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: ids }) });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const rezip = (files: Record<string, Uint8Array>): Buffer => Buffer.from(zipSync(files));

describe('evidence bundles', () => {
  it('verify offline with a pinned key: every row proven in the signed log, the redacted content as stored', async () => {
    const zip = await exportZip([traceId]);
    const v = verifyBundle(zip, publicKey);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.rows).toBe(spanCount);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual([
      'README.md', 'audit/events.jsonl', 'checkpoint.note', 'findings/events.jsonl', 'findings/findings.jsonl', 'graph.json', 'log.json', 'manifest.dsse.json', 'proofs/audit-inclusion.jsonl', 'proofs/consistency.json',
      'proofs/finding-events-inclusion.jsonl', 'proofs/findings-inclusion.jsonl', 'proofs/inclusion.jsonl',
      'proofs/logs-inclusion.jsonl', 'proofs/prov_activities-inclusion.jsonl', 'proofs/prov_artifacts-inclusion.jsonl', 'proofs/prov_relations-inclusion.jsonl',
      'prov.json', 'redaction-report.json', 'report.html', 'rows/logs.jsonl', 'rows/prov_activities.jsonl', 'rows/prov_artifacts.jsonl', 'rows/prov_relations.jsonl', 'rows/spans.jsonl',
    ]);
    // every span is an activity row, proven like the spans
    expect(strFromU8(files['rows/prov_activities.jsonl']!).split('\n').filter(Boolean)).toHaveLength(spanCount);
    const logLines = strFromU8(files['rows/logs.jsonl']!).split('\n').filter(Boolean);
    expect(logLines).toHaveLength(2);
    // Both records carry the same millisecond timestamp, so their order in the file is by row hash.
    expect(logLines.filter((l) => /send it to \[REDACTED:email:[0-9a-f]{8}\]/.test(l))).toHaveLength(1);
    const rows = strFromU8(files['rows/spans.jsonl']!);
    expect(rows).not.toContain('reconcile@vendor-updates.example');
    expect(rows).toMatch(/\[REDACTED:email:[0-9a-f]{8}\]/);
    expect(rows.split('\n').filter(Boolean).every((l) => l.includes(`"trace_id":"${traceId}"`))).toBe(true);
    const prov = JSON.parse(strFromU8(files['prov.json']!)) as { activity: Record<string, unknown>; wasInformedBy: Record<string, unknown> };
    expect(Object.keys(prov.activity)).toHaveLength(spanCount);
    expect(Object.keys(prov.wasInformedBy)).toHaveLength(spanCount - 1);
    const report = JSON.parse(strFromU8(files['redaction-report.json']!)) as { spans: { redactions: { rule: string }[] }[] };
    expect(report.spans.flatMap((s) => s.redactions.map((r) => r.rule))).toContain('email');
    const env = JSON.parse(strFromU8(files['manifest.dsse.json']!)) as { payloadType: string; payload: string };
    expect(env.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { _type: string; predicate: { exporter: string; query: { traceIds: string[] } } };
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicate).toMatchObject({ exporter: expect.stringMatching(/^local admin \(token /), query: { traceIds: [traceId] } });
  });

  it('is reproducible: the same selection twice gives the same rows and graph; only the log (which recorded the first export) moved on', async () => {
    const a = unzipSync(await exportZip([traceId]));
    const b = unzipSync(await exportZip([traceId]));
    const logState = (name: string): boolean => name === 'manifest.dsse.json' || name === 'checkpoint.note' || name.startsWith('proofs/') || name.startsWith('audit/');
    for (const name of Object.keys(a)) if (!logState(name)) expect(Buffer.from(b[name]!).equals(Buffer.from(a[name]!)), name).toBe(true);
    // the second bundle's chain of custody holds the first one's events and more (its delivery)
    const custody = (f: Record<string, Uint8Array>): string[] => strFromU8(f['audit/events.jsonl']!).split('\n').filter(Boolean);
    expect(custody(b).slice(0, custody(a).length)).toEqual(custody(a));
    expect(custody(b).length).toBeGreaterThan(custody(a).length);
  });

  it('records every delivered export under the credential that asked for it (chain of custody)', async () => {
    const res = await cw.fetch(`/api/bundles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: [traceId], exporter: 'auditor-7' }) });
    const sha = res.headers.get('x-causeway-bundle-sha256');
    await res.arrayBuffer();
    let mine: { exporter: string; bundleSha256: string; rows: string } | undefined;
    for (const deadline = Date.now() + 30_000; !mine && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      mine = (await cw.getJson<{ exports: { exporter: string; bundleSha256: string; rows: string }[] }>(`/api/exports`)).body.exports.find((e) => e.bundleSha256 === sha);
    }
    expect(mine?.exporter).toMatch(/^local admin \(token [0-9a-f]{16}\)$/); // not the body's "auditor-7"
    expect(Number(mine!.rows)).toBe(spanCount);
  });

  it('rejects an edited span, a dropped file, swapped proofs and a re-signed manifest', async () => {
    const files = unzipSync(await exportZip([traceId]));
    const edited = { ...files, 'rows/spans.jsonl': strToU8(strFromU8(files['rows/spans.jsonl']!).replace('execute_tool send_email', 'execute_tool search_docs')) };
    expect(verifyBundle(rezip(edited), publicKey).problems).toEqual(
      expect.arrayContaining(['file rows/spans.jsonl does not match its digest in the manifest', expect.stringMatching(/^row \d+ \(span [0-9a-f]{32}\/[0-9a-f]{16}\) is not proven to be in the log$/)]),
    );
    const editedLog = { ...files, 'rows/logs.jsonl': strToU8(strFromU8(files['rows/logs.jsonl']!).replace('summarize my inbox', 'summarize my calendar')) };
    expect(verifyBundle(rezip(editedLog), publicKey).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^log record [12] \(span [0-9a-f]{32}\/a1b2c3d4e5f6a7b8\) is not proven to be in the log$/)]));
    const { 'prov.json': _, ...dropped } = files;
    expect(verifyBundle(rezip(dropped), publicKey).problems).toContain('file prov.json is listed in the manifest but missing');
    const lines = strFromU8(files['proofs/inclusion.jsonl']!).split('\n');
    [lines[0], lines[1]] = [lines[1]!, lines[0]!];
    const swapped = verifyBundle(rezip({ ...files, 'proofs/inclusion.jsonl': strToU8(lines.join('\n')) }), publicKey);
    expect(swapped.problems.filter((p) => p.includes('is not proven'))).toHaveLength(2);
    // An attacker re-signs the manifest with a key of their own.
    const { privateKey, publicKey: otherPub } = generateKeyPairSync('ed25519');
    const env = JSON.parse(strFromU8(files['manifest.dsse.json']!)) as { payload: string };
    const forged = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(env.payload, 'base64'), privateKey, 'attacker');
    const raw = otherPub.export({ format: 'der', type: 'spki' }).subarray(12);
    const log = { ...JSON.parse(strFromU8(files['log.json']!)), publicKey: raw.toString('base64') };
    const resigned = verifyBundle(rezip({ ...files, 'manifest.dsse.json': strToU8(JSON.stringify(forged)), 'log.json': strToU8(JSON.stringify(log)) }), publicKey);
    expect(resigned.ok).toBe(false);
    expect(resigned.problems).toEqual(expect.arrayContaining(['the bundle names a different log key than the pinned one']));
  });

  it('works from the command line: causeway export with the API, causeway verify-bundle offline', () => {
    const out = join(tempDataDir(), 'evidence.zip');
    // as the collector's user: the CLI finds the local admin's API key under the data dir
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CAUSEWAY_DATA_DIR: cw.dataDir } });
    const exp = run('export', '--trace', traceId, '--out', out, '--api', cw.apiUrl);
    expect(exp.stdout).toMatch(/^wrote .*evidence\.zip \(sha256 [0-9a-f]{64}\)$/m);
    const ok = run('verify-bundle', out, '--public-key', publicKey.toString('base64'));
    expect(ok.stdout).toContain(`verified: ${spanCount} rows`);
    expect(ok.status).toBe(0);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    writeFileSync(out, rezip({ ...files, 'checkpoint.note': strToU8(strFromU8(files['checkpoint.note']!).replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`)) }));
    const bad = run('verify-bundle', out, '--public-key', publicKey.toString('base64'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/INVALID {2}checkpoint\.note: signature by .* does not verify/);
  });

  it('exports a causal slice from the command line: only the spans that led to send_email, verified offline', async () => {
    const graph = (await cw.getJson<SliceResponse>(`/api/provenance/traces/${traceId}`)).body;
    const send = graph.nodes.find((n) => n.type === 'activity' && n.toolName === 'send_email') as SliceActivity;
    const out = join(tempDataDir(), 'slice.zip');
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const exp = run('export', '--trace', traceId, '--span', send.spanId, '--direction', 'backward', '--out', out, '--api', cw.apiUrl, '--token', cw.adminToken);
    expect(exp.stdout, exp.stderr).toMatch(/^wrote .*slice\.zip/m);
    const ok = run('verify-bundle', out, '--public-key', publicKey.toString('base64'));
    expect(ok.status, ok.stdout).toBe(0);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    const spans = strFromU8(files['rows/spans.jsonl']!).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { name: string }).name);
    // what led to send_email: the model calls and the tools before it, not the final answer after it
    expect(spans).toContain('execute_tool send_email');
    expect(spans).toContain('execute_tool search_email');
    expect(spans.length).toBeLessThan(spanCount);
    const manifest = JSON.parse(Buffer.from((JSON.parse(strFromU8(files['manifest.dsse.json']!)) as { payload: string }).payload, 'base64').toString()) as { predicate: { query: { slice: { spanId: string } } } };
    expect(manifest.predicate.query.slice.spanId).toBe(send.spanId);
    const usage = run('export', '--trace', traceId, '--trace', traceId, '--span', send.spanId, '--api', cw.apiUrl);
    expect(usage.status).not.toBe(0);
    expect(usage.stderr).toContain('a slice starts from one trace');
  });
});
