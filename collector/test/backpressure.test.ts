// When the write queue is over its limit the receiver answers 429 with Retry-After (retryable
// per OTLP), accepts again once the queue drains, and a real exporter's retry gets through.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { TraceResponse } from '@causeway/schemas';
import { expect, it } from 'vitest';
import { getJson, startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

it('answers 429 with Retry-After while the write queue is full, then accepts again', async () => {
  // A queue limit of one byte and a 1.5 s flush: the second request finds the queue full.
  const cw = await startCollector({ env: { CAUSEWAY_MAX_PENDING_BYTES: '1', CAUSEWAY_FLUSH_INTERVAL_MS: '1500' } });
  try {
    const post = (body: Uint8Array): Promise<Response> =>
      fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(body) });
    const first = makeTrace(5);
    expect((await post(ProtobufTraceSerializer.serializeRequest(first)!)).status).toBe(200);

    const second = makeTrace(5);
    const refused = await post(ProtobufTraceSerializer.serializeRequest(second)!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toBe('application/x-protobuf');

    // The real exporter treats 429 as retryable and honours Retry-After.
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, timeoutMillis: 20_000 });
    expect(await exportSpans(exporter, second)).toBe(true);

    await cw.settled();
    for (const spans of [first, second]) {
      const { status, body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${spans[0]!.spanContext().traceId}`);
      expect(status).toBe(200);
      expect(body.spanCount).toBe(5);
    }
  } finally {
    await cw.stop();
  }
});
