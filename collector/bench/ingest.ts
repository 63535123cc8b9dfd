// End-to-end ingest: N real OTLP protobuf exporters (over HTTP, or over gRPC) against a real
// collector process, timed from the first send until every acknowledged span is in ClickHouse.
import { readFileSync } from 'node:fs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { HealthResponse } from '@causeway/schemas';
import type { CollectorProcess } from '@causeway/testkit/collector-process.ts';
import { grpcMetadata } from '@causeway/testkit/grpc-metadata.ts';

export interface IngestResult {
  spans: number;
  requests: number;
  /** exports the exporter itself reported as failed (after its own retries) and we re-sent */
  resent: number;
  ackSeconds: number;
  durableSeconds: number;
  ackSpansPerSec: number;
  durableSpansPerSec: number;
  insertedRows: number;
  idleRssMb: number;
  peakRssMb: number;
  /** the kernel's own high-water mark (VmHWM) at the end of the run */
  hwmRssMb: number;
  /** largest write queue (spooled, not yet in ClickHouse) seen on /healthz, polled every 200 ms */
  peakPendingRows: number;
  peakPendingMb: number;
  /** per export request, from its send to its 200 (re-sends included), ms */
  ackLatencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** Samples a process's VmRSS every `everyMs` ms; keeps the peak. */
export class RssSampler {
  peakKb = 0;
  lastKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const kb = statusKb(this.pid, 'VmRSS');
    if (kb === undefined) return;
    this.lastKb = kb;
    if (kb > this.peakKb) this.peakKb = kb;
  }

  hwmKb(): number {
    return statusKb(this.pid, 'VmHWM') ?? 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export type Transport = 'http' | 'grpc';

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<Error | undefined> {
  return new Promise((resolve) => {
    exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS ? undefined : (r.error ?? new Error('export failed'))));
  });
}

async function health(cw: CollectorProcess): Promise<HealthResponse> {
  return (await (await fetch(`${cw.apiUrl}/healthz`)).json()) as HealthResponse;
}

/** `headers`: what every export carries (the ingest token; as metadata over gRPC); default the collector's local ingest token. */
export async function benchIngest(
  cw: CollectorProcess,
  batches: ReadableSpan[][],
  concurrency: number,
  log: (s: string) => void,
  transport: Transport = 'http',
  headers: Record<string, string> = cw.ingestHeaders,
): Promise<IngestResult> {
  const pid = cw.child.pid;
  if (pid === undefined) throw new Error('collector has no pid');
  const rss = new RssSampler(pid, 200);
  await new Promise((r) => setTimeout(r, 500)); // idle baseline
  const idleKb = rss.lastKb;
  const before = (await health(cw)).store.insertedRows;

  const exporters: SpanExporter[] = Array.from({ length: concurrency }, () =>
    transport === 'grpc'
      ? new GrpcTraceExporter({ url: cw.otlpGrpcUrl, metadata: grpcMetadata(headers), timeoutMillis: 120_000, concurrencyLimit: 2 })
      : new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers, timeoutMillis: 120_000, concurrencyLimit: 2 }),
  );
  const total = batches.reduce((n, b) => n + b.length, 0);
  let next = 0;
  let acked = 0;
  let resent = 0;
  let lastLog = 0;
  let peakPendingRows = 0;
  let peakPendingBytes = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const q = (await health(cw)).store;
        peakPendingRows = Math.max(peakPendingRows, q.pendingRows);
        peakPendingBytes = Math.max(peakPendingBytes, q.pendingBytes);
      } catch {
        // a probe refused or reset under load is a missed sample, not the end of the bench
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    exporters.map(async (exporter) => {
      for (;;) {
        const i = next++;
        const batch = batches[i];
        if (!batch) return;
        const sent = performance.now();
        for (let attempt = 1; ; attempt++) {
          const err = await exportOnce(exporter, batch);
          if (!err) break;
          if (attempt >= 5) throw new Error(`export of batch ${i} failed ${attempt} times: ${err.message}`);
          resent++;
          await new Promise((r) => setTimeout(r, 500));
        }
        acked += batch.length;
        const now = performance.now();
        latencies.push(now - sent);
        if (now - lastLog > 5000) {
          lastLog = now;
          log(`  ${acked}/${total} spans acknowledged (${((now - t0) / 1000).toFixed(1)} s)`);
        }
      }
    }),
  );
  const tAck = performance.now();
  let h: HealthResponse;
  for (;;) {
    try {
      h = await health(cw);
    } catch (e) {
      if (performance.now() - tAck > 300_000) throw e;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    peakPendingRows = Math.max(peakPendingRows, h.store.pendingRows);
    peakPendingBytes = Math.max(peakPendingBytes, h.store.pendingBytes);
    if (h.store.pendingRows === 0) break;
    if (performance.now() - tAck > 300_000) throw new Error(`collector still has ${h.store.pendingRows} rows pending after 300 s: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const tDurable = performance.now();
  rss.sample();
  const hwmKb = rss.hwmKb();
  rss.stop();
  polling = false;
  await poller;
  await Promise.all(exporters.map((e) => e.shutdown()));

  const ackSeconds = (tAck - t0) / 1000;
  const durableSeconds = (tDurable - t0) / 1000;
  return {
    spans: total,
    requests: batches.length,
    resent,
    ackSeconds,
    durableSeconds,
    ackSpansPerSec: total / ackSeconds,
    durableSpansPerSec: total / durableSeconds,
    insertedRows: h.store.insertedRows - before,
    idleRssMb: idleKb / 1024,
    peakRssMb: rss.peakKb / 1024,
    hwmRssMb: hwmKb / 1024,
    peakPendingRows,
    peakPendingMb: peakPendingBytes / 2 ** 20,
    ackLatencyMs: quantiles(latencies),
  };
}

function quantiles(ms: number[]): IngestResult['ackLatencyMs'] {
  const xs = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] ?? NaN;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: xs.at(-1) ?? NaN };
}
