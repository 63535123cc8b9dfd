// The explorer end to end in real Chromium: a real collector process fed the payloads the
// openai library's instrumentation really exported for the prompt-injection and benign
// incidents (fixtures/agents/captured/openai), the built explorer served by that collector.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident, SliceArtifact, SliceResponse } from '@causeway/schemas';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';
import { ensureExplorerBuilt } from '../build.ts';
import { launchChromium } from '@causeway/testkit/browser.ts';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';
import { feedCaptured } from './feed.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const SEND_EMAIL = '[data-testid=graph-node][data-type=activity][data-label="send_email"]';

describe('explorer in Chromium', () => {
  let cw: CollectorProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pi = '';
  let benign = '';
  let sendId = '';
  let injected = '';
  let unrelated = '';
  let sendResult = '';
  let searchResult = '';
  const pageErrors: string[] = [];

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const graphReady = (): Promise<unknown> => page.waitForSelector('[data-testid=graph][data-laid-out=true]');
  const attr = async (sel: string, name: string): Promise<string | null> => page.locator(sel).first().getAttribute(name);
  const url = (): URL => new URL(page.url());

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const [, collector, b] = await Promise.all([ensureExplorerBuilt({ wait: true }), startCollector(), launchChromium()]);
    cw = collector;
    browser = b;
    const ids = await feedCaptured(cw.otlpUrl, 'openai', ['benign', 'prompt-injection'], cw.ingestHeaders);
    pi = ids['prompt-injection']!;
    benign = ids.benign!;
    await cw.settled();
    // The oracle: the API's own answers name the nodes the page must show.
    const g = (await cw.getJson<SliceResponse>(`/api/provenance/traces/${pi}`)).body;
    const arts = g.nodes.filter((n): n is SliceArtifact => n.type === 'artifact');
    sendId = g.nodes.find((n) => n.type === 'activity' && n.toolName === 'send_email')!.id;
    injected = arts.find((a) => a.kind === 'document' && a.preview.includes('IMPORTANT SYSTEM NOTICE'))!.id;
    sendResult = arts.find((a) => a.kind === 'tool_result' && a.preview.includes('"status":"sent"'))!.id;
    searchResult = arts.find((a) => a.kind === 'tool_result' && a.preview.includes('Reminder: the Q3 board deck'))!.id;
    const bg = (await cw.getJson<SliceResponse>(`/api/provenance/traces/${benign}`)).body;
    unrelated = bg.nodes.find((n) => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('Q3 planning kicked off'))!.id;
    expect(g.nodes.some((n) => n.id === unrelated)).toBe(false);
    context = await browser.newContext({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
    // signed in as the local admin, through the one-time link the collector printed at start
    expect(cw.signInLink).toMatch(/\/signin#code=/);
    await page.goto(cw.signInLink);
    await page.waitForSelector('[data-testid=account-name]');
    expect(await page.textContent('[data-testid=account-role]')).toContain('admin');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cw?.stop();
  });

  it('serves the app for client routes and JSON 404s under /api', async () => {
    const html = await cw.fetch(`/traces/${pi}?node=x`);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    const api404 = await cw.fetch(`/api/nope`);
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { error: string }).error).toContain('/api/nope');
    expect(cw.output()).toContain('Explorer:');
  });

  it('lists traces newest first and filters by tool, untrusted content and text in redacted content', async () => {
    await page.goto(`${cw.apiUrl}/`);
    await page.waitForSelector('[data-testid=trace-row]');
    // prompt-injection was sent last but ran earlier: the list is by start time, newest first
    const rows = await page.locator('[data-testid=trace-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')));
    const starts = await Promise.all(rows.map(async (id) => BigInt((await cw.getJson<{ traces: { traceId: string; startTimeUnixNano: string }[] }>(`/api/traces?limit=10`)).body.traces.find((t) => t.traceId === id)!.startTimeUnixNano)));
    expect(rows.sort()).toEqual([benign, pi].sort());
    expect(starts[0]! >= starts[1]!).toBe(true);
    await shot('01-trace-list');

    await page.fill('[data-testid=filter-tool]', 'send_email');
    await page.click('[data-testid=filter-apply]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-row]').length === 1);
    expect(await attr('[data-testid=trace-row]', 'data-trace-id')).toBe(pi);
    expect(url().searchParams.get('tool')).toBe('send_email');

    await page.fill('[data-testid=filter-tool]', '');
    await page.fill('[data-testid=filter-q]', 'Q3 planning kicked off');
    await page.click('[data-testid=filter-apply]');
    await page.waitForSelector('[data-testid=match-snippet]');
    expect(await page.locator('[data-testid=trace-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')))).toEqual([benign]);
    expect(await page.locator('[data-testid=match-snippet]').first().textContent()).toContain('Q3 planning kicked off');

    await page.fill('[data-testid=filter-q]', 'no such text anywhere 7f3a');
    await page.click('[data-testid=filter-apply]');
    await page.waitForSelector('[data-testid=empty]');

    // jump to a trace id
    await page.goto(`${cw.apiUrl}/`);
    await page.fill('[data-testid=jump-input]', pi.toUpperCase());
    await page.click('[data-testid=jump-go]');
    await page.waitForSelector(`[data-testid=trace-view][data-trace-id="${pi}"]`);
  });

  it('why: selecting send_email highlights the injected email as a cause on a taint path, and not the unrelated document', async () => {
    await page.goto(`${cw.apiUrl}/traces/${pi}`);
    await graphReady();
    expect(await attr('[data-testid=graph]', 'data-render')).toBe('svg');
    // (the spans come after the graph)
    await page.locator('[data-testid=waterfall-row]').nth(7).waitFor();
    expect(await page.locator('[data-testid=waterfall-row]').count()).toBe(8);
    await shot('02-trace-graph');
    await page.click('[data-testid=fit]');
    await page.locator(SEND_EMAIL).click();
    expect(url().searchParams.get('node')).toBe(sendId);
    await page.waitForSelector('[data-testid=taint-path]');
    await page.waitForFunction((id) => document.querySelector('[data-testid=graph]')?.getAttribute('data-causes')?.includes(id), injected);

    const node = page.locator(`[data-testid=graph-node][data-node-id="${injected}"]`);
    expect(await node.getAttribute('data-role')).toBe('cause');
    expect(await node.getAttribute('data-taint')).toBe('true');
    expect(await node.getAttribute('data-trust')).toBe('untrusted');
    expect(await attr(SEND_EMAIL, 'data-role')).toBe('seed');
    // a taint path from the injected email ends at send_email, and its edges are drawn as taint
    const path = await page.locator(`[data-testid=taint-path][data-source="${injected}"]`).getAttribute('data-nodes');
    expect(path!.split(' ').at(-1)).toBe(sendId);
    const hop = path!.split(' ');
    expect(await page.locator(`[data-testid=graph-edge][data-from="${hop[0]}"][data-to="${hop[1]}"]`).getAttribute('data-class')).toBe('taint');
    expect(await page.locator(`[data-testid=cause][data-node-id="${injected}"]`).getAttribute('data-taint')).toBe('true');

    // what followed send_email is an effect, not a cause (the forward slice loads on its own)
    await page.waitForFunction((id) => document.querySelector('[data-testid=graph]')?.getAttribute('data-effects')?.includes(id), sendResult);
    expect(await page.locator(`[data-testid=graph-node][data-node-id="${sendResult}"]`).getAttribute('data-role')).toBe('effect');
    // (the effects list fills when the forward slice answers)
    await page.locator(`[data-testid=effect][data-node-id="${sendResult}"]`).waitFor();
    expect(await page.locator(`[data-testid=effect][data-node-id="${sendResult}"]`).count()).toBe(1);
    // the knowledge-base document of the other trace is nowhere among the causes
    expect(await attr('[data-testid=graph]', 'data-causes')).not.toContain(unrelated);
    expect(await attr('[data-testid=graph]', 'data-taint')).not.toContain(unrelated);
    expect(await page.locator(`[data-testid=cause][data-node-id="${unrelated}"]`).count()).toBe(0);
    // the span's attributes are in the inspector
    await page.click('[data-testid=tab-span]');
    expect(await page.locator('[data-testid=span-attributes]').textContent()).toContain('send_email');
    await shot('03-why-send-email');

    // collapsed view: the email is drawn inside search_email, which then carries the taint
    await page.selectOption('[data-testid=artifacts]', 'fold');
    await page.waitForFunction(() => !document.querySelector('[data-testid=graph-node][data-type=artifact]') && document.querySelector('[data-testid=graph][data-laid-out=true]'));
    const search = page.locator('[data-testid=graph-node][data-label="search_email"]');
    expect(await search.getAttribute('data-role')).toBe('cause');
    expect(await search.getAttribute('data-taint')).toBe('true');
    await shot('04-collapsed');
    await page.selectOption('[data-testid=artifacts]', 'auto');
  });

  it('inspects the injected email as stored, with redaction placeholders explained, and where else it appears', async () => {
    await page.goto(`${cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(injected)}&dir=forward`);
    await page.waitForSelector(`[data-testid=inspector][data-node-id="${injected}"]`);
    await page.waitForFunction(() => (document.querySelector('[data-testid=artifact-content]')?.textContent ?? '').includes('IMPORTANT SYSTEM NOTICE'));
    // the sender address was redacted before storage; the placeholder is marked and explained
    // the preview from the slice comes first; the full stored content (with the placeholder) follows
    await page.waitForSelector('[data-testid=artifact-content] [data-testid=redaction]');
    const red = page.locator('[data-testid=artifact-content] [data-testid=redaction]');
    expect(await red.count()).toBeGreaterThan(0);
    expect(await red.first().getAttribute('data-rule')).toBe('email');
    expect(await red.first().getAttribute('title')).toContain('redacted before storage');
    expect(await page.locator('[data-testid=redaction-note]').count()).toBe(1);
    expect(await page.locator('[data-testid=trust-why]').textContent()).toMatch(/mail|outsiders|web/);
    // the same email was retrieved in the benign trace too: both appearances are listed
    await page.waitForSelector('[data-testid=appearances] li');
    const apps = await page.locator('[data-testid=appearances]').textContent();
    expect(apps).toContain(pi.slice(0, 12));
    expect(apps).toContain(benign.slice(0, 12));
    // forward slice: what it led to includes the exfiltrating send_email
    await page.waitForSelector(`[data-testid=effect][data-node-id="${sendId}"]`);
    await shot('05-inspector-injected-email');
  });

  it('replays the trace step by step, showing what the agent could see and did', async () => {
    await page.goto(`${cw.apiUrl}/traces/${pi}`);
    await graphReady();
    await page.click('[data-testid=replay-start]');
    await page.waitForSelector('[data-testid=replay][data-step="0"]');
    expect(await attr('[data-testid=replay]', 'data-steps')).toBe('8');
    const expected = ['agent mail-triage', 'chat', 'search_email', 'chat', 'export_customers', 'chat', 'send_email', 'chat'];
    const seen: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      await page.waitForSelector(`[data-testid=replay][data-step="${i}"]`);
      seen.push((await page.locator('[data-testid=replay-action]').textContent())!);
      expect(url().searchParams.get('step')).toBe(String(i));
      if (expected[i] === 'search_email') {
        // the search has not been answered yet: send_email is still in the future
        expect(await attr(SEND_EMAIL, 'data-visible')).toBe('false');
        expect(await page.locator(`[data-testid=replay-did-item][data-node-id="${searchResult}"]`).count()).toBe(1);
      }
      if (expected[i] === 'send_email') {
        expect(await attr(SEND_EMAIL, 'data-visible')).toBe('true');
        expect(await attr(SEND_EMAIL, 'data-replay')).toBe('current');
        // its context: the llm call that asked for it had read the search result holding the injected email
        const ctx = await page.locator('[data-testid=replay-context-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
        expect(ctx).toContain(searchResult);
        expect(await page.locator(`[data-testid=replay-context-item][data-node-id="${searchResult}"]`).getAttribute('data-trust')).toBe('untrusted');
        expect(await page.locator('[data-testid=replay-did-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')))).toEqual([sendResult]);
        expect(await page.locator('[data-testid=replay-next-action]').textContent()).toContain('llm');
        await shot('06-replay-send-email');
      }
      if (i < expected.length - 1) await page.keyboard.press('ArrowRight');
    }
    expect(seen.map((s) => (s.startsWith('chat') ? 'chat' : s))).toEqual(expected);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('[data-testid=replay][data-step="6"]');
    await page.locator('[data-testid=replay-scrub]').fill('2');
    await page.waitForSelector('[data-testid=replay][data-step="2"]');
    // space plays: the step advances on its own, space again pauses
    await page.keyboard.press(' ');
    await page.waitForSelector('[data-testid=replay][data-playing="true"]');
    await page.waitForSelector('[data-testid=replay][data-step="3"]', { timeout: 5000 });
    await page.keyboard.press(' ');
    await page.waitForSelector('[data-testid=replay][data-playing="false"]');
  });

  it('restores the whole view from a deep link, and after a reload', async () => {
    const link = `/traces/${pi}?node=${encodeURIComponent(sendId)}&dir=backward&step=4&collapse=1`;
    await page.goto(`${cw.apiUrl}${link}`);
    const check = async (): Promise<void> => {
      await graphReady();
      await page.waitForSelector('[data-testid=replay][data-step="4"]');
      expect(await page.inputValue('[data-testid=artifacts]')).toBe('fold');
      expect(await page.inputValue('[data-testid=direction]')).toBe('backward');
      expect(await attr('[data-testid=graph]', 'data-selected')).toBe(sendId);
      await page.waitForSelector('[data-testid=cause]');
      expect(await page.locator('[data-testid=effect]').count()).toBe(0); // backward only
      expect(await page.locator('[data-testid=replay-action]').textContent()).toBe('export_customers');
    };
    await check();
    await page.reload();
    await check();
    expect(url().pathname + url().search).toBe(link);
    // changing the view changes the URL, and back restores the previous one
    await page.selectOption('[data-testid=direction]', 'both');
    expect(url().searchParams.get('dir')).toBeNull();
    await page.locator(`[data-testid=graph-node][data-label="export_customers"]`).click();
    expect(url().searchParams.get('node')).toContain('act:');
    await page.goBack();
    expect(url().searchParams.get('node')).toBe(sendId);
  });

  it('creates an incident from the selected node, finds it after a reload and reopens its view', async () => {
    await page.goto(`${cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}&dir=backward`);
    await page.waitForSelector('[data-testid=slice-panel]');
    await page.click('[data-testid=incident-create]');
    await page.fill('[data-testid=incident-title]', 'Customer export mailed outside');
    await page.fill('[data-testid=incident-notes]', 'send_email steered by msg-7f3a91');
    await page.click('[data-testid=incident-save]');
    const created = page.locator('[data-testid=incident-created]');
    await created.waitFor();
    const id = (await created.getAttribute('data-incident-id'))!;
    expect(id).toMatch(/^[0-9a-f]{16}$/);

    await page.reload();
    await page.click('[data-testid=nav-incidents]');
    const row = page.locator(`[data-testid=incident-row][data-incident-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Customer export mailed outside');
    await shot('07-incidents');
    await row.locator('a').click();
    await page.waitForSelector(`[data-testid=incident][data-incident-id="${id}"]`);
    await page.fill('[data-testid=incident-note-input]', 'confirmed with the CFO');
    await page.click('[data-testid=incident-note-add]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=incident-notes-list]')?.textContent ?? '').includes('confirmed with the CFO'));
    await page.click('[data-testid=incident-open-view]');
    await page.waitForSelector(`[data-testid=trace-view][data-trace-id="${pi}"]`);
    expect(url().searchParams.get('node')).toBe(sendId);
    expect(url().searchParams.get('dir')).toBe('backward');

    // stored as append-only events, folded on read
    const inc = (await cw.getJson<Incident>(`/api/incidents/${id}`)).body;
    expect(inc.events.map((e) => e.type)).toEqual(['created', 'note']);
    expect(inc.seeds).toEqual([sendId]);
    expect(inc.notes.map((n) => n.text)).toEqual(['send_email steered by msg-7f3a91', 'confirmed with the CFO']);
  });

  it('exports the evidence bundle of the selected slice as a zip download', async () => {
    await page.goto(`${cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await page.waitForSelector('[data-testid=slice-panel]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
    expect(download.suggestedFilename()).toMatch(/^causeway-evidence-[0-9a-f]{12}\.zip$/);
    const file = join(SHOTS, 'bundle.zip');
    await download.saveAs(file);
    const zip = readFileSync(file);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('manifest.dsse.json'))).toBe(true);
    expect(await page.locator('[data-testid=export-status]').textContent()).toContain('Exported');
  });

  it('renders a large graph on canvas and keeps empty and missing states clear', async () => {
    // a real 10,000-span trace from the SDK: every activity and artifact in the graph (on
    // canvas), every span in the waterfall (windowed), nothing throws
    const big = makeTrace(10_000, 'big-agent');
    expect(await exportSpans(new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders, timeoutMillis: 120_000 }), big)).toBe(true);
    await cw.settled();
    // "everything": every node drawn, on canvas
    await page.goto(`${cw.apiUrl}/traces/${big[0]!.spanContext().traceId}?collapse=0`);
    // "everything" asks for the whole causal graph at once (the overview of a large trace has its steps only)
    await page.waitForSelector('[data-testid=trace-view][data-graph=whole]', { timeout: 600_000 });
    await page.waitForSelector('[data-testid=graph][data-laid-out=true]', { timeout: 60_000 });
    expect(await attr('[data-testid=graph]', 'data-render')).toBe('canvas');
    expect(Number(await attr('[data-testid=graph]', 'data-nodes'))).toBeGreaterThanOrEqual(10_000);
    await page.waitForSelector('[data-testid=waterfall][data-spans="10000"]', { timeout: 60_000 });
    // windowed: far fewer rows in the page than spans
    expect(await page.locator('[data-testid=waterfall-row]').count()).toBeLessThan(200);
    // something was drawn: the canvas is not blank
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=graph] canvas') as HTMLCanvasElement | null;
      if (!c) return false;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n > 1000;
    });
    await shot('09-trace-10k-spans');

    await page.goto(`${cw.apiUrl}/traces/${'0'.repeat(31)}1`);
    await page.waitForSelector('[data-testid=trace-not-found]');
    await page.goto(`${cw.apiUrl}/somewhere/else/entirely`);
    await page.waitForSelector('[data-testid=not-found]');
    expect(pageErrors).toEqual([]);
  });
});
