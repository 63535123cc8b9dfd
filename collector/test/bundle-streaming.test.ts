// An evidence bundle is streamed, not built in memory: the collector's memory while it exports
// a bundle does not grow with the bundle's size, and a client that goes away while its bundle is
// built stops the build and gives its slot back (the next bundle is built with one slot), and
// the export is recorded as aborted, never as delivered.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AuditListResponse } from '@causeway/schemas';
import { unzipSync } from 'fflate';
import { expect, it } from 'vitest';
import { verifyBundle } from '../src/bundle/verify.ts';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { BUNDLE_PAGE_BYTES } from '../src/bundle/export.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';

const MiB = 1 << 20;
/** Each span carries a text of this many characters (lower-case words: nothing to redact, no provenance to extract). */
const RESULT_CHARS = 16 * 1024;
const SMALL_SPANS = Number(process.env.CAUSEWAY_TEST_SMALL_SPANS ?? 300); // ~5 MiB of span rows
const LARGE_SPANS = Number(process.env.CAUSEWAY_TEST_LARGE_SPANS ?? 1500); // ~25 MiB of span rows

/** One trace of `spans` spans, each with a ~16 KiB text attribute, as the SDK finished them. */
function bigTrace(spans: number, seed: number): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  const recorder: SpanProcessor = { onStart() {}, onEnd: (s) => void out.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bundle-streaming-site' }), spanProcessors: [recorder] });
  const tracer = provider.getTracer('causeway-tests', '1.0.0');
  const root = tracer.startSpan('render site', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
  let x = seed;
  for (let i = 1; i < spans; i++) {
    let text = '';
    while (text.length < RESULT_CHARS) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      text += `${words[x % words.length]} `;
    }
    const s = tracer.startSpan('render page', { kind: SpanKind.INTERNAL }, ctx);
    s.setAttributes({ 'app.step': i, 'app.page.text': text });
    s.end();
  }
  root.end();
  return out;
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

const mib = (n: number): string => `${(n / MiB).toFixed(0)} MiB`;

it('streams bundles in bounded memory, and a client that leaves mid-build frees the slot and is not recorded as delivered', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_BUNDLE_BUILDS: '1' } });
  const pid = cw.child.pid!;
  try {
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders, timeoutMillis: 120_000 });
    const small = bigTrace(SMALL_SPANS, 1);
    const large = bigTrace(LARGE_SPANS, 2);
    for (const spans of [small, large]) for (let i = 0; i < spans.length; i += 300) expect(await exportSpans(exporter, spans.slice(i, i + 300))).toBe(true);
    await cw.settled(240_000);

    const smallId = small[0]!.spanContext().traceId;
    const largeId = large[0]!.spanContext().traceId;
    const bundle = (traceId: string, signal?: AbortSignal): Promise<Response> =>
      cw.fetch('/api/bundles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: [traceId] }), ...(signal ? { signal } : {}) });

    // 1. A client that goes away while the large bundle is built. Probes for a trace that does
    //    not exist answer 404 while the slot is free and 429 while the bundle is being built.
    const missing = 'ab'.repeat(16);
    let aborted = false;
    for (let attempt = 0; attempt < 5 && !aborted; attempt++) {
      const leaver = new AbortController();
      const answer = bundle(largeId, leaver.signal).then(
        (r) => r.status,
        () => 0,
      );
      let settled: number | undefined;
      void answer.then((s) => (settled = s));
      for (;;) {
        const probe = await bundle(missing);
        await probe.arrayBuffer();
        if (probe.status === 429) {
          leaver.abort();
          aborted = true;
          break;
        }
        expect(probe.status).toBe(404);
        if (settled !== undefined) break; // the large request collided with a probe (429): try again
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(settled === undefined || settled === 429 || aborted).toBe(true);
      await answer;
    }
    expect(aborted).toBe(true);
    const leftAt = Date.now();
    // The slot comes back without the large bundle being finished: the next bundle is built.
    let next: Response;
    for (;;) {
      next = await bundle(smallId);
      if (next.status !== 429) break;
      await next.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(next.status).toBe(200);
    const nextZip = new Uint8Array(await next.arrayBuffer());
    expect(createHash('sha256').update(nextZip).digest('hex')).toBe(next.headers.get('x-causeway-bundle-sha256'));
    expect(verifyBundle(nextZip).ok).toBe(true);
    console.log(`client left mid-build: the slot was free again and the next bundle built ${Date.now() - leftAt} ms later`);

    // The aborted export is in the access audit as aborted (while it was built) and not in the exports.
    let abortedEvent: AuditListResponse['events'][number] | undefined;
    for (const deadline = Date.now() + 120_000; !abortedEvent && Date.now() < deadline; ) {
      const events = (await cw.getJson<AuditListResponse>('/api/audit?action=export.aborted&limit=100')).body.events;
      abortedEvent = events.find((e) => e.traceIds.includes(largeId));
      if (!abortedEvent) await new Promise((r) => setTimeout(r, 100));
    }
    expect(abortedEvent?.detail).toBe('the client went away while the bundle was built');
    expect(abortedEvent?.target).toBe('');
    const exports = (await cw.getJson<{ exports: { query: string }[] }>('/api/exports')).body.exports;
    expect(exports.some((e) => e.query.includes(largeId))).toBe(false);
    expect(exports.some((e) => e.query.includes(smallId))).toBe(true);

    // 2. Memory while a bundle is exported does not grow with its size.
    const measured = async (traceId: string): Promise<{ growth: number; bytes: number; spans: number; pages: number; largestPage: number }> => {
      const before = rssBytes(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
      try {
        const res = await bundle(traceId);
        expect(res.status).toBe(200);
        const zip = new Uint8Array(await res.arrayBuffer());
        const v = verifyBundle(zip);
        expect(v.problems).toEqual([]);
        const spans = Buffer.from(unzipSync(zip, { filter: (f) => f.name === 'rows/spans.jsonl' })['rows/spans.jsonl']!).length;
        const reads = /^pages=(\d+); largest-page-bytes=(\d+)$/.exec(res.headers.get('x-causeway-bundle-reads') ?? '');
        expect(reads).not.toBeNull();
        return { growth: peak - before, bytes: zip.length, spans, pages: Number(reads![1]), largestPage: Number(reads![2]) };
      } finally {
        clearInterval(sampler);
      }
    };
    const s = await measured(smallId);
    const l = await measured(largeId);
    console.log(
      `collector RSS growth while exporting: small bundle (${mib(s.spans)} of span rows, ${mib(s.bytes)} zipped) +${mib(s.growth)}; ` +
        `large bundle (${mib(l.spans)} of span rows, ${mib(l.bytes)} zipped) +${mib(l.growth)}`,
    );
    expect(l.spans - s.spans).toBeGreaterThan(16 * MiB);
    // Rows are read a page at a time, never more than BUNDLE_PAGE_BYTES of them at once (every row
    // here is ~16 KiB), so the large bundle takes proportionally more pages of the same bound.
    // RSS is printed, not asserted (it moves with when the GC runs): built in memory (before
    // this change) +10 / +200 MiB for 5 / 33 MiB of rows; streamed +11 / +61 and +19 / +91 MiB for 5 / 25.
    console.log(`rows read in ${s.pages} / ${l.pages} pages, largest ${mib(s.largestPage)} / ${mib(l.largestPage)}`);
    for (const m of [s, l]) expect(m.largestPage).toBeLessThanOrEqual(BUNDLE_PAGE_BYTES);
    expect(l.pages).toBeGreaterThan(s.pages);
  } catch (e) {
    console.log(cw.output().slice(-3000));
    throw e;
  } finally {
    await cw.stop();
  }
}, 600_000);
