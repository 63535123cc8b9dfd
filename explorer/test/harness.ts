// Shared set-up of the browser tests: a real collector process, the built explorer it serves,
// headless Chromium, and helpers that wait for conditions (never for fixed times).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type CollectorProcess, startCollector } from '@causeway/testkit/collector-process.ts';
import { ensureExplorerBuilt } from '../build.ts';
import { launchChromium } from '@causeway/testkit/browser.ts';

export const SHOTS = join(import.meta.dirname, 'screenshots');

export interface Explorer {
  cw: CollectorProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** uncaught errors in the page so far */
  pageErrors: string[];
  shot(name: string): Promise<string>;
  /** the graph is laid out and drawn */
  graphReady(timeout?: number): Promise<void>;
  attr(selector: string, name: string): Promise<string | null>;
  /** the graph's zoom scale */
  zoom(): Promise<number>;
  /** the element is wholly inside the graph's box */
  inView(selector: string): Promise<boolean>;
  /** a graph node's label size on screen, in px */
  labelPx(selector: string): Promise<number>;
  url(): URL;
  close(): Promise<void>;
}

export async function openExplorer(o: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; env?: Record<string, string> } = {}): Promise<Explorer> {
  mkdirSync(SHOTS, { recursive: true });
  const [, cw, browser] = await Promise.all([ensureExplorerBuilt({ wait: true }), startCollector(o.env ? { env: o.env } : {}), launchChromium()]);
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 1440, height: 900 }, acceptDownloads: true, colorScheme: o.colorScheme ?? 'light' });
  const page = await context.newPage();
  // a loaded machine makes the collector slow: wait generously, but for conditions only
  page.setDefaultTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // signed in as the local admin through the one-time link the collector printed (when auth is on)
  if (cw.signInLink) {
    await page.goto(cw.signInLink);
    await page.waitForSelector('[data-testid=account-name]');
  }
  return {
    cw,
    browser,
    context,
    page,
    pageErrors,
    async shot(name) {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async graphReady(timeout = 60_000) {
      await page.waitForSelector('[data-testid=graph][data-laid-out=true]', { timeout });
    },
    attr: (sel, name) => page.locator(sel).first().getAttribute(name),
    zoom: async () => Number(await page.locator('[data-testid=graph]').getAttribute('data-zoom')),
    async inView(sel) {
      const g = await page.locator('[data-testid=graph]').boundingBox();
      const b = await page.locator(sel).first().boundingBox();
      return !!g && !!b && b.x >= g.x - 1 && b.y >= g.y - 1 && b.x + b.width <= g.x + g.width + 1 && b.y + b.height <= g.y + g.height + 1;
    },
    async labelPx(sel) {
      // the node label's font size on screen: its CSS size times the graph's zoom
      return page.locator(sel).first().evaluate((el) => {
        const t = el.querySelector('.node-label, .group-label') as Element | null;
        const k = Number(el.closest('[data-testid=graph]')?.getAttribute('data-zoom') ?? '1');
        return t ? parseFloat(getComputedStyle(t).fontSize) * k : 0;
      });
    },
    url: () => new URL(page.url()),
    async close() {
      await browser.close().catch(() => undefined);
      // A collector stops once its answers in flight are sent: one still walking a slice the page
      // gave up on (a cancelled "what followed?" on a big trace) can take minutes on a loaded
      // machine. Nothing of the test is left to keep: after a grace period it is killed.
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([cw.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 30_000)))]);
      clearTimeout(timer);
      if (!stopped) await cw.kill9();
    },
  };
}
