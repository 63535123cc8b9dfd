// Evidence bundle exports are bounded: a selection over CAUSEWAY_MAX_BUNDLE_ROWS rows is refused
// with 413 and a message saying what to do; builds beyond CAUSEWAY_MAX_BUNDLE_BUILDS at once are
// refused with 429 + Retry-After, and every build that is let through yields its bundle.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { expect, it } from 'vitest';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

it('refuses bundles over the row limit (413) and builds beyond the slots (429 + Retry-After)', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_BUNDLE_ROWS: '60', CAUSEWAY_MAX_BUNDLE_BUILDS: '1' } });
  const auth = cw.ingestHeaders;
  try {
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: auth, timeoutMillis: 60_000 });
    const small = makeTrace(5);
    const large = makeTrace(80);
    expect(await exportSpans(exporter, small)).toBe(true);
    expect(await exportSpans(exporter, large)).toBe(true);
    await cw.settled();
    const bundle = (traceId: string): Promise<Response> =>
      cw.fetch(`/api/bundles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: [traceId], exporter: 'limits-test' }) });

    const tooBig = await bundle(large[0]!.spanContext().traceId);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: string }).error).toBe(
      'the selection holds more than 60 rows (spans, log records and provenance rows together): export fewer traces, or a causal slice',
    );

    const answers = await Promise.all(Array.from({ length: 8 }, () => bundle(small[0]!.spanContext().traceId)));
    let built = 0;
    for (const res of answers) {
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('2');
        expect(((await res.json()) as { error: string }).error).toBe('1 bundle(s) are being built; retry later');
      } else {
        expect(res.status).toBe(200);
        expect(res.headers.get('x-causeway-bundle-sha256')).toMatch(/^[0-9a-f]{64}$/);
        await res.arrayBuffer();
        built++;
      }
    }
    expect(built).toBeGreaterThan(0);
    console.log(`8 concurrent bundle requests, 1 build slot: ${built} built, ${8 - built} refused with 429`);
    // The slot is given back after every build: one more is built.
    expect((await bundle(small[0]!.spanContext().traceId)).status).toBe(200);
  } finally {
    await cw.stop();
  }
}, 300_000);
