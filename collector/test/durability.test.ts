// "An acknowledged span is never lost": restart, kill -9 under load, retries, out-of-order arrival.
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { HealthResponse, TraceListResponse, TraceResponse } from '@causeway/schemas';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getJson, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace, shuffle } from '@causeway/testkit/sdk-spans.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const spanIdsOf = (t: TraceResponse): string[] => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.spanId)));

describe('durability', () => {
  it('keeps every span across a restart on the same data directory; a stop ends by its signal once everything is stored', async () => {
    const dataDir = tempDataDir();
    const a = await startCollector({ dataDir });
    const spans = makeTrace(25);
    const traceId = spans[0]!.spanContext().traceId;
    expect(await exportSpans(new JsonExporter({ url: `${a.otlpUrl}/v1/traces`, headers: a.ingestHeaders }), spans)).toBe(true);
    await a.settled();
    await a.stop();
    // not exit(0): exiting ran embedded chDB's destructors, which could deadlock (README "Stopping")
    expect(a.child.signalCode).toBe('SIGTERM');
    expect(a.output()).toContain('stopped: every acknowledged row is stored');

    const b = await startCollector({ dataDir });
    try {
      const { status, body } = await b.getJson<TraceResponse>(`/api/traces/${traceId}`);
      expect(status).toBe(200);
      expect(new Set(spanIdsOf(body))).toEqual(new Set(spans.map((s) => s.spanContext().spanId)));
    } finally {
      await b.stop();
    }
  });

  it('loses no acknowledged span when the collector is killed with SIGKILL during sustained ingest', async () => {
    const dataDir = tempDataDir();
    const a = await startCollector({ dataDir, env: { CAUSEWAY_FLUSH_INTERVAL_MS: '400' } });
    const exporter = new ProtoExporter({ url: `${a.otlpUrl}/v1/traces`, headers: a.ingestHeaders, timeoutMillis: 3000 });
    const acked: { traceId: string; spanIds: string[] }[] = [];
    let sent = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (!killed) {
        const spans = makeTrace(40);
        sent++;
        // an answer that arrived, even just before the kill, is an acknowledgement
        if (await exportSpans(exporter, spans)) acked.push({ traceId: spans[0]!.spanContext().traceId, spanIds: spans.map((s) => s.spanContext().spanId) });
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    // Kill while requests are in flight, some rows are already in ClickHouse and some are only
    // in the spool (the flush interval keeps rows pending), so both recovery paths are exercised.
    for (;;) {
      const h = (await a.getJson<HealthResponse>(`/healthz`)).body.store;
      if (acked.length >= 60 && h.insertedRows > 0 && h.pendingRows > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await a.kill9();
    killed = true;
    await Promise.all(workers);
    expect(sent).toBeGreaterThan(acked.length); // some requests were cut off by the kill

    const b = await startCollector({ dataDir });
    try {
      await b.settled();
      expect(b.output()).toMatch(/replaying \d+ spooled span/);
      for (const t of acked) {
        const { status, body } = await b.getJson<TraceResponse>(`/api/traces/${t.traceId}`);
        expect(status, `acknowledged trace ${t.traceId} missing after kill -9`).toBe(200);
        expect(new Set(spanIdsOf(body))).toEqual(new Set(t.spanIds));
      }
    } finally {
      await b.stop();
    }
    // The log survived the kill too: every stored row has its leaf, the tiles match the leaves,
    // every checkpoint matches the tree (a replayed row is simply in the log twice).
    const verify = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'verify'], {
      cwd: ROOT,
      env: { ...process.env, ...(await storeEnv(dataDir)) },
      encoding: 'utf8',
    });
    expect(verify.stdout + verify.stderr).toMatch(/^verified: /m);
    expect(verify.status).toBe(0);
  });

  it('shows a retried request once: the same spans sent twice are not duplicated', async () => {
    const cw = await startCollector();
    try {
      const spans = makeTrace(10);
      const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/x-protobuf' }, body });
        expect(res.status).toBe(200);
      }
      expect(await exportSpans(new JsonExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders }), spans)).toBe(true);
      await cw.settled();
      const traceId = spans[0]!.spanContext().traceId;
      const { body: t } = await cw.getJson<TraceResponse>(`/api/traces/${traceId}`);
      expect(t.spanCount).toBe(10);
      expect(spanIdsOf(t)).toHaveLength(10);
      const { body: list } = await cw.getJson<TraceListResponse>(`/api/traces`);
      expect(list.traces.find((x) => x.traceId === traceId)?.spanCount).toBe(10);
    } finally {
      await cw.stop();
    }
  });

  it('reads back one trace whose spans arrived split across many requests, out of order, in both encodings', async () => {
    const cw = await startCollector();
    try {
      const spans = makeTrace(60);
      const traceId = spans[0]!.spanContext().traceId;
      const shuffled = shuffle(spans);
      const json = new JsonExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
      const proto = new ProtoExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
      const chunks = Array.from({ length: 12 }, (_, i) => shuffled.slice(i * 5, i * 5 + 5));
      // children before their root, concurrently
      const results = await Promise.all(chunks.reverse().map((c, i) => exportSpans(i % 2 ? json : proto, c)));
      expect(results.every(Boolean)).toBe(true);
      await cw.settled();
      const { body } = await cw.getJson<TraceResponse>(`/api/traces/${traceId}`);
      expect(body.spanCount).toBe(60);
      const all = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      const root = all.find((s) => s.parentSpanId === '')!;
      expect(root.name).toBe('invoke_agent');
      expect(all.filter((s) => s.parentSpanId === root.spanId)).toHaveLength(59);
      // spans come back in start-time order, whatever the arrival order
      const starts = all.map((s) => BigInt(s.startTimeUnixNano));
      expect(starts).toEqual([...starts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    } finally {
      await cw.stop();
    }
  });
});
