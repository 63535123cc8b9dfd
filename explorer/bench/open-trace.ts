// The explorer bench, part 2: opening a large multi-agent trace (explorer/test/multi-agent-trace.ts,
// 40 sub-agents ≈ 3,250 spans in 41 lanes by default) from a real collector in headless
// Chromium, as a responder does. Reported per run: the collector's answer time and size for the
// causal graph and for the spans, the time until the graph is laid out and until the key node
// (the exfiltrating send_email) is framed readably, and how many nodes the readable view draws.
// Not a test: nothing asserts on time. BENCH_EXPLORER_TRACE_AGENTS sets the size (0 skips it),
// BENCH_EXPLORER_TRACE_RUNS the number of openings (default 3).
import { cpus } from 'node:os';
import { launchChromium } from '@causeway/testkit/browser.ts';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { ensureExplorerBuilt } from '../build.ts';
import { multiAgentTrace, sendMultiAgentTrace } from '../test/multi-agent-trace.ts';

export interface OpenTraceResult {
  spans: number;
  agents: number;
  run: number;
  graphApiMs: number;
  graphApiMB: number;
  spansApiMs: number;
  spansApiMB: number;
  laidOutMs: number;
  readableMs: number;
  nodesDrawn: number;
}

export async function benchOpenTrace(log: (s: string) => void = console.log): Promise<OpenTraceResult[]> {
  const agents = Number(process.env.BENCH_EXPLORER_TRACE_AGENTS ?? 40);
  const runs = Number(process.env.BENCH_EXPLORER_TRACE_RUNS ?? 3);
  if (!agents) return [];
  await ensureExplorerBuilt({ wait: true, log });
  const t = multiAgentTrace({ agents });
  const cw = await startCollector();
  const browser = await launchChromium();
  const results: OpenTraceResult[] = [];
  try {
    const t0 = Date.now();
    await sendMultiAgentTrace(cw.otlpUrl, t, cw.ingestHeaders);
    await cw.settled(900_000);
    log(`open a trace: ${t.spans} spans, ${t.agents.length} agents, ingested in ${Date.now() - t0} ms; ${cpus().length} cores`);
    const sendId = `act:${t.traceId}/${t.sendEmail}`;
    // one signed-in session (the printed link is good once) for every run
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    if (cw.signInLink) {
      const signIn = await context.newPage();
      await signIn.goto(cw.signInLink);
      await signIn.waitForSelector('[data-testid=account-name]');
      await signIn.close();
    }
    for (let run = 1; run <= runs; run++) {
      const page = await context.newPage();
      page.setDefaultTimeout(1_800_000);
      const start = Date.now();
      await page.goto(`${cw.apiUrl}/traces/${t.traceId}`);
      await page.waitForSelector('[data-testid=graph][data-laid-out=true]');
      const laidOutMs = Date.now() - start;
      await page.waitForFunction(
        (id) => {
          const g = document.querySelector('[data-testid=graph]');
          const b = document.querySelector(`[data-testid=graph-node][data-node-id="${id}"]`)?.getBoundingClientRect();
          if (!g || !b) return false;
          const gb = g.getBoundingClientRect();
          return Number(g.getAttribute('data-zoom')) >= 1 && b.left >= gb.left && b.right <= gb.right && b.top >= gb.top && b.bottom <= gb.bottom;
        },
        sendId,
      );
      const readableMs = Date.now() - start;
      const res = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname, ms: e.duration, bytes: (e as PerformanceResourceTiming).decodedBodySize })),
      );
      const graph = res.find((r) => r.name.startsWith('/api/provenance/traces/'));
      const spans = res.find((r) => r.name === `/api/traces/${t.traceId}`);
      const r: OpenTraceResult = {
        spans: t.spans,
        agents: t.agents.length,
        run,
        graphApiMs: Math.round(graph?.ms ?? NaN),
        graphApiMB: (graph?.bytes ?? NaN) / 1e6,
        spansApiMs: Math.round(spans?.ms ?? NaN),
        spansApiMB: (spans?.bytes ?? NaN) / 1e6,
        laidOutMs,
        readableMs,
        nodesDrawn: Number(await page.locator('[data-testid=graph]').getAttribute('data-nodes')),
      };
      results.push(r);
      log(
        `  run ${run}: causal graph API ${r.graphApiMs} ms (${r.graphApiMB.toFixed(1)} MB), spans API ${r.spansApiMs} ms (${r.spansApiMB.toFixed(1)} MB); ` +
          `graph laid out ${r.laidOutMs} ms, key node readable ${r.readableMs} ms after navigation; ${r.nodesDrawn} nodes drawn`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await cw.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOpenTrace();
