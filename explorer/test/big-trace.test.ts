// A large multi-agent trace in real Chromium against a real collector: an orchestrator and its
// sub-agents (multi-agent-trace.ts), one of which reads an injected e-mail that ends, through
// the orchestrator, in a billing agent mailing the customer export out. BIG_TRACE_AGENTS sets
// the size (default 12 sub-agents, ~1,000 spans, so the suite stays quick on 2 cores); the
// explorer bench opens the 3,250-span one (40 sub-agents) and reports its timings.
import { type SliceResponse, type TraceOverviewResponse, decodeSteps } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPTHS } from '../src/views/trace/useSlice.ts';
import { type Explorer, openExplorer } from './harness.ts';
import { type MultiAgentTrace, multiAgentTrace, sendMultiAgentTrace } from './multi-agent-trace.ts';

const AGENTS = Number(process.env.BIG_TRACE_AGENTS ?? 12);

describe('a large multi-agent trace in Chromium', () => {
  let x: Explorer;
  let t: MultiAgentTrace;
  let sendId = '';
  const node = (id: string): string => `[data-testid=graph-node][data-node-id="${id}"]`;

  beforeAll(async () => {
    x = await openExplorer();
    t = multiAgentTrace({ agents: AGENTS });
    await sendMultiAgentTrace(x.cw.otlpUrl, t, x.cw.ingestHeaders);
    await x.cw.settled(300_000);
    sendId = `act:${t.traceId}/${t.sendEmail}`;
  }, 600_000);

  afterAll(async () => {
    await x?.close();
  }, 300_000);

  it('opens readable from a small first answer: a labelled lane per agent, runs of steps grouped, the exfiltrating send_email framed', async () => {
    const { page } = x;
    const t0 = Date.now();
    await page.goto(`${x.cw.apiUrl}/traces/${t.traceId}`);
    await x.graphReady(600_000);
    const laidOut = Date.now() - t0;
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, sendId);
    expect(await x.attr('[data-testid=trace-view]', 'data-key-node')).toBe(sendId);
    await page.waitForFunction(
      (sel) => {
        const g = document.querySelector('[data-testid=graph]')!;
        const b = document.querySelector(sel)?.getBoundingClientRect();
        const gb = g.getBoundingClientRect();
        return !!b && Number(g.getAttribute('data-zoom')) >= 1 && b.left >= gb.left && b.right <= gb.right && b.top >= gb.top && b.bottom <= gb.bottom;
      },
      node(sendId),
      { timeout: 60_000 },
    );
    const readable = Date.now() - t0;
    // what crossed the network until then (compressed sizes), and what each answer was once decoded
    const loaded = await page.evaluate(() => {
      const now = performance.now();
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => e.startTime >= nav.startTime)
        .map((e) => ({ path: new URL(e.name).pathname, by: e.initiatorType, done: e.responseEnd > 0 && e.responseEnd <= now, bytes: e.encodedBodySize, decoded: e.decodedBodySize, start: Math.round(e.startTime - nav.startTime), ms: Math.round(e.duration) }));
    });
    const before = loaded.filter((r) => r.done);
    const api = (p: string): (typeof loaded)[number] | undefined => loaded.find((r) => r.path === p);
    const overview = api(`/api/provenance/traces/${t.traceId}/overview`)!;
    // the first view came from the overview alone, not the whole graph
    expect(overview?.done).toBe(true);
    // asked for by the page's head (a preload, before the app's script ran), and taken by the app: asked once
    expect(overview.by).toBe('link');
    expect(loaded.filter((r) => r.path === overview.path)).toHaveLength(1);
    expect(before.map((r) => r.path)).not.toContain(`/api/provenance/traces/${t.traceId}`);
    expect(overview.bytes).toBeLessThan(overview.decoded / 3); // compressed on the wire
    // the key node's "why?" came with the overview: the page never asked for it
    await page.locator('[data-testid=taint-path]').first().waitFor();
    const asked = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(asked.filter((u) => u.includes('/api/provenance/slice?') && u.includes('direction=backward') && u.includes(`span=${t.sendEmail}`))).toEqual([]);
    const firstBytes = before.reduce((n, r) => n + r.bytes, 0);
    expect(firstBytes).toBeLessThan(2e6);
    expect(await page.locator('[data-testid=overview-note]').count()).toBe(1);
    expect(await x.attr('[data-testid=trace-view]', 'data-graph')).toBe('overview');
    expect(await x.labelPx(node(sendId))).toBeGreaterThanOrEqual(11);
    // aggregated: far fewer nodes than the trace's, drawn as SVG, each agent's lane named
    const drawn = Number(await x.attr('[data-testid=graph]', 'data-nodes'));
    expect(drawn).toBeLessThan(t.spans / 4);
    expect(await x.attr('[data-testid=graph]', 'data-render')).toBe('svg');
    expect(await page.locator('[data-testid=graph-node][data-type=group]').count()).toBeGreaterThan(0);
    const lanes = await page.locator('[data-testid=lane-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(new Set(lanes)).toEqual(new Set(t.agents));
    await x.shot('big-trace-first-view');
    const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
    const spansA = api(`/api/traces/${t.traceId}`);
    console.log(
      `big trace: ${t.spans} spans, ${t.agents.length} agents → ${drawn} nodes drawn; graph laid out ${laidOut} ms, key path readable ${readable} ms after navigation; ` +
        `${mb(firstBytes)} transferred before (${before.length} responses; overview ${mb(overview.bytes)}, ${mb(overview.decoded)} decoded, asked at ${overview.start} ms, answered in ${overview.ms} ms)` +
        (spansA ? `; spans ${spansA.done ? 'before' : 'after'}: ${mb(spansA.bytes)} (${mb(spansA.decoded)} decoded)` : ''),
    );
  });

  it('expands a group of steps on demand', async () => {
    const { page } = x;
    const group = page.locator('[data-testid=graph-node][data-type=group]').first();
    const members = Number(await group.getAttribute('data-members'));
    const before = Number(await x.attr('[data-testid=graph]', 'data-nodes'));
    await group.dispatchEvent('click');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=graph]')?.getAttribute('data-nodes')) >= n, before + members - 1);
    await x.graphReady();
  });

  it('finds in the trace, jumps to the next failed step, and draws that row in its own row', async () => {
    const { page } = x;
    // a step the overview does not draw (inside a group of steps) is found by its text, and drawn once selected
    const overview = (await x.cw.getJson<TraceOverviewResponse>(`/api/provenance/traces/${t.traceId}/overview`)).body;
    const drawnIds = new Set(await page.locator('[data-testid=graph-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id'))));
    const hidden = decodeSteps(t.traceId, overview.steps!).find((a) => a.kind === 'tool' && a.callId && !drawnIds.has(a.id))!;
    expect(hidden, 'a tool call drawn only inside a group').toBeDefined();
    await page.waitForSelector('[data-testid=waterfall-row]'); // the spans (their attributes) are what find searches
    await page.fill('[data-testid=find-input]', hidden.callId);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=find-count]')?.getAttribute('data-hits')) >= 1);
    // the call id is in the call's span and in the model calls that asked for it and read its result: step to the call
    const hits = Number(await x.attr('[data-testid=find-count]', 'data-hits'));
    let at = new URL(page.url()).searchParams.get('node') ?? '';
    for (let i = 0; i < hits && at !== hidden.id; i++) {
      await page.click('[data-testid=find-next]');
      await page.waitForFunction((prev) => (new URL(location.href).searchParams.get('node') ?? '') !== prev, at);
      at = new URL(page.url()).searchParams.get('node') ?? '';
    }
    expect(at).toBe(hidden.id);
    await page.waitForSelector(node(hidden.id));

    await page.fill('[data-testid=find-input]', 'export_customers');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=find-count]')?.getAttribute('data-hits')) >= 1);
    await page.click('[data-testid=find-next]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=find-count]')?.textContent ?? '').includes(' of '));
    // next error: a failed span is selected and shown in the waterfall
    expect(t.errors.length).toBeGreaterThan(0);
    await page.click('[data-testid=next-error]');
    await page.waitForFunction((errs) => errs.some((e) => (new URL(location.href).searchParams.get('node') ?? '').endsWith(`/${e}`)), t.errors);
    const sel = new URL(page.url()).searchParams.get('node')!;
    const row = page.locator(`[data-testid=waterfall-row][data-span-id="${sel.split('/')[1]}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('error');
    // a failed row is as tall as any other and the next one starts where it ends
    const box = (await row.boundingBox())!;
    const next = (await row.evaluate((el) => (el.nextElementSibling as HTMLElement | null)?.getBoundingClientRect().top ?? null)) as number | null;
    expect(Math.round(box.height)).toBe(22);
    if (next !== null) expect(Math.round(next - box.y)).toBe(22);
    await page.click('[data-testid=next-error]');
    await page.waitForFunction((prev) => new URL(location.href).searchParams.get('node') !== prev, sel);
  });

  // (~3 s here; the walk's time in CI once ran past 120 s and then 300 s, both times because the
  // walk's own first request was the one held — see below — not because the walk was slow)
  it('loads a slice progressively, shows what was found so far, and cancels the walk', { timeout: 180_000 }, async () => {
    const { page } = x;
    // (every activity is in the overview: no need to compute the whole graph for this)
    const overview = (await x.cw.getJson<TraceOverviewResponse>(`/api/provenance/traces/${t.traceId}/overview`)).body;
    // the orchestrator's first model call: what followed from it runs through the whole trace
    const first = decodeSteps(t.traceId, overview.steps!).filter((n) => n.kind === 'llm').sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1))[0]!;
    // hold the walk's second request (the deeper one) so the cancel is not a race with it. It is
    // known by what it asks, not by its place in line: the previous test's page may still be
    // walking back from its last selection when this route is set (it did once in CI, and the
    // walk's own first request was the one held)
    const [, deeper] = DEPTHS;
    const isHeld = (url: string): boolean => {
      const u = new URL(url);
      return u.pathname === '/api/provenance/slice' && u.searchParams.get('direction') === 'forward' && u.searchParams.get('span') === first.spanId && u.searchParams.get('depth') === String(deeper);
    };
    await page.route('**/api/provenance/slice?*', async (route) => {
      if (isHeld(route.request().url())) return; // held: the page aborts it
      await route.continue();
    });
    const aborted = new Promise<string>((resolve) => page.on('requestfailed', (r) => isHeld(r.url()) && resolve(r.failure()?.errorText ?? '')));
    await page.goto(`${x.cw.apiUrl}/traces/${t.traceId}?node=${encodeURIComponent(first.id)}&dir=forward`);
    const progress = page.locator('[data-testid=effect-progress]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=effect-progress]')?.getAttribute('data-depth')) > 2, undefined, { timeout: 120_000 });
    expect(await page.locator('[data-testid=effect-list] li').count()).toBeGreaterThan(0);
    expect(await progress.textContent()).toContain('found so far');
    await page.click('[data-testid=effect-cancel]');
    await page.waitForSelector('[data-testid=effect-cancelled]');
    expect(await page.locator('[data-testid=effect-list] li').count()).toBeGreaterThan(0);
    expect(await aborted).toContain('ABORTED');
    await page.unroute('**/api/provenance/slice?*');
  });

  it('loads the whole causal graph on demand, and the key node stays the same', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${t.traceId}`);
    await x.graphReady(600_000);
    const overviewEdges = Number(await x.attr('[data-testid=graph]', 'data-edges'));
    // the note says how much of the graph is shown: the overview's links of at least the links the trace recorded
    const links = page.locator('[data-testid=overview-links]');
    const shown = Number(await links.getAttribute('data-shown'));
    const recorded = Number(await links.getAttribute('data-recorded'));
    expect(await links.textContent()).toBe(`Showing ${shown.toLocaleString('en-US')} of at least ${recorded.toLocaleString('en-US')} links`);
    expect(shown).toBeGreaterThan(0);
    expect(recorded).toBeGreaterThan(shown);
    // the whole graph as the page received it (asking the collector again would compute it twice)
    const [answer] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/provenance/traces/${t.traceId}`, { timeout: 600_000 }),
      page.click('[data-testid=load-whole-graph]'),
    ]);
    const whole = (await answer.json()) as SliceResponse;
    await page.waitForSelector('[data-testid=trace-view][data-graph=whole]', { timeout: 600_000 });
    expect(await page.locator('[data-testid=overview-note]').count()).toBe(0);
    await x.graphReady(600_000);
    expect(await x.attr('[data-testid=trace-view]', 'data-key-node')).toBe(sendId);
    // the whole graph links the other steps too: more links drawn than the overview's key path
    expect(Number(await x.attr('[data-testid=graph]', 'data-edges'))).toBeGreaterThan(overviewEdges);
    // and has at least the links the note counted (uses, outputs and parentage exactly those)
    expect(whole.truncated).toBe(false);
    expect(whole.edges.filter((e) => e.relation === 'used' || e.relation === 'generated' || e.relation === 'child_of')).toHaveLength(recorded);
  }, 900_000);
});
