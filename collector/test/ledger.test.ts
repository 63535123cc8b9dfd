// The tamper-evident log end to end: checkpoints and proofs verify with nothing but the public
// key; `causeway verify` passes on an honest store and names every row changed, dropped or added
// through a side door; a collector refuses to start on a ledger that no longer matches.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../src/ledger/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../src/ledger/merkle.ts';
import { getJson, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

interface CheckpointBody { logId: string; origin: string; treeSize: string; rootHash: string; publicKey: string; verifierKey: string; note: string }
interface InclusionBody { checkpoint: CheckpointBody; leaves: { leafIndex: string; leafHash: string; proof: string[] }[] }
interface ConsistencyBody { fromRoot: string; toRoot: string; proof: string[] }

function run(cmd: string, env: Record<string, string>, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, cmd), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('ledger', () => {
  it('signs checkpoints, proves inclusion and consistency, verifies the store and names every side-door change', async () => {
    const dataDir = tempDataDir();
    const cw = await startCollector({ dataDir, env: { CAUSEWAY_CHECKPOINT_INTERVAL_MS: '200' } });
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces` });
    const traces = [makeTrace(10), makeTrace(10), makeTrace(10)];
    for (const t of traces.slice(0, 2)) expect(await exportSpans(exporter, t)).toBe(true);
    // Every stored row is a leaf: the 20 spans and the provenance rows read from them.
    const n1 = (await cw.settled()).store.insertedRows;
    expect(n1).toBeGreaterThanOrEqual(40);

    // A checkpoint over the first rows opens with the public key alone.
    const first = (await getJson<CheckpointBody>(`${cw.apiUrl}/api/ledger/checkpoint`)).body;
    expect(first.treeSize).toBe(String(n1));
    const publicKey = b64(first.publicKey);
    const c1 = openCheckpoint(first.note, first.origin, publicKey);
    expect(c1.root.toString('base64')).toBe(first.rootHash);

    expect(await exportSpans(exporter, traces[2]!)).toBe(true);
    const n2 = (await cw.settled()).store.insertedRows;
    const span = traces[2]![3]!.spanContext();
    const inc = (await getJson<InclusionBody>(`${cw.apiUrl}/api/ledger/inclusion?trace=${span.traceId}&span=${span.spanId}`)).body;
    const c2 = openCheckpoint(inc.checkpoint.note, first.origin, publicKey);
    expect(c2.size).toBe(BigInt(n2));
    const leaf = inc.leaves[0]!;
    expect(verifyInclusion(BigInt(leaf.leafIndex), c2.size, b64(leaf.leafHash), leaf.proof.map(b64), c2.root)).toBe(true);
    expect(verifyInclusion(BigInt(leaf.leafIndex) ^ 1n, c2.size, b64(leaf.leafHash), leaf.proof.map(b64), c2.root)).toBe(false);
    const cons = (await getJson<ConsistencyBody>(`${cw.apiUrl}/api/ledger/consistency?from=${n1}&to=${n2}`)).body;
    expect(verifyConsistency(BigInt(n1), BigInt(n2), c1.root, c2.root, cons.proof.map(b64))).toBe(true);

    // Log records are stored rows too: they join the log.
    const logs = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${cw.otlpUrl}/v1/logs` }) })] });
    const ctx = trace.setSpanContext(ROOT_CONTEXT, traces[0]![0]!.spanContext());
    for (const content of ['first prompt', 'second prompt']) logs.getLogger('t').emit({ context: ctx, eventName: 'gen_ai.user.message', body: { content } });
    await logs.shutdown();
    const n3 = (await cw.settled()).store.insertedRows;
    expect(n3).toBeGreaterThanOrEqual(n2 + 2);
    expect((await getJson<CheckpointBody>(`${cw.apiUrl}/api/ledger/checkpoint`)).body.treeSize).toBe(String(n3));
    await cw.stop();

    // An honest store verifies.
    const clean = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(clean.out).toMatch(new RegExp(`^verified: log [0-9a-f]{32}, ${n3} rows, ${n3} leaves, \\d+ signed checkpoints \\(newest size ${n3}\\)$`, 'm'));
    expect(clean.code).toBe(0);

    // Four side doors, on four different spans.
    const [changed, dropped, copied, unlogged] = [traces[0]![2]!, traces[1]![5]!, traces[2]![7]!, traces[2]![8]!].map((s) => s.spanContext());
    const forgedSpanId = 'f0f0f0f0f0f0f0f0';
    const t = run(
      'testkit/tamper-store.ts',
      await storeEnv(dataDir, 'admin'),
      dataDir,
      `ALTER TABLE causeway.spans UPDATE name = 'innocent-looking name' WHERE span_id = '${changed!.spanId}'`,
      `ALTER TABLE causeway.spans DELETE WHERE span_id = '${dropped!.spanId}'`,
      // a forged span, even carrying the copied row's row_hash
      `INSERT INTO causeway.spans (tenant, trace_id, span_id, parent_span_id, name, kind, start_time_unix_nano, end_time_unix_nano, attributes, service_name, resource_attributes, row_hash)
       SELECT tenant, trace_id, '${forgedSpanId}', parent_span_id, 'forged', kind, start_time_unix_nano, end_time_unix_nano, attributes, service_name, resource_attributes, row_hash
       FROM causeway.spans WHERE span_id = '${copied!.spanId}'`,
      `ALTER TABLE causeway.ledger_leaves DELETE WHERE span_id = '${unlogged!.spanId}'`,
      `ALTER TABLE causeway.logs UPDATE severity_text = 'DEBUG' WHERE 1`,
      // provenance rows are ledgered rows too: relabel the changed span's activity
      `ALTER TABLE causeway.prov_activities UPDATE kind = 'approval' WHERE span_id = '${changed!.spanId}'`,
    );
    expect(t.code, t.out).toBe(0);
    const tampered = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`row changed: span ${changed!.traceId}/${changed!.spanId}`);
    expect(tampered.out).toContain(`row dropped: leaf`);
    expect(tampered.out).toMatch(new RegExp(`row dropped: leaf \\d+ \\(span ${dropped!.traceId}/${dropped!.spanId}\\)`));
    expect(tampered.out).toContain(`row added: span ${copied!.traceId}/${forgedSpanId} is not in the log`);
    expect(tampered.out).toMatch(/ledger leaf \d+ is missing/);
    expect(tampered.out).toContain(`prov_activities row added: a row of span ${changed!.traceId}/${changed!.spanId} is not in the log`);
    expect(tampered.out).toMatch(new RegExp(`prov_activities row dropped: leaf \\d+ \\(span ${changed!.traceId}/${changed!.spanId}\\)`));
    expect(tampered.out).toMatch(new RegExp(`row added: span ${unlogged!.traceId}/${unlogged!.spanId}`));
    expect(tampered.out).toMatch(new RegExp(`checkpoint ${n3}: the log has only \\d+ verifiable leaves`));
    expect(tampered.out.match(/log record added: a record of span [0-9a-f]{32}\/[0-9a-f]{16} is not in the log/g)).toHaveLength(2);
    expect(tampered.out.match(new RegExp(`log record dropped: leaf (${n2}|${n2 + 1}) \\(span [0-9a-f]{32}/[0-9a-f]{16}\\) has no stored record`, 'g'))).toHaveLength(2);

    // And the collector will not append to a log that no longer matches what it signed.
    await expect(startCollector({ dataDir })).rejects.toThrow(/ledger integrity: leaf \d+ of log [0-9a-f]+ is missing/);
  });
});
