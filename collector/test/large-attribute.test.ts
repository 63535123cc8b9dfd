// One OTLP request carrying a single ~60 MB string attribute (under the 64 MiB body limit) is
// acknowledged, stored and redacted (the secret at its end is gone). The redaction memo never
// keeps a string that long (MEMO_MAX_ENTRY, redaction/linear.test.ts).
// Prints RSS before, at its peak and after. A measurement, not part of `npm test` (it takes
// minutes on a loaded 2-core machine): CAUSEWAY_MEASURE_LARGE_ATTRIBUTE=1 npx vitest run collector/test/large-attribute.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TraceResponse } from '@causeway/schemas';
import { expect, it } from 'vitest';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';

const MiB = 1 << 20;
const CHARS = 60_000_000;

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
}

it.runIf(process.env.CAUSEWAY_MEASURE_LARGE_ATTRIBUTE === '1')('stores one 60 MB attribute, redacted, and prints collector RSS before, at the peak and after', async () => {
  // the collector logs its memory split once a second (collector/bench/memlog.cjs), and once more after a full GC
  const memlog = join(process.env.TMPDIR ?? '/tmp', `causeway-large-attribute-${process.pid}.memlog.jsonl`);
  const cw = await startCollector({ nodeArgs: ['--expose-gc', '--require', join(import.meta.dirname, '../bench/memlog.cjs')], env: { CAUSEWAY_BENCH_MEMLOG: memlog } });
  const pid = cw.child.pid!;
  const split = (tag: string): string => {
    const m = readFileSync(memlog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>).filter((l) => l.tag === tag).at(-1);
    const mb = (k: string): string => ((Number(m?.[k]) || 0) / MiB).toFixed(0);
    return m ? `heap ${mb('heapUsed')} of ${mb('heapTotal')} MiB, external ${mb('external')} (arrayBuffers ${mb('arrayBuffers')}), rss ${mb('rss')}` : '?';
  };
  try {
    const spans: ReadableSpan[] = [];
    const recorder: SpanProcessor = { onStart() {}, onEnd: (s) => void spans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
    const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'large-attribute' }), spanProcessors: [recorder] }).getTracer('causeway-tests');
    const s = tracer.startSpan('fetch page', { kind: SpanKind.CLIENT }, ROOT_CONTEXT);
    // a page of text with a secret in it, 60 MB long
    const line = 'the quick brown fox jumps over the lazy dog while the agent reads the page\n';
    s.setAttribute('app.page.text', `${line.repeat(Math.ceil(CHARS / line.length)).slice(0, CHARS - 60)} token=ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)} end`);
    s.end();
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders, timeoutMillis: 240_000 });
    expect(await exportSpans(exporter, makeWarm())).toBe(true);
    await cw.settled();
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    let after: number;
    try {
      expect(await exportSpans(exporter, spans)).toBe(true);
      await cw.settled(240_000);
      const { body } = await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`);
      expect(body.spanCount).toBe(1);
      // RSS once the collector had a moment to collect (polled: the lowest seen in 20 s)
      after = peak;
      for (let i = 0; i < 200; i++) {
        after = Math.min(after, rssBytes(pid));
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clearInterval(sampler);
    }
    console.log(`one ${(CHARS / 1e6).toFixed(0)} MB attribute: collector RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, after ${(after / MiB).toFixed(0)} MiB (${split('tick')})`);
    writeFileSync(`${memlog}.gc`, '');
    for (let i = 0; i < 100 && existsSync(`${memlog}.gc`); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    console.log(`after a full GC: ${split('gc')}; RSS now ${(rssBytes(pid) / MiB).toFixed(0)} MiB`);
    const text = (body: TraceResponse): string => JSON.stringify(body);
    const stored = text((await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`)).body);
    expect(stored).not.toContain('ghp_a1B2c3D4e5');
  } finally {
    await cw.stop();
  }
}, 300_000);

function makeWarm(): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  const recorder: SpanProcessor = { onStart() {}, onEnd: (s) => void out.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'large-attribute' }), spanProcessors: [recorder] }).getTracer('causeway-tests');
  tracer.startSpan('warm', {}, ROOT_CONTEXT).end();
  return out;
}
