// The explorer bench, part 2: opening a large multi-agent trace (explorer/test/multi-agent-trace.ts,
// 40 sub-agents ≈ 3,250 spans in 41 lanes by default) from a real collector in headless
// Chromium, as a responder does. Reported per run: the collector's answer time and size (on the
// wire, gzip; and decoded) for the trace overview (the first view's one request) and for the
// spans, the bytes transferred before the key node (the exfiltrating send_email) is framed
// readably, the time until the graph is laid out and until then, and how many nodes it draws.
// Not a test: nothing asserts on time. BENCH_EXPLORER_TRACE_AGENTS sets the size (0 skips it),
// BENCH_EXPLORER_TRACE_RUNS the number of openings (default 3). The openings wait until the
// collector's detections have evaluated the trace (a quiet collector: fair timings), which can
// take many minutes for a trace this size on a loaded machine; BENCH_EXPLORER_DETECTIONS=off
// starts the collector with CAUSEWAY_DETECTIONS=off instead (no wait, nothing running beside);
// BENCH_EXPLORER_WHOLE_GRAPH=off leaves out timing the whole causal graph after the openings.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { launchChromium } from '@causeway/testkit/browser.ts';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { ensureExplorerBuilt } from '../build.ts';
import { detectionsDone, multiAgentTrace, sendMultiAgentTrace } from '../test/multi-agent-trace.ts';

export interface OpenTraceResult {
  spans: number;
  agents: number;
  run: number;
  overviewApiMs: number;
  overviewApiMB: number;
  overviewDecodedMB: number;
  spansApiMs: number;
  spansApiMB: number;
  spansDecodedMB: number;
  /** every response finished before the key node was readable, as transferred */
  beforeReadableMB: number;
  /** as the harness saw them (Playwright's polling answers late on a loaded machine): Node's clock from navigation */
  laidOutMs: number;
  readableMs: number;
  nodesDrawn: number;
  /** in the page's clock: the overview's last byte, and the key node readable (ms after navigation start; the figure to quote) */
  overviewEndMs: number;
  pageReadableMs: number;
  /** the browser's part: from the overview's last byte to readable */
  browserMs: number;
  /** the explorer's marks (perf.ts) before readable: first time each, and how often the trace view rendered */
  marks: Record<string, number>;
  renders: number;
}

export async function benchOpenTrace(log: (s: string) => void = console.log): Promise<OpenTraceResult[]> {
  const agents = Number(process.env.BENCH_EXPLORER_TRACE_AGENTS ?? 40);
  const runs = Number(process.env.BENCH_EXPLORER_TRACE_RUNS ?? 3);
  const detections = process.env.BENCH_EXPLORER_DETECTIONS !== 'off';
  if (!agents) return [];
  await ensureExplorerBuilt({ wait: true, log });
  const t = multiAgentTrace({ agents });
  const cw = await startCollector(detections ? {} : { env: { CAUSEWAY_DETECTIONS: 'off' } });
  const browser = await launchChromium();
  const results: OpenTraceResult[] = [];
  try {
    // one signed-in session (the printed link is good once, for 15 minutes) for every run, before the wait for detections
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    if (cw.signInLink) {
      const signIn = await context.newPage();
      await signIn.goto(cw.signInLink);
      await signIn.waitForSelector('[data-testid=account-name]');
      await signIn.close();
    }
    const t0 = Date.now();
    await sendMultiAgentTrace(cw.otlpUrl, t, cw.ingestHeaders);
    await cw.settled(900_000);
    const ingested = Date.now() - t0;
    if (detections) await detectionsDone((p) => cw.getJson(p), 900_000);
    const waited = detections ? `detections after ${Date.now() - t0 - ingested} ms (waited for at most 900 s)` : 'detections off (BENCH_EXPLORER_DETECTIONS=off)';
    log(`open a trace: ${t.spans} spans, ${t.agents.length} agents, ingested in ${ingested} ms, ${waited}; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const sendId = `act:${t.traceId}/${t.sendEmail}`;
    // the collector alone, same run: the first view's answer against the whole graph's (which it replaced)
    const timed = async (path: string): Promise<string> => {
      const t1 = Date.now();
      try {
        const res = await cw.fetch(path);
        const body = await res.arrayBuffer();
        return `${Date.now() - t1} ms, ${(body.byteLength / 1e6).toFixed(2)} MB`;
      } catch (e) {
        // on a loaded machine the whole graph can take longer than fetch waits for headers (300 s)
        return `no answer after ${Date.now() - t1} ms (${(e as Error).message})`;
      }
    };
    log(`  the collector alone: trace overview ${await timed(`/api/provenance/traces/${t.traceId}/overview`)} (decoded size)`);
    for (let run = 1; run <= runs; run++) {
      const page = await context.newPage();
      page.setDefaultTimeout(1_800_000);
      // the page's requests in flight (a load state cannot say it: "networkidle" may have passed in a pause between them)
      let inFlight = 0;
      page.on('request', () => inFlight++);
      page.on('requestfinished', () => inFlight--);
      page.on('requestfailed', () => inFlight--);
      // BENCH_EXPLORER_PROFILE=<file prefix>: a CPU profile of the page until readable (Chrome DevTools format)
      const profile = process.env.BENCH_EXPLORER_PROFILE ? await context.newCDPSession(page) : undefined;
      if (profile) {
        // the same origin first, so the trace page opens in the renderer being profiled
        await page.goto(`${cw.apiUrl}/healthz`);
        await profile.send('Profiler.enable');
        await profile.send('Profiler.setSamplingInterval', { interval: 200 });
        await profile.send('Profiler.start');
      }
      // checked in the page every 4 ms from the moment it starts (an init script, installed before
      // navigation): the time the key node is on screen at a readable scale, in the page's clock.
      // (A checker installed once Playwright had seen the graph laid out started up to ~700 ms
      // after the page had drawn it, on a loaded machine, and the page sat idle until then.)
      await page.addInitScript((id) => {
        const iv = setInterval(() => {
          const g = document.querySelector('[data-testid=graph]');
          const b = document.querySelector(`[data-testid=graph-node][data-node-id="${id}"]`)?.getBoundingClientRect();
          if (!g || !b) return;
          const gb = g.getBoundingClientRect();
          if (!(Number(g.getAttribute('data-zoom')) >= 1 && b.left >= gb.left && b.right <= gb.right && b.top >= gb.top && b.bottom <= gb.bottom)) return;
          (window as unknown as { readableAt: number }).readableAt = performance.now();
          clearInterval(iv);
        }, 4);
      }, sendId);
      const start = Date.now();
      await page.goto(`${cw.apiUrl}/traces/${t.traceId}`);
      await page.waitForSelector('[data-testid=graph][data-laid-out=true]');
      const laidOutMs = Date.now() - start;
      await page.waitForFunction(() => (window as unknown as { readableAt?: number }).readableAt !== undefined, undefined, { polling: 50 });
      const readableMs = Date.now() - start;
      const timing = await page.evaluate((overviewPath) => {
        const at = (window as unknown as { readableAt: number }).readableAt;
        const ov = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => new URL(e.name).pathname === overviewPath);
        const marks: Record<string, number> = {};
        let renders = 0;
        for (const m of performance.getEntriesByType('mark')) {
          if (!m.name.startsWith('causeway:') || m.startTime > at) continue;
          const n = m.name.slice(9);
          if (n === 'trace-view-render') renders++;
          else if (n in marks) marks[`${n}#${Object.keys(marks).filter((k) => k.startsWith(`${n}#`)).length + 2}`] = Math.round(m.startTime);
          if (!(n in marks)) marks[n] = Math.round(m.startTime);
        }
        return { overviewEndMs: Math.round(ov?.responseEnd ?? NaN), pageReadableMs: Math.round(at), marks, renders };
      }, `/api/provenance/traces/${t.traceId}/overview`);
      if (profile) {
        const { profile: p } = await profile.send('Profiler.stop');
        const file = `${process.env.BENCH_EXPLORER_PROFILE}-run${run}.cpuprofile`;
        writeFileSync(file, JSON.stringify(p));
        log(`    CPU profile until readable: ${file}; heaviest functions by self time after the overview arrived:`);
        for (const l of heaviest(p, timing.overviewEndMs, 12)) log(`      ${l}`);
        await profile.detach();
      }
      const entries = () =>
        page.evaluate(() => {
          const now = performance.now();
          return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
            name: new URL(e.name).pathname,
            ms: e.duration,
            done: e.responseEnd > 0 && e.responseEnd <= now,
            bytes: e.encodedBodySize,
            decoded: e.decodedBodySize,
          }));
        });
      const atReadable = await entries();
      // the spans come after the first view: wait for the waterfall
      await page.waitForSelector('[data-testid=waterfall-row]');
      const res = await entries();
      const overview = res.find((r) => r.name === `/api/provenance/traces/${t.traceId}/overview`);
      const spans = res.find((r) => r.name === `/api/traces/${t.traceId}`);
      const r: OpenTraceResult = {
        spans: t.spans,
        agents: t.agents.length,
        run,
        overviewApiMs: Math.round(overview?.ms ?? NaN),
        overviewApiMB: (overview?.bytes ?? NaN) / 1e6,
        overviewDecodedMB: (overview?.decoded ?? NaN) / 1e6,
        spansApiMs: Math.round(spans?.ms ?? NaN),
        spansApiMB: (spans?.bytes ?? NaN) / 1e6,
        spansDecodedMB: (spans?.decoded ?? NaN) / 1e6,
        beforeReadableMB: atReadable.filter((e) => e.done).reduce((n, e) => n + e.bytes, 0) / 1e6,
        laidOutMs,
        readableMs,
        nodesDrawn: Number(await page.locator('[data-testid=graph]').getAttribute('data-nodes')),
        ...timing,
        browserMs: timing.pageReadableMs - timing.overviewEndMs,
      };
      results.push(r);
      log(
        `  run ${run}: trace overview API ${r.overviewApiMs} ms (${r.overviewApiMB.toFixed(2)} MB transferred, ${r.overviewDecodedMB.toFixed(2)} MB decoded); ` +
          `key node readable **${r.pageReadableMs} ms** after navigation (the page's clock; the harness saw the graph laid out at ${r.laidOutMs} ms and readable at ${r.readableMs} ms) with ${r.beforeReadableMB.toFixed(2)} MB transferred; ${r.nodesDrawn} nodes drawn; ` +
          `then spans API ${r.spansApiMs} ms (${r.spansApiMB.toFixed(2)} MB transferred, ${r.spansDecodedMB.toFixed(2)} MB decoded)`,
      );
      log(`    in the browser: overview's last byte at ${r.overviewEndMs} ms, readable at ${r.pageReadableMs} ms: **${r.browserMs} ms from the overview to readable**; ${r.renders} renders of the trace view; marks (ms after navigation): ${Object.entries(r.marks).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      log(`    load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      // what the page still asks for after the first view (the key node's "what followed?", its
      // spans and logs) ends before the next opening: the collector would otherwise still be busy
      // with this run's requests (closing the page does not stop a slice being computed)
      const settle = Date.now();
      for (let quietSince = Date.now(); Date.now() - quietSince < 3000 && Date.now() - settle < 1_800_000; await new Promise((r) => setTimeout(r, 250))) {
        if (inFlight > 0) quietSince = Date.now();
      }
      log(`    the page's last request ended ${Math.round((Date.now() - 3000 - start) / 1000)} s after navigation`);
      await page.close();
    }
    // after the openings: a whole graph the collector gave up waiting for would still be computed during them
    // (BENCH_EXPLORER_WHOLE_GRAPH=off skips it: minutes on a loaded machine, when only the openings are wanted)
    if (process.env.BENCH_EXPLORER_WHOLE_GRAPH !== 'off') log(`  the collector alone: whole causal graph ${await timed(`/api/provenance/traces/${t.traceId}?limit=20000`)} (decoded size)`);
  } finally {
    await browser.close();
    await cw.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOpenTrace();

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function in the profile's samples after `fromMs` (page clock, ≈ the profile's own since navigation), heaviest first. */
function heaviest(p: CpuProfile, fromMs: number, n: number): string[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let t = 0;
  let first: number | undefined;
  let total = 0;
  const deltas = p.timeDeltas ?? [];
  (p.samples ?? []).forEach((id, i) => {
    t += (deltas[i] ?? 0) / 1000;
    first ??= t;
    if (t - first < fromMs) return;
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
    const dt = (deltas[i + 1] ?? 0) / 1000;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  return [`total ${total.toFixed(0)} ms sampled`, ...[...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(0)} ms ${k}`)];
}
