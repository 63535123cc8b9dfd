// The chain in a worker gives what the same chain gives on the main thread: the same redacted
// rows (shared resource lists included), the same provenance rows, the same redaction counts,
// batch after batch (the extractor's memo is told what became durable, in the worker).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURED_DIR, type CapturedFile } from '@causeway/fixtures/agents/captured.ts';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type IngestBatch, logsBatch, spansBatch } from '../consumer.ts';
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
    const expected: IngestBatch[] = [];
    const got: IngestBatch[] = [];
    // Each corpus twice: the second time, artifacts already durable are not written again.
    for (const round of [0, 1]) {
      const [a, b] = [batches(), batches()];
      for (let i = 0; i < a.length; i++) {
        const e = await here.process(a[i]!);
        here.committed!(e);
        const g = await there.process(b[i]!);
        there.committed!(g);
        expected.push(e);
        got.push(g);
      }
      if (round === 0) expect(got.some((g) => g.provenance.artifacts.length > 0)).toBe(true);
    }
    expect(got.length).toBeGreaterThan(20);
    expect(got.some((g) => g.spans.some((s) => s.redactions.length > 0))).toBe(true);
    expect(got).toEqual(expected);
    // Rows decoded from one resource still share its (redacted) attribute list.
    const multi = got.find((g) => g.spans.length > 1)!;
    expect(multi.spans[1]!.resource_attributes).toBe(multi.spans[0]!.resource_attributes);
    expect(there.stats.snapshot()).toEqual(tenants.stats.snapshot());
    expect(there.stats.snapshot().spansRedacted).toBeGreaterThan(0);
  });
});
