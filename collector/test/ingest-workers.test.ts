// Provenance extraction and redaction run in a worker thread (workers/), so the event loop only
// accepts, spools and answers: /healthz is answered while a batch that takes long to redact is in
// the worker, and the redaction counts it shows are the batch's. A worker that dies (here: a batch
// too large for its heap limit) fails only that batch, retryably, and is started again; the
// next batch from a real exporter is stored.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { HealthResponse, TraceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { getJson, startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

/** One OTLP/JSON request: `spans` tool spans of one trace, each with a tool result of `chars` characters full of emails. */
function toolSpans(traceId: string, spans: number, chars: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const text = 'contact ana.lima@example.com or bo@example.org about the invoice; '.repeat(Math.ceil(chars / 66)).slice(0, chars);
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'worker-agent' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId,
              spanId: (i + 1).toString(16).padStart(16, '0'),
              name: 'execute_tool read_inbox',
              kind: 1,
              startTimeUnixNano: String(now + BigInt(i)),
              endTimeUnixNano: String(now + BigInt(i) + 1000n),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                { key: 'gen_ai.tool.name', value: { stringValue: 'read_inbox' } },
                { key: 'gen_ai.tool.call.result', value: { stringValue: text } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

describe('ingest workers', () => {
  it('/healthz is answered while a batch is redacted in the worker, and counts its redactions', async () => {
    const cw = await startCollector();
    try {
      const traceId = 'a1'.repeat(16);
      let answered = false;
      const exported = fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...cw.ingestHeaders }, body: toolSpans(traceId, 12, 200_000) }).then(async (r) => {
        await r.arrayBuffer();
        answered = true;
        return r.status;
      });
      // Probes answered before the export was, while the worker held the batch.
      let whileInWorker = 0;
      let probes = 0;
      while (!answered) {
        const h = await getJson<HealthResponse>(`${cw.apiUrl}/healthz`);
        expect(h.status).toBe(200);
        probes++;
        if (!answered && (h.body.ingestWorkers?.inFlight ?? 0) >= 1) whileInWorker++;
        // without credentials: the pool, not each worker's heap and busy time
        expect(h.body.ingestWorkers && 'workers' in h.body.ingestWorkers).toBe(false);
        expect(h.body.memory).toBeUndefined();
      }
      expect(await exported).toBe(200);
      expect(probes).toBeGreaterThan(0);
      expect(whileInWorker).toBeGreaterThanOrEqual(1);

      await cw.settled();
      const { body } = await cw.getJson<TraceResponse>(`/api/traces/${traceId}`);
      expect(body.spanCount).toBe(12);
      expect(JSON.stringify(body)).not.toContain('ana.lima@example.com');
      const health = (await cw.getJson<HealthResponse>('/healthz')).body;
      expect(health.ingestWorkers).toEqual({ size: 1, inFlight: 0, restarts: 0, workers: [{ inFlight: 0, heapUsedMb: expect.any(Number), heapTotalMb: expect.any(Number), externalMb: expect.any(Number), activeSeconds: expect.any(Number) }] });
      // the worker redacted 12 spans of 200 KB each: it was busy, and its heap is its own (not the main thread's)
      expect(health.ingestWorkers!.workers![0]!.activeSeconds).toBeGreaterThan(0);
      expect(health.ingestWorkers!.workers![0]!.heapUsedMb).toBeGreaterThan(1);
      // Counted on the main thread from the rows the worker sent back: every span, both addresses in each.
      expect(health.redaction?.spansRedacted).toBe(12);
      expect(health.redaction?.byRule.email).toBeGreaterThanOrEqual(24);
      // the process's memory, and embedded ClickHouse's share of it (its tracker and its allocator)
      const m = health.memory!;
      expect(m.rssMb).toBeGreaterThan(m.heapUsedMb);
      expect(m.engine!.trackedMb).toBeGreaterThan(0);
      expect(m.engine!.allocatorResidentMb).toBeGreaterThanOrEqual(m.engine!.allocatorAllocatedMb!);
      expect(m.engine!.allocatorResidentMb! + m.heapUsedMb).toBeLessThan(m.rssMb);
      // the parts add up: the V8 heaps held (main thread and worker) and the engine's resident bytes are anonymous memory
      const w = health.ingestWorkers!.workers![0]!;
      expect(w.heapTotalMb).toBeGreaterThanOrEqual(w.heapUsedMb);
      expect(m.heapTotalMb).toBeGreaterThanOrEqual(m.heapUsedMb);
      expect(m.rssAnonMb! + m.rssFileMb! + m.rssShmemMb!).toBeCloseTo(m.rssMb, -1);
      expect(m.rssFileMb).toBeGreaterThan(150); // libchdb's code
    } finally {
      await cw.stop();
    }
  }, 300_000);

  it('a worker that dies fails only its batch with a retryable 503, is restarted, and the next batch is stored', async () => {
    // 64 MiB of heap holds the chain and normal batches, not 32 MB of tool results and their redacted copies.
    const cw = await startCollector({ env: { CAUSEWAY_INGEST_WORKER_HEAP_MB: '64' } });
    try {
      const bigTrace = 'b2'.repeat(16);
      const r = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...cw.ingestHeaders }, body: toolSpans(bigTrace, 8, 4_000_000) });
      const text = await r.text();
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(text).toContain('retry later');
      expect(cw.output()).toContain('ingest worker 0 stopped');

      // A real SDK exporter's next batch goes through the restarted worker.
      const spans = makeTrace(5, 'after-crash');
      const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders, timeoutMillis: 60_000 });
      expect(await exportSpans(exporter, spans)).toBe(true);
      await cw.settled();
      const stored = await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`);
      expect(stored.status).toBe(200);
      expect(stored.body.spanCount).toBe(5);
      // Nothing of the failed batch was stored (it was never acknowledged).
      const big = await cw.getJson<TraceResponse>(`/api/traces/${bigTrace}`);
      expect(big.status === 404 || big.body.spanCount === 0).toBe(true);
      const health = (await cw.getJson<HealthResponse>('/healthz')).body;
      expect(health.ingestWorkers).toEqual(expect.objectContaining({ size: 1, inFlight: 0, restarts: 1 }));
    } finally {
      await cw.stop();
    }
  }, 300_000);
});
