// The demo incident as a responder meets it, in real Chromium against a real collector fed what
// four agent libraries' instrumentations really exported (openai with its log records,
// LangChain/OpenInference, Traceloop, Vercel AI) for four runs each of the same mail agent:
// benign, prompt-injection, data-mixing and over-broad-action. The runs share the system prompt
// and the mailbox, so most artifacts appear in many traces.
import type { ArtifactResponse, SliceArtifact, SliceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../../collector/test/collector-process.ts';
import { feedCaptured } from './feed.ts';
import { type Explorer, openExplorer } from './harness.ts';

describe('the demo incident in Chromium', () => {
  let x: Explorer;
  let pi = '';
  let sendId = '';
  let injected = '';
  let graph: SliceResponse;
  let back: SliceResponse;

  beforeAll(async () => {
    x = await openExplorer();
    const scenarios = ['benign', 'prompt-injection', 'data-mixing', 'over-broad-action'] as const;
    const ids = await feedCaptured(x.cw.otlpUrl, 'openai', [...scenarios]);
    for (const lib of ['langchain', 'traceloop', 'vercel-ai'] as const) await feedCaptured(x.cw.otlpUrl, lib, [...scenarios]);
    pi = ids['prompt-injection']!;
    await x.cw.settled();
    graph = (await getJson<SliceResponse>(`${x.cw.apiUrl}/api/provenance/traces/${pi}`)).body;
    const send = graph.nodes.find((n) => n.type === 'activity' && n.toolName === 'send_email')!;
    sendId = send.id;
    injected = graph.nodes.find((n) => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('IMPORTANT SYSTEM NOTICE'))!.id;
    const [trace, span] = sendId.slice(4).split('/') as [string, string];
    back = (await getJson<SliceResponse>(`${x.cw.apiUrl}/api/provenance/slice?trace=${trace}&span=${span}&direction=backward&limit=2000`)).body;
  }, 180_000);

  afterAll(async () => {
    await x?.close();
  });

  it('labels the causes that are in this trace as here, and opens them here', async () => {
    const { page } = x;
    const inTrace = new Set(graph.nodes.map((n) => n.id));
    const here = back.nodes.filter((n) => n.id !== sendId && inTrace.has(n.id));
    // what misled the old list: the API's `traces` of an artifact is capped and in id order,
    // so for shared content it names other traces only
    const misleading = here.filter((n): n is SliceArtifact => n.type === 'artifact' && !n.traces.includes(pi));
    expect(misleading.length).toBeGreaterThan(0);

    await page.goto(`${x.cw.apiUrl}/traces/${pi}?node=${encodeURIComponent(sendId)}&dir=backward`);
    await page.waitForSelector('[data-testid=cause-list]');
    for (const n of here) {
      const li = page.locator(`[data-testid=cause][data-node-id="${n.id}"]`);
      expect(await li.getAttribute('data-home'), n.id).toBe('here');
      expect(await li.locator('[data-testid=other-trace]').count(), n.id).toBe(0);
    }
    expect(await page.locator('[data-testid=cause-list]').textContent()).not.toContain('other trace');

    // opening one of them stays in this trace and selects it
    const target = misleading[0]!;
    await page.locator(`[data-testid=cause][data-node-id="${target.id}"] a`).first().click();
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('node') === id, target.id);
    expect(x.url().pathname).toBe(`/traces/${pi}`);
    await page.waitForSelector(`[data-testid=inspector][data-node-id="${target.id}"]`);
  });

  it('does not say stored content is cut when redaction placeholders only made it shorter', async () => {
    const { page } = x;
    const art = (await getJson<ArtifactResponse>(`${x.cw.apiUrl}/api/artifacts/${injected.slice(4)}`)).body.artifact;
    // the API's flag that misled the inspector: the text is shorter than before redaction
    expect(art.contentTruncated).toBe(true);
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
    const res = await fetch(`${x.cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await x.cw.settled();
    const g = (await getJson<SliceResponse>(`${x.cw.apiUrl}/api/provenance/traces/${traceId}`)).body;
    const big = g.nodes.find((n) => n.type === 'artifact' && n.kind === 'tool_result')!;
    await page.goto(`${x.cw.apiUrl}/traces/${traceId}?node=${encodeURIComponent(big.id)}`);
    await page.waitForSelector('[data-testid=content-cut]');
    expect(await page.locator('[data-testid=content-cut]').textContent()).toContain('65,536');
  });
});
