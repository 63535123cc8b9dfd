// The demo incident as a responder meets it, in real Chromium against a real collector fed what
// four agent libraries' instrumentations really exported (openai with its log records,
// LangChain/OpenInference, Traceloop, Vercel AI) for four runs each of the same mail agent:
// benign, prompt-injection, data-mixing and over-broad-action. The runs share the system prompt
// and the mailbox, so most artifacts appear in many traces.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ArtifactResponse, BundleIncident, ExportListResponse, FindingListResponse, Incident, FindingView, SliceActivity, SliceArtifact, SliceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedCaptured } from './feed.ts';
import { type Explorer, SHOTS, openExplorer } from './harness.ts';
import { verifyBundle } from '../../collector/src/bundle/verify.ts';

describe('the demo incident in Chromium', () => {
  let x: Explorer;
  let pi = '';
  let sendId = '';
  let injected = '';
  let graph: SliceResponse;
  let back: SliceResponse;
  let ids: Record<string, string> = {};
  let request = '';
  let benign = '';
  const node = (id: string): string => `[data-testid=graph-node][data-node-id="${id}"]`;
  /** the LLM call that asked for a trace's send_email (it generated the request send_email ran) */
  const deciderOf = (g: SliceResponse): string => {
    const send = g.nodes.find((n) => n.type === 'activity' && n.toolName === 'send_email')!.id;
    const req = g.edges.find((e) => e.to === send && e.relation === 'executed')!.from;
    return g.edges.find((e) => e.to === req && e.relation === 'generated')!.from;
  };

  beforeAll(async () => {
    x = await openExplorer();
    const scenarios = ['benign', 'prompt-injection', 'data-mixing', 'over-broad-action'] as const;
    ids = await feedCaptured(x.cw.otlpUrl, 'openai', [...scenarios], x.cw.ingestHeaders);
    for (const lib of ['langchain', 'traceloop', 'vercel-ai'] as const) for (const [k, v] of Object.entries(await feedCaptured(x.cw.otlpUrl, lib, [...scenarios], x.cw.ingestHeaders))) ids[`${lib}/${k}`] = v;
    pi = ids['prompt-injection']!;
    benign = ids.benign!;
    await x.cw.settled();
    graph = (await x.cw.getJson<SliceResponse>(`/api/provenance/traces/${pi}`)).body;
    const send = graph.nodes.find((n) => n.type === 'activity' && n.toolName === 'send_email')!;
    sendId = send.id;
    injected = graph.nodes.find((n) => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('IMPORTANT SYSTEM NOTICE'))!.id;
    request = graph.edges.find((e) => e.to === sendId && e.relation === 'executed')!.from;
    const [trace, span] = sendId.slice(4).split('/') as [string, string];
    back = (await x.cw.getJson<SliceResponse>(`/api/provenance/slice?trace=${trace}&span=${span}&direction=backward&limit=2000`)).body;
  }, 180_000);

  afterAll(async () => {
    await x?.close();
  });

  it('labels the causes that are in this trace as here, and opens them here', async () => {
    const { page } = x;
    const inTrace = new Set(graph.nodes.map((n) => n.id));
    const here = back.nodes.filter((n) => n.id !== sendId && inTrace.has(n.id));
    // what misled the old list: the API's `traces` of an artifact is capped, and was in id order,
    // so for shared content it could name other traces only; it now names the slice's trace first
    const shared = here.filter((n): n is SliceArtifact => n.type === 'artifact' && n.traces.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const n of shared) expect(n.traces[0], n.id).toBe(pi);

    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}&dir=backward`);
    await page.waitForSelector('[data-testid=cause-list]');
    for (const n of here) {
      const li = page.locator(`[data-testid=cause][data-node-id="${n.id}"]`);
      expect(await li.getAttribute('data-home'), n.id).toBe('here');
      expect(await li.locator('[data-testid=other-trace]').count(), n.id).toBe(0);
    }
    expect(await page.locator('[data-testid=cause-list]').textContent()).not.toContain('other trace');

    // opening one of them stays in this trace and selects it
    const target = shared[0]!;
    await page.locator(`[data-testid=cause][data-node-id="${target.id}"] a`).first().click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, target.id);
    expect(x.url().pathname).toBe(`/traces/${pi}`);
    await page.waitForSelector(`[data-testid=inspector][data-node-id="${target.id}"]`);
  });

  it('does not say stored content is cut when redaction placeholders only made it shorter', async () => {
    const { page } = x;
    const art = (await x.cw.getJson<ArtifactResponse>(`/api/artifacts/${injected.slice(4)}`)).body.artifact;
    // the API's flag once misled the inspector when placeholders made a text shorter than it was
    expect(art.content).toContain('[REDACTED:email:');
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(injected)}`);
    await page.waitForSelector('[data-testid=artifact-content] [data-testid=redaction]');
    expect(await page.locator('[data-testid=inspector]').textContent()).not.toContain('is cut');
    expect(await page.locator('[data-testid=content-cut]').count()).toBe(0);
  });

  it('says stored content is cut when it was', async () => {
    const { page } = x;
    // a 70,000-character tool result: the collector stores 64 KiB of it
    const traceId = 'c0ffee'.padEnd(32, '7');
    const spanId = 'b16b00b5'.padEnd(16, '1');
    const now = BigInt(Date.now()) * 1_000_000n;
    const result = Array.from({ length: 1400 }, (_, i) => `Row ${i}: quarterly ledger line ${i * 7} reconciled.`).join(' ').slice(0, 70_000);
    const attrs = [
      ['gen_ai.operation.name', 'execute_tool'],
      ['gen_ai.tool.name', 'read_ledger'],
      ['gen_ai.tool.call.id', 'call_ledger_1'],
      ['gen_ai.tool.call.arguments', '{"month":"2026-11"}'],
      ['gen_ai.tool.call.result', result],
    ].map(([key, v]) => ({ key, value: { stringValue: v } }));
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ledger-agent' } }] }, scopeSpans: [{ scope: { name: 't' }, spans: [{ traceId, spanId, name: 'execute_tool read_ledger', kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n), attributes: attrs, status: { code: 1 } }] }] }] };
    const res = await fetch(`${x.cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...x.cw.ingestHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await x.cw.settled();
    const g = (await x.cw.getJson<SliceResponse>(`/api/provenance/traces/${traceId}`)).body;
    const big = g.nodes.find((n) => n.type === 'artifact' && n.kind === 'tool_result')!;
    await page.goto(`${x.cw.apiUrl}/traces/${traceId}?node=${encodeURIComponent(big.id)}`);
    await page.waitForSelector('[data-testid=content-cut]');
    expect(await page.locator('[data-testid=content-cut]').textContent()).toContain('65,536');
  });

  it('opens on the answer: send_email selected, the path from the injected e-mail framed, labels readable, the lane named', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}`);
    await x.graphReady();
    // the key node: the most recent high-impact tool call untrusted content reached
    expect(await x.attr('[data-testid=trace-view]', 'data-key-node')).toBe(sendId);
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, sendId);
    // the injected e-mail, the request that copied its address and send_email: in view, legible
    // (the view settles once the layout and the size of the page are known)
    await page.waitForFunction(
      (sels) => {
        const g = document.querySelector('[data-testid=graph]');
        if (!g || Number(g.getAttribute('data-zoom')) < 1) return false;
        const gb = g.getBoundingClientRect();
        return sels.every((s) => {
          const b = document.querySelector(s)?.getBoundingClientRect();
          return !!b && b.left >= gb.left && b.right <= gb.right && b.top >= gb.top && b.bottom <= gb.bottom;
        });
      },
      [injected, request, sendId].map(node),
      { timeout: 30_000 },
    ).catch(() => undefined);
    for (const id of [injected, request, sendId]) {
      if (!(await x.inView(node(id)))) await x.shot('debug-first-view');
      expect(await x.inView(node(id)), id).toBe(true);
      expect(await x.labelPx(node(id)), id).toBeGreaterThanOrEqual(11);
    }
    expect(await x.attr(node(injected), 'data-taint')).toBe('true');
    expect(await page.locator('[data-testid=lane-label][data-lane="mail-triage"]').isVisible()).toBe(true);
    await x.shot('demo-incident-first-view');
  });

  it('zooms to the selection and to the path', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await x.graphReady();
    await page.click('[data-testid=fit]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=graph]')?.getAttribute('data-zoom')) < 1);
    await page.click('[data-testid=frame-path]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=graph]')?.getAttribute('data-zoom')) >= 1);
    await page.waitForFunction((sel) => {
      const g = document.querySelector('[data-testid=graph]')!.getBoundingClientRect();
      const b = document.querySelector(sel)!.getBoundingClientRect();
      return b.left >= g.left && b.right <= g.right;
    }, node(sendId));
    const search = graph.nodes.find((n): n is SliceActivity => n.type === 'activity' && n.toolName === 'search_email')!.id;
    await page.click('[data-testid=fit]');
    await page.locator(node(search)).click();
    await page.click('[data-testid=frame-selection]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=graph]')?.getAttribute('data-zoom')) >= 1);
    await page.waitForFunction((sel) => {
      const g = document.querySelector('[data-testid=graph]')!.getBoundingClientRect();
      const b = document.querySelector(sel)!.getBoundingClientRect();
      return b.left >= g.left && b.right <= g.right && b.top >= g.top && b.bottom <= g.bottom;
    }, node(search));
  });

  it('shows why a link holds: copied text with its strength and the passage on both sides, ids by call id; weak links can be hidden', async () => {
    const { page } = x;
    const copy = graph.edges.find((e) => e.from === injected && e.to === request && e.how === 'content')!;
    expect(copy.score).toBeGreaterThan(0);
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await x.graphReady();
    await page.locator(`[data-testid=graph-edge][data-from="${injected}"][data-to="${request}"] path.edge-hit`).dispatchEvent('click');
    const ev = page.locator('[data-testid=edge-evidence]');
    await ev.waitFor();
    expect(await ev.getAttribute('data-kind')).toBe('copied text');
    expect(await page.locator('[data-testid=link-strength]').textContent()).toContain(copy.score!.toFixed(2));
    // the copied passage, marked in both contents as stored: the attacker's address (redacted, the same placeholder)
    await page.waitForSelector('[data-testid=evidence-copy] [data-testid=copied-passage]');
    const marked = async (side: string): Promise<string[]> => page.locator(`[data-testid=${side}] [data-testid=copied-passage]`).allTextContents();
    const [src, dst] = [await marked('evidence-source'), await marked('evidence-copy')];
    // whole placeholders on both sides (their digests may differ: each is scoped to the trace that stored the content)
    expect(dst.join(' '), JSON.stringify({ src, dst })).toMatch(/\[REDACTED:email:[0-9a-f]+\]/);
    expect(src.join(' '), JSON.stringify({ src, dst })).toMatch(/\[REDACTED:email:[0-9a-f]+\]/);
    await x.shot('why-evidence');

    // a link by ids: the request was run by send_email, matched by its call id
    await page.locator(`[data-testid=graph-edge][data-from="${request}"][data-to="${sendId}"] path.edge-hit`).dispatchEvent('click');
    await page.waitForFunction((to) => document.querySelector('[data-testid=edge-evidence]')?.getAttribute('data-to') === to, sendId);
    expect(await ev.getAttribute('data-kind')).toBe('ids');
    expect(await page.locator('[data-testid=link-says]').textContent()).toContain('call id');

    // links weaker than the chosen score are no longer drawn
    const weak = graph.edges.filter((e) => e.how === 'content' && (e.score ?? 0) < 0.3);
    await page.selectOption('[data-testid=min-strength]', '0.3');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('min') === '0.3');
    await x.graphReady();
    const drawn = await page.locator('[data-testid=graph-edge][data-how=content]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
    expect(drawn.every((score) => score >= 0.3)).toBe(true);
    for (const e of weak) expect(await page.locator(`[data-testid=graph-edge][data-how=content][data-from="${e.from}"][data-to="${e.to}"]`).count()).toBe(0);
  });

  it('keeps a taint path pinned while exploring, each step saying how it is linked', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}&dir=backward`);
    const first = page.locator('[data-testid=taint-path]').first();
    await first.waitFor();
    const nodes = (await first.getAttribute('data-nodes'))!.split(' ');
    // opening a step of the path selects it and pins the path
    await first.locator('a').nth(1).click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, nodes[1]!);
    const pinned = page.locator('[data-testid=pinned-path]');
    await pinned.waitFor();
    expect(await pinned.getAttribute('data-nodes')).toBe(nodes.join(' '));
    const kinds = await page.locator('[data-testid=path-link]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.length).toBe(nodes.length - 1);
    expect(kinds.every((k) => k === 'ids' || k === 'copied text' || k === 'structural')).toBe(true);
    // exploring elsewhere keeps it: another step, a node off the path, Esc
    await page.locator('[data-testid=path-step] button.step').last().click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, nodes.at(-1)!);
    const off = graph.nodes.find((n) => n.type === 'activity' && n.toolName === 'export_customers')!.id;
    await page.click('[data-testid=fit]');
    await page.locator(node(off)).click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, off);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URL(location.href).searchParams.get('node'));
    expect(await pinned.getAttribute('data-nodes')).toBe(nodes.join(' '));
    // and the path stays drawn as taint
    expect(await x.attr(node(nodes[0]!), 'data-taint')).toBe('true');
    await page.click('[data-testid=unpin]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=pinned-path]'));
  });

  it('shows what the model saw as a conversation, whatever the library: log records, OpenInference, OpenLLMetry, Vercel AI', async () => {
    const { page } = x;
    const cases: [string, string][] = [
      ['openai', ids['prompt-injection']!],
      ['langchain', ids['langchain/prompt-injection']!],
      ['traceloop', ids['traceloop/prompt-injection']!],
      ['vercel-ai', ids['vercel-ai/prompt-injection']!],
    ];
    for (const [lib, trace] of cases) {
      const g = (await x.cw.getJson<SliceResponse>(`/api/provenance/traces/${trace}`)).body;
      const decider = deciderOf(g);
      await page.goto(`${x.cw.apiUrl}/traces/${trace}?node=${encodeURIComponent(decider)}`);
      const conv = page.locator(`[data-testid=inspector][data-node-id="${decider}"] [data-testid=conversation]`);
      await conv.waitFor();
      const roles = await conv.locator('[data-testid=conversation-input] [data-testid=message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
      expect(roles.slice(0, 2), lib).toEqual(['system', 'user']);
      expect(roles, lib).toContain('tool');
      // the mailbox result the model read holds the injected e-mail
      expect(await conv.locator('[data-testid=conversation-input]').textContent(), lib).toContain('IMPORTANT SYSTEM NOTICE');
      // and it answered with the call to send_email
      expect(await conv.locator('[data-testid=conversation-output] [data-testid=msg-tool-call]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tool'))), lib).toContain('send_email');
      if (lib === 'openai') {
        expect(await conv.getAttribute('data-sources')).toBe('log records');
        // the model's earlier turns in the order it took them (the store returns one instant's records in hash order)
        expect(await conv.locator('[data-testid=conversation-input] [data-testid=msg-tool-call]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tool')))).toEqual(['search_email', 'export_customers']);
        // the inspector opens at the step's taint paths; the picture is of the conversation below them
        await conv.evaluate((e) => e.scrollIntoView({ block: 'start' }));
        await x.shot('conversation-view');
      }
    }
  });

  it('replay keeps the current step framed and shows what its model call was sent', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?step=0`);
    await page.waitForSelector('[data-testid=replay][data-step="0"]');
    for (let i = 0; i < 12; i++) {
      if ((await page.locator('[data-testid=replay-action]').textContent()) === 'send_email') break;
      await page.click('[data-testid=replay-next]');
      await page.waitForSelector(`[data-testid=replay][data-step="${i + 1}"]`);
    }
    expect(await page.locator('[data-testid=replay-action]').textContent()).toBe('send_email');
    await page.waitForFunction((sel) => {
      const g = document.querySelector('[data-testid=graph]')!.getBoundingClientRect();
      const b = document.querySelector(sel)?.getBoundingClientRect();
      return !!b && b.left >= g.left && b.right <= g.right && b.top >= g.top && b.bottom <= g.bottom && Number(document.querySelector('[data-testid=graph]')!.getAttribute('data-zoom')) >= 1;
    }, node(sendId));
    expect(await page.locator('[data-testid=replay-conversation]').textContent()).toContain('IMPORTANT SYSTEM NOTICE');
  });

  it('finds in the trace, moves through matches, and works from the keyboard', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await x.graphReady();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('find-input');
    await page.keyboard.type('export_customers');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=find-count]')?.getAttribute('data-hits')) >= 2);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid=find-count]')?.textContent ?? '').includes(' of '));
    const firstHit = new URL(page.url()).searchParams.get('node');
    await page.keyboard.press('Enter');
    await page.waitForFunction((prev) => new URL(location.href).searchParams.get('node') !== prev, firstHit);
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction((prev) => new URL(location.href).searchParams.get('node') === prev, firstHit);

    // graph: arrows move the focus between nodes, Enter selects; Esc clears the selection
    await page.locator('[data-testid=graph-node][tabindex="0"]').focus();
    const before = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((b) => document.activeElement?.getAttribute('data-node-id') !== b, before);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, focused);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URL(location.href).searchParams.get('node'));
    // waterfall: arrows and Enter
    await page.locator('[data-testid=waterfall]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const third = await page.locator('[data-testid=waterfall-row]').nth(2).getAttribute('data-span-id');
    await page.waitForFunction((span) => (new URL(location.href).searchParams.get('node') ?? '').endsWith(`/${span}`), third);
    // the shortcuts are listed
    await page.locator('body').focus();
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=shortcuts][open]');
    expect(await page.locator('[data-testid=shortcuts]').textContent()).toContain('next failed step');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=shortcuts]', { state: 'detached' });
  });

  it('reads at AA contrast, follows a dark system theme, and titles each page', async () => {
    const { page } = x;
    const contrast = (): Promise<number> =>
      page.evaluate(() => {
        const lum = (c: string): number => {
          const [r, g, b] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => Number(v) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const muted = document.querySelector('.muted')!;
        const a = lum(getComputedStyle(muted).color);
        const b = lum(getComputedStyle(document.body).backgroundColor);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      });
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await x.graphReady();
    expect(await contrast()).toBeGreaterThanOrEqual(4.5);
    await page.waitForFunction(() => / · 93e6dcc25a42 — Causeway$/.test(document.title) && !document.title.includes('Trace ·'));
    expect(await page.title()).toMatch(/invoke_agent mail-triage · 93e6dcc25a42 — Causeway$/);
    const dark = await x.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await dark.addCookies(await x.context.cookies()); // the same signed-in session
    const p2 = await dark.newPage();
    await p2.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await p2.waitForSelector('[data-testid=graph][data-laid-out=true]');
    const bg = await p2.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(22, 25, 29)');
    await p2.screenshot({ path: `${import.meta.dirname}/screenshots/demo-incident-dark.png` });
    await dark.close();
  });

  it('says what is wrong with a way back, and never shows an API path', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${'0'.repeat(31)}7`);
    await page.waitForSelector('[data-testid=trace-not-found]');
    expect(await page.locator('[data-testid=trace-not-found] [data-testid=back-to-traces]').count()).toBe(1);
    expect(await page.locator('[data-testid=trace-not-found] [data-testid=retry]').count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('/api/');
    // searching for a redacted value says why nothing is found
    await page.goto(`${x.cw.apiUrl}/?q=${encodeURIComponent('reconcile@vendor-updates.example')}`);
    await page.waitForSelector('[data-testid=redacted-search-hint]');
    // and that a typed address cannot become its placeholder, and why (placeholders of e-mails are per trace)
    expect(await page.locator('[data-testid=redacted-search-hint]').textContent()).toMatch(/cannot be turned into its placeholder, by design.*only within one trace/);
  });

  it('shows an incident by what it is about, with an export', async () => {
    const { page } = x;
    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}`);
    await page.click('[data-testid=incident-create]');
    await page.fill('[data-testid=incident-title]', 'Exfiltration via injected e-mail');
    await page.click('[data-testid=incident-save]');
    const id = await page.locator('[data-testid=incident-created]').getAttribute('data-incident-id');
    await page.goto(`${x.cw.apiUrl}/incidents/${id}`);
    const seed = page.locator(`[data-testid=incident-seed][data-seed="${sendId}"]`);
    await page.waitForFunction((sid) => (document.querySelector(`[data-testid=incident-seed][data-seed="${sid}"]`)?.textContent ?? '').includes('send_email'), sendId);
    expect(await seed.textContent()).toContain('tool send_email');
    expect(await seed.textContent()).not.toContain('act:');
    expect(await page.title()).toBe('Incident: Exfiltration via injected e-mail — Causeway');
    expect(await page.locator('[data-testid=export]').count()).toBe(1);
  });

  it('exports a bundle from the incident that carries it (title, notes, seeds; signed, verified offline) and lists it', async () => {
    const { page } = x;
    const created = await x.cw.fetch('/api/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Mail sent to the attacker', seeds: [sendId], notes: 'First seen by the SOC at 09:12.' }),
    });
    const incident = (await created.json()) as Incident;
    await x.cw.fetch(`/api/incidents/${incident.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'note', text: 'The address came from the injected e-mail.' }) });
    await page.goto(`${x.cw.apiUrl}/incidents/${incident.id}`);
    await page.waitForSelector('[data-testid=incident-exports-empty]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=incident-exports] [data-testid=export]')]);
    const zip = readFileSync((await download.path())!);
    const sha = createHash('sha256').update(zip).digest('hex');
    // the incident lists the bundle once the collector recorded it (after the last byte was sent)
    await page.waitForSelector(`[data-testid=incident-export][data-sha256="${sha}"]`);
    expect(await page.locator('[data-testid=incident-export]').count()).toBe(1);
    expect(await page.locator(`[data-testid=incident-export][data-sha256="${sha}"]`).textContent()).toContain('backward slice from span');
    // the bundle verifies offline with the pinned key, and carries the incident as it stood
    const publicKey = Buffer.from((await x.cw.checkpoint()).publicKey, 'base64');
    const v = verifyBundle(zip, publicKey);
    expect(v.problems).toEqual([]);
    const files = unzipSync(zip);
    const carried = JSON.parse(strFromU8(files['incident.json']!)) as BundleIncident;
    expect(carried).toMatchObject({ id: incident.id, title: 'Mail sent to the attacker', seeds: [sendId], status: 'open' });
    expect(carried.notes.map((n) => n.text)).toEqual(['First seen by the SOC at 09:12.', 'The address came from the injected e-mail.']);
    const statement = JSON.parse(Buffer.from((JSON.parse(strFromU8(files['manifest.dsse.json']!)) as { payload: string }).payload, 'base64').toString()) as { predicate: { incident: unknown } };
    expect(statement.predicate.incident).toEqual({ id: incident.id, title: 'Mail sent to the attacker' });
    // the chain of custody names the incident; other exports are not listed with it
    const all = (await x.cw.getJson<ExportListResponse>('/api/exports')).body.exports;
    expect(all.find((e) => e.bundleSha256 === sha)?.incidentId).toBe(incident.id);
    expect((await x.cw.getJson<ExportListResponse>(`/api/exports?incident=${incident.id}`)).body.exports.map((e) => e.bundleSha256)).toEqual([sha]);
    // an edited incident.json, or one dropped, does not verify
    const edited = { ...files, 'incident.json': strToU8(strFromU8(files['incident.json']!).replace('Mail sent to the attacker', 'Nothing happened')) };
    expect(verifyBundle(zipSync(edited), publicKey).problems).toEqual(
      expect.arrayContaining(['file incident.json does not match its digest in the manifest', "incident.json's title is not the one the manifest names"]),
    );
    const { 'incident.json': _, ...dropped } = files;
    expect(verifyBundle(zipSync(dropped), publicKey).problems).toContain(`the manifest names incident ${incident.id} but incident.json is missing`);

    // the report for a person, opened as the recipient would: the incident, the chain in words and drawn
    const bundled = JSON.parse(strFromU8(files['graph.json']!)) as SliceResponse;
    const chain = bundled.taintPaths.find((p) => p.nodes[0] === injected && p.nodes.at(-1) === sendId)!;
    expect(chain, 'the injected e-mail reaches send_email in the exported slice').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'causeway-report-'));
    writeFileSync(join(dir, 'report.html'), files['report.html']!);
    const reader = await x.context.newPage();
    await reader.goto(`file://${join(dir, 'report.html')}`);
    expect(await reader.title()).toBe('Evidence: Mail sent to the attacker');
    expect(await reader.locator('#incident').textContent()).toContain('The address came from the injected e-mail.');
    const told = await reader.locator('#chains ol.chain').evaluateAll((ols) => ols.map((ol) => Array.from(ol.querySelectorAll(':scope > li'), (li) => li.getAttribute('data-node-id'))));
    const k = told.findIndex((t) => t.join(' ') === chain.nodes.join(' '));
    expect(k, 'the chain from the injected e-mail is told').toBeGreaterThanOrEqual(0);
    // told first (its text is in send_email's arguments), and why: its source's trust label and rule
    expect(k, 'the chain from the injected e-mail is told first').toBe(0);
    expect(await reader.locator('#chains [data-testid=chain-why]').first().textContent()).toContain(`labelled untrusted by rule ${(bundled.nodes.find((n) => n.id === injected) as SliceArtifact).trustRule}`);
    const steps = await reader.locator('#chains ol.chain').nth(k).locator(':scope > li').allTextContents();
    // the injected e-mail by its text (cut for the page) and its trust label with the rule that set it
    const mail = bundled.nodes.find((n): n is SliceArtifact => n.id === injected)!;
    expect(steps[0]).toContain(`document "${mail.preview.replace(/\s+/g, ' ').trim().slice(0, 40)}`);
    expect(steps[0]).toContain(`(untrusted, rule ${mail.trustRule})`);
    expect(steps.at(-1)).toMatch(/tool send_email/);
    expect(steps.slice(1).every((t) => /\[(recorded|copied text, score \d\.\d\d|structure)/.test(t))).toBe(true);
    // drawn: every node of the chain is a box of the SVG, the untrusted source outlined in red
    for (const id of chain.nodes) expect(await reader.locator(`#graph svg g[data-node-id="${id}"]`).count(), id).toBe(1);
    expect(await reader.locator(`#graph svg g[data-node-id="${injected}"] rect`).getAttribute('stroke')).toBe('#b3261e');
    await reader.screenshot({ path: join(SHOTS, 'bundle-report.png'), fullPage: true });
    await reader.close();
  });

  it('pages through the traces with the total', async () => {
    const { page } = x;
    const all = (await x.cw.getJson<{ total: number }>(`/api/traces?limit=1`)).body.total;
    expect(all).toBeGreaterThan(10);
    await page.goto(`${x.cw.apiUrl}/?limit=5`);
    await page.waitForSelector('[data-testid=trace-row]');
    expect(await page.locator('[data-testid=trace-total]').getAttribute('data-total')).toBe(String(all));
    expect(await page.locator('[data-testid=trace-total]').textContent()).toContain(`page 1 of ${Math.ceil(all / 5)}`);
    const seen = new Set<string>();
    for (let p = 0; p < Math.ceil(all / 5); p++) {
      const rows = await page.locator('[data-testid=trace-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')!));
      for (const r of rows) seen.add(r);
      if (p < Math.ceil(all / 5) - 1) {
        await page.click('[data-testid=page-older]');
        await page.waitForFunction((n) => (document.querySelector('[data-testid=trace-total]')?.textContent ?? '').includes(`page ${n}`), p + 2);
        // the label can move before the rows do: read the next page once its rows are no longer these
        await page.waitForFunction((before) => {
          const now = Array.from(document.querySelectorAll('[data-testid=trace-row]'), (e) => e.getAttribute('data-trace-id'));
          return now.length > 0 && now.every((id) => !before.includes(id!));
        }, rows);
      }
    }
    expect(seen.size).toBe(all);
    expect(await page.locator('[data-testid=page-older]').isDisabled()).toBe(true);
    await page.click('[data-testid=page-newer]');
    await page.waitForFunction((n) => (document.querySelector('[data-testid=trace-total]')?.textContent ?? '').includes(`page ${n}`), Math.ceil(all / 5) - 1);
  });

  it('compares the benign run with the injected one: the inputs and the actions that differ', async () => {
    const { page } = x;
    // the oracle: content is addressed by its hash, so differing inputs are a set difference of artifact ids
    const gb = (await x.cw.getJson<SliceResponse>(`/api/provenance/traces/${benign}`)).body;
    const inputs = (g: SliceResponse): Set<string> => new Set(g.nodes.filter((n) => n.type === 'artifact' && ['system_instruction', 'user_prompt', 'document', 'tool_result'].includes(n.kind)).map((n) => n.id));
    const [a, b] = [inputs(gb), inputs(graph)];
    const onlyB = [...b].filter((id) => !a.has(id));
    expect(onlyB.length).toBeGreaterThan(0);
    await page.goto(`${x.cw.apiUrl}/compare?a=${benign}&b=${pi}`);
    await page.waitForSelector('[data-testid=compare-tools]');
    const listed = await page.locator('[data-testid=inputs-only-b] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
    expect(listed.sort()).toEqual(onlyB.sort());
    // the injected e-mail was read by both runs; only the injected run acted on it
    expect(await page.locator(`[data-testid=inputs-both] li[data-node-id="${injected}"]`).count()).toBe(1);
    const actions = await page.locator('[data-testid=actions-only-b] li').allTextContents();
    expect(actions.some((t) => t.includes('send_email('))).toBe(true);
    expect(actions.some((t) => t.includes('export_customers('))).toBe(true);
  });

  it('lists the detection findings with filters; a finding opens its trace at the call with its evidence path pinned', async () => {
    const { page } = x;
    // the monitor raises R1 on the injected run once it is quiet (seconds): wait on the API
    let r1: FindingView | undefined;
    for (const deadline = Date.now() + 120_000; !r1 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      r1 = (await x.cw.getJson<FindingListResponse>(`/api/findings?trace=${pi}&rule=R1`)).body.findings.find((f) => f.evidence.detail.tool === 'send_email');
    }
    expect(r1, 'the R1 finding on send_email').toBeDefined();
    await page.goto(`${x.cw.apiUrl}/findings?rule=R1&severity=critical`);
    await page.waitForSelector(`[data-testid=finding-row][data-finding-id="${r1!.id}"]`);
    const rows = await page.locator('[data-testid=finding-row]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-rule'), e.getAttribute('data-severity')]));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toEqual(['R1', 'critical']);
    // a filter with nothing in it says so, and the URL keeps the filters
    await page.selectOption('[data-testid=finding-filter-status]', 'false_positive');
    await page.waitForSelector('[data-testid=findings-empty]');
    expect(new URL(page.url()).search).toBe('?severity=critical&rule=R1&status=false_positive');
    await page.goBack();
    await page.locator(`[data-testid=finding-row][data-finding-id="${r1!.id}"] [data-testid=finding-open]`).click();
    await page.waitForFunction(() => location.pathname.startsWith('/traces/'));
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/traces/${pi}`);
    expect(url.searchParams.get('node')).toBe(r1!.evidence.seed);
    const path = r1!.evidence.taintPaths.find((t) => t.nodes.at(-1) === r1!.evidence.seed)!;
    await page.waitForSelector(`[data-testid=pinned-path][data-nodes="${path.nodes.join(' ')}"]`);
    await page.waitForSelector(`[data-testid=inspector][data-node-id="${r1!.evidence.seed}"]`);
  }, 180_000);

  it('shows the findings of each listed trace in the trace list, and opens the trace at the worst one', async () => {
    const { page } = x;
    // the oracle: the findings API for the injected run (R1 is raised on it: the test above waited for it)
    const mine = (await x.cw.getJson<FindingListResponse>(`/api/findings?trace=${pi}`)).body.findings;
    expect(mine.length).toBeGreaterThan(0);
    const rank = { low: 0, medium: 1, high: 2, critical: 3 } as const;
    const worst = mine.reduce((w, f) => (rank[f.severity] > rank[w] ? f.severity : w), mine[0]!.severity);
    await page.goto(`${x.cw.apiUrl}/?limit=100`);
    const cell = page.locator(`[data-testid=trace-row][data-trace-id="${pi}"] [data-testid=trace-findings]`);
    await cell.waitFor();
    expect(await cell.getAttribute('data-count')).toBe(String(mine.length));
    expect(await cell.getAttribute('data-severity')).toBe(worst);
    // a trace without findings says so (the benign run raises none)
    const benignFindings = (await x.cw.getJson<FindingListResponse>(`/api/findings?trace=${benign}`)).body.findings;
    expect(await page.locator(`[data-testid=trace-row][data-trace-id="${benign}"] [data-testid=trace-findings]`).getAttribute('data-count')).toBe(String(benignFindings.length));
    await cell.click();
    await page.waitForFunction((id) => location.pathname === `/traces/${id}`, pi);
    const seed = new URL(page.url()).searchParams.get('node');
    expect(mine.filter((f) => f.severity === worst).map((f) => f.evidence.seed)).toContain(seed);
  });
});
