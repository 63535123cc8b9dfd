// The Findings page from the responder's side, in headless Chromium against a real collector:
// a captured prompt injection raises R1; the signed-in admin marks it a false positive (the page
// refuses one without a reason), then resolves it with a note; each change is an event the API
// shows with its actor, and the status filter finds it. A viewer sees the findings and no control.
// The trace list filters by findings (at least a severity), with totals that count only matches.
import type { FindingListResponse, FindingView, Severity } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedCaptured } from './feed.ts';
import { type Explorer, openExplorer } from './harness.ts';

describe('changing a finding\'s status in the explorer', () => {
  let x: Explorer;
  let r1: FindingView | undefined;
  let fed: Record<string, string> = {};

  beforeAll(async () => {
    x = await openExplorer({ env: { CAUSEWAY_DETECT_QUIET_MS: '1000' } });
    fed = await feedCaptured(x.cw.otlpUrl, 'openai', ['prompt-injection', 'benign', 'data-mixing'], x.cw.ingestHeaders);
    const pi = fed['prompt-injection'];
    // the monitor raises R1 once the trace is quiet: wait on the API
    for (const deadline = Date.now() + 120_000; !r1 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      r1 = (await x.cw.getJson<FindingListResponse>(`/api/findings?trace=${pi}&rule=R1`)).body.findings.find((f) => f.evidence.detail.tool === 'send_email');
    }
    // and until every fed trace was evaluated, so the findings do not change under the list's filter
    for (let s = await monitor(); s.pendingTraces > 0 || s.evaluatedTraces < Object.keys(fed).length; s = await monitor()) await new Promise((r) => setTimeout(r, 250));
  }, 240_000);

  const monitor = async (): Promise<{ pendingTraces: number; evaluatedTraces: number }> => (await x.cw.getJson<{ pendingTraces: number; evaluatedTraces: number }>('/api/detections/status')).body;

  afterAll(async () => {
    await x?.close();
  });

  it('marks a finding a false positive with its reason, then resolves it with a note; the list, the API and the status filter agree', async () => {
    expect(r1, 'the R1 finding on send_email').toBeDefined();
    const { page } = x;
    const row = `[data-testid=finding-row][data-finding-id="${r1!.id}"]`;
    await page.goto(`${x.cw.apiUrl}/findings?rule=R1`);
    await page.waitForSelector(`${row}[data-status=open]`);
    await page.locator(`${row} [data-testid=finding-change]`).click();
    const form = `[data-testid=finding-status-form][data-finding-id="${r1!.id}"]`;
    await page.selectOption(`${form} [data-testid=finding-action]`, 'false_positive');
    // no reason: refused on the page, nothing sent
    await page.locator(`${form} [data-testid=finding-submit]`).click();
    await page.waitForSelector(`${form} [data-testid=finding-status-error]`);
    expect((await x.cw.getJson<FindingView>(`/api/findings/${r1!.id}`)).body.events).toEqual([]);
    await page.fill(`${form} [data-testid=finding-note]`, 'the sender is our own vendor');
    await page.locator(`${form} [data-testid=finding-submit]`).click();
    await page.waitForSelector(`${row}[data-status=false_positive]`);
    expect(await page.locator(`${row} [data-testid=finding-last-change]`).textContent()).toContain('the sender is our own vendor');
    expect(await page.locator(form).count()).toBe(0);

    await page.locator(`${row} [data-testid=finding-change]`).click();
    await page.selectOption(`${form} [data-testid=finding-action]`, 'resolved');
    await page.fill(`${form} [data-testid=finding-note]`, 'vendor confirmed by phone');
    await page.locator(`${form} [data-testid=finding-submit]`).click();
    await page.waitForSelector(`${row}[data-status=resolved]`);

    const after = (await x.cw.getJson<FindingView>(`/api/findings/${r1!.id}`)).body;
    expect(after.status).toBe('resolved');
    expect(after.events.map((e) => [e.type, (e as { reason?: string }).reason ?? (e as { note?: string }).note])).toEqual([
      ['false_positive', 'the sender is our own vendor'],
      ['resolved', 'vendor confirmed by phone'],
    ]);
    // the actor is the signed-in person, not a name the page chose
    for (const e of after.events) expect(e.actor).toMatch(/admin/i);
    // the status filter of the page finds it under its new status only
    await page.selectOption('[data-testid=finding-filter-status]', 'resolved');
    await page.waitForSelector(row);
    await page.selectOption('[data-testid=finding-filter-status]', 'open');
    await page.waitForFunction((sel) => !document.querySelector(sel) && !!document.querySelector('[data-testid=finding-table], [data-testid=findings-empty]'), row);
    expect(x.pageErrors).toEqual([]);
  }, 180_000);

  it('filters the trace list by findings of at least a severity; the total and the pages count only matching traces', async () => {
    const { page } = x;
    const all = (await x.cw.getJson<FindingListResponse>('/api/findings?limit=5000')).body.findings;
    const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
    const flagged = (least: Severity): string[] => Object.values(fed).filter((t) => all.some((f) => f.traceIds.includes(t) && RANK[f.severity] >= RANK[least])).sort();
    // the filter has something to drop: a fed trace with no finding (the benign run)
    expect(flagged('low')).toContain(fed['prompt-injection']);
    expect(flagged('low')).not.toContain(fed.benign);
    // R1 on the injection, R4 on the data mixing: pages of one below are more than one page
    expect(flagged('low').length).toBeGreaterThan(1);
    const rows = async (): Promise<string[]> => (await page.locator('[data-testid=trace-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')!))).sort();

    await page.goto(`${x.cw.apiUrl}/`);
    await page.waitForSelector(`[data-testid=trace-row][data-trace-id="${fed.benign}"]`);
    await page.selectOption('[data-testid=filter-findings]', 'any');
    await page.click('[data-testid=filter-apply]');
    await page.waitForFunction((b) => new URL(location.href).searchParams.get('findings') === 'any' && !!document.querySelector('[data-testid=trace-table]') && !document.querySelector(`[data-testid=trace-row][data-trace-id="${b}"]`), fed.benign);
    expect(await rows()).toEqual(flagged('low'));
    expect(await x.attr('[data-testid=trace-total]', 'data-total')).toBe(String(flagged('low').length));
    // every row listed shows its findings in the column
    for (const c of await page.locator('[data-testid=trace-row] [data-testid=trace-findings]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))) expect(c).toBeGreaterThan(0);

    // pages of one: the total stays the filtered count, and every flagged trace is on some page
    await page.goto(`${x.cw.apiUrl}/?findings=any&limit=1`);
    await page.waitForSelector('[data-testid=trace-row]');
    const seen: string[] = [];
    for (let i = 0; i < flagged('low').length; i++) {
      expect(await x.attr('[data-testid=trace-total]', 'data-total')).toBe(String(flagged('low').length));
      expect(await page.locator('[data-testid=trace-row]').count()).toBe(1);
      seen.push(...(await rows()));
      if (i < flagged('low').length - 1) {
        await page.click('[data-testid=page-older]');
        await page.waitForFunction((prev) => !document.querySelector(`[data-testid=trace-row][data-trace-id="${prev}"]`) && !!document.querySelector('[data-testid=trace-row]'), seen.at(-1)!);
      }
    }
    expect(await page.locator('[data-testid=page-older]').isDisabled()).toBe(true);
    expect(seen.sort()).toEqual(flagged('low'));

    // a minimum severity keeps only traces with a finding that severe
    await page.goto(`${x.cw.apiUrl}/?findings=critical`);
    await page.waitForSelector('[data-testid=trace-table], [data-testid=empty]');
    expect(await rows()).toEqual(flagged('critical'));
    expect(await page.locator('[data-testid=filter-findings]').inputValue()).toBe('critical');
    expect(x.pageErrors).toEqual([]);
  }, 180_000);

  it('shows a viewer the findings but no way to change them (the API refuses a viewer too)', async () => {
    const viewer = x.cw.createToken({ tenant: 'default', role: 'viewer', name: 'findings-viewer' });
    const context = await x.browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.goto(`${x.cw.apiUrl}/signin`);
      await page.fill('[data-testid=signin-token]', viewer);
      await page.click('[data-testid=signin-submit]');
      await page.waitForSelector('[data-testid=account-name]');
      await page.goto(`${x.cw.apiUrl}/findings?rule=R1`);
      await page.waitForSelector(`[data-testid=finding-row][data-finding-id="${r1!.id}"]`);
      expect(await page.locator('[data-testid=finding-change]').count()).toBe(0);
      const refused = await page.evaluate(async (id) => (await fetch(`/api/findings/${id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"acknowledged"}' })).status, r1!.id);
      expect(refused).toBe(403);
    } finally {
      await context.close();
    }
  }, 120_000);
});
