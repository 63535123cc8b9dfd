// The chain in a worker gives what the same chain gives on the main thread: the same stored
// lines, byte for byte (redacted rows, provenance rows, row hashes), the same redaction counts,
// batch after batch (the extractor's memo is told what became durable, in the worker).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURED_DIR, type CapturedFile } from '@causeway/fixtures/agents/captured.ts';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type EncodedRows, type IngestBatch, logsBatch, spansBatch } from '../consumer.ts';
import { encodeRows } from '../format/encode-rows.ts';
import type { Principal } from '../auth/principal.ts';
import { BindingError } from '../receivers/admit.ts';
import { DecodeError } from '../receivers/otlp/decode-error.ts';
import { type ExportRequest, decodeRequest } from '../receivers/otlp/export-request.ts';
import { perTenant } from '../processors/per-tenant.ts';
import { decodeLogsJson, decodeTracesJson } from '../receivers/otlp/decode-json.ts';
import { DEFAULT_POLICY } from '../redaction/policy.ts';
import { Tenants } from '../tenants.ts';
import { INGEST_WORKER_MODULE, inWorker } from './in-worker.ts';
import { WorkerPool } from './pool.ts';
import { readFileSync } from 'node:fs';

const options = { dataDir: tempDataDir('causeway-in-worker-'), defaultTenant: 'default', policy: DEFAULT_POLICY, provenance: true };
const pool = new WorkerPool({ size: 2, module: INGEST_WORKER_MODULE, data: options, log: () => undefined });
afterAll(() => pool.close());

/** Every captured request of every library, decoded as the receiver decodes it, for two tenants. */
function batches(): IngestBatch[] {
  const out: IngestBatch[] = [];
  for (const library of readdirSync(CAPTURED_DIR)) {
    for (const file of readdirSync(join(CAPTURED_DIR, library)).filter((f) => f.endsWith('.json')).sort()) {
      const captured = JSON.parse(readFileSync(join(CAPTURED_DIR, library, file), 'utf8')) as CapturedFile;
      for (const [i, r] of captured.requests.entries()) {
        const body = Buffer.from(JSON.stringify(r.body));
        const tenant = i % 2 === 0 ? 'default' : 'other';
        const submitter = { id: '', name: '' };
        out.push(captured.signal === 'traces' ? spansBatch(tenant, submitter, decodeTracesJson(body, tenant).rows) : logsBatch(tenant, submitter, decodeLogsJson(body, tenant)));
      }
    }
  }
  return out;
}

describe('the tenant chain in a worker', () => {
  it('stores what the main thread would: rows, provenance and redaction counts, across batches and tenants', async () => {
    const tenants = new Tenants(options);
    const here = perTenant((t) => tenants.processorsOf(t));
    const there = inWorker(pool, (t) => tenants.keyOf(t));
    const expected: EncodedRows[] = [];
    const got: EncodedRows[] = [];
    let redactedRows = 0;
    // Each corpus twice: the second time, artifacts already durable are not written again.
    for (const round of [0, 1]) {
      const [a, b] = [batches(), batches()];
      for (let i = 0; i < a.length; i++) {
        const e = await here.process(a[i]!);
        here.committed!(e);
        const g = await there.process(b[i]!);
        there.committed!(g);
        redactedRows += [...e.spans, ...e.logs].filter((r) => r.redactions.length > 0).length;
        expect(g.spans).toEqual([]); // the rows stay in the worker: only their stored form comes back
        expected.push(encodeRows(e));
        got.push(g.encoded!);
      }
      if (round === 0) expect(got.some((g) => g.artifacts.length > 0)).toBe(true);
    }
    expect(got.length).toBeGreaterThan(20);
    expect(redactedRows).toBeGreaterThan(0);
    const text = (rows: EncodedRows[]) => rows.map((r) => ({ ...r, tables: r.tables.map((t) => ({ ...t, payload: Buffer.from(t.payload).toString('utf8') })) }));
    expect(text(got)).toEqual(text(expected));
    expect(there.stats.snapshot()).toEqual(tenants.stats.snapshot());
    expect(there.stats.snapshot().spansRedacted).toBeGreaterThan(0);
  });

  it('decodes a request in the worker as the receiver would here: the same stored lines, and decoding and binding errors by name', async () => {
    const tenants = new Tenants(options);
    const here = perTenant((t) => tenants.processorsOf(t));
    const there = inWorker(pool, (t) => tenants.keyOf(t));
    const who: Principal = { kind: 'token', id: 'c1', name: 'agent-a', tenant: 'decoding', role: 'ingest', tenants: ['decoding'], services: [], agents: [] };
    const traces = readdirSync(CAPTURED_DIR).flatMap((library) =>
      readdirSync(join(CAPTURED_DIR, library))
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(CAPTURED_DIR, library, f), 'utf8')) as CapturedFile)
        .filter((c) => c.signal === 'traces')
        .flatMap((c) => c.requests.map((r) => Buffer.from(JSON.stringify(r.body)))),
    );
    expect(traces.length).toBeGreaterThan(5);
    for (const body of traces) {
      const req: ExportRequest = { signal: 'traces', encoding: 'json', body, who, maxFutureMs: 60_000 };
      const local = decodeRequest(req);
      const expected = encodeRows(await here.process(local.batch));
      here.committed!(local.batch);
      const got = await there.decode(req);
      there.committed!(got.batch);
      expect(got.count).toBe(local.count);
      expect(got.batch.spans).toEqual([]);
      expect(got.batch.encoded!.tables.map((t) => [t.table, t.rows, Buffer.from(t.payload).toString('utf8')])).toEqual(expected.tables.map((t) => [t.table, t.rows, Buffer.from(t.payload).toString('utf8')]));
    }
    const broken: ExportRequest = { signal: 'traces', encoding: 'protobuf', body: Buffer.from([0x0a, 0xff, 0xff]), who, maxFutureMs: 60_000 };
    await expect(there.decode(broken)).rejects.toBeInstanceOf(DecodeError);
    const bound: ExportRequest = { signal: 'traces', encoding: 'json', body: traces[0]!, who: { ...who, services: ['only-this-service'] }, maxFutureMs: 60_000 };
    await expect(there.decode(bound)).rejects.toBeInstanceOf(BindingError);
  });
  it("spreads one tenant's batches sent together over both workers, and stores what the main thread would: the same spans, logs, activities and relations, the same artifacts", async () => {
    const tenants = new Tenants(options);
    const here = perTenant((t) => tenants.processorsOf(t));
    const there = inWorker(pool, (t) => tenants.keyOf(t));
    const one = (b: IngestBatch): IngestBatch => ({ ...b, tenant: 'spread', spans: b.spans.map((r) => ({ ...r, tenant: 'spread' })), logs: b.logs.map((r) => ({ ...r, tenant: 'spread' })) });
    const [a, b] = [batches().map(one), batches().map(one)];
    const expected = [];
    for (const x of a) expected.push(encodeRows(await here.process(x)));
    const sent = b.map((x) => there.process(x)); // all at once, as concurrent exports arrive
    const held = pool.stats().workers.map((w) => w.inFlight);
    const got = (await Promise.all(sent)).map((g) => g.encoded!);
    expect(held.every((n) => n > 0), `batches held per worker: ${held}`).toBe(true);
    const lines = (rows: EncodedRows[], table: string): string[] => rows.flatMap((r) => r.tables.filter((t) => t.table === table).map((t) => Buffer.from(t.payload).toString('utf8')));
    for (const table of ['spans', 'logs', 'prov_activities', 'prov_relations']) expect(lines(got, table), table).toEqual(lines(expected, table));
    // each worker writes an artifact it has not seen durable: the same content, possibly twice
    const artifactIds = (rows: EncodedRows[]): string[] => [...new Set(rows.flatMap((r) => r.artifacts.map((x) => x.artifact_id)))].sort();
    expect(artifactIds(got)).toEqual(artifactIds(expected));
    expect(artifactIds(got).length).toBeGreaterThan(10);
  });
});
