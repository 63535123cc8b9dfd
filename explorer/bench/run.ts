// `npm run bench` (after the collector bench) or `npx tsx explorer/bench/run.ts`: the explorer's
// graph in headless Chromium on generated agent-shaped graphs of 500 / 5,000 / 20,000 nodes.
// For each: layout wall time (request → answer from the Web Worker, transfer included) and the
// worker's own compute time; then a scripted pan (mouse drag) and zoom (wheel in and out) while
// every animation frame's interval is recorded in the page, plus the canvas draw time per frame.
// Not a test: nothing asserts on time. BENCH_EXPLORER_SIZES=500,5000,20000 changes the sizes.
// Then open-trace.ts: a 3,250-span multi-agent trace opened from a real collector.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { extname, join } from 'node:path';
import { DIST_DIR, ensureExplorerBuilt } from '../build.ts';
import { benchOpenTrace } from './open-trace.ts';
import { launchChromium } from '@causeway/testkit/browser.ts';

const SIZES = (process.env.BENCH_EXPLORER_SIZES ?? '500,5000,20000').split(',').map(Number);
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

interface Result {
  nodes: number;
  render: string;
  layoutWallMs: number;
  layoutWorkerMs: number;
  firstDrawMs: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  drawP50: number;
  drawP95: number;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function benchExplorer(log: (s: string) => void = console.log): Promise<Result[]> {
  await ensureExplorerBuilt({ wait: true, log });
  // The built app from a plain static server: the bench page needs no collector.
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = join(DIST_DIR, path);
    if (!file.startsWith(DIST_DIR) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST_DIR, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const results: Result[] = [];
  try {
    const runs: { n: number; render?: 'svg' | 'canvas' }[] = SIZES.flatMap((n) => (n <= 500 ? [{ n, render: 'svg' as const }, { n, render: 'canvas' as const }] : [{ n }]));
    for (const run of runs) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = Date.now();
      await page.goto(`${base}/bench.html?n=${run.n}${run.render ? `&render=${run.render}` : ''}`);
      await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 120_000 });
      const firstDrawMs = Date.now() - t0;
      const b = await page.evaluate(() => ({ layoutMs: window.__bench!.layoutMs, workerMs: window.__bench!.workerMs }));
      const render = (await page.locator('[data-testid=graph]').getAttribute('data-render')) ?? '?';
      // record every frame interval while the scripted pan and zoom run
      // a string, not a function: tsx would wrap named functions in a helper the page lacks
      await page.evaluate(`(() => {
        window.__frames = [];
        window.__stop = false;
        let last = performance.now();
        const tick = (now) => {
          window.__frames.push(now - last);
          last = now;
          if (!window.__stop) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      const drawsBefore = await page.evaluate(() => window.__bench!.graph?.drawTimes().length ?? 0);
      const box = (await page.locator('[data-testid=graph]').boundingBox())!;
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 0; i < 40; i++) {
        await page.mouse.move(cx - i * 12, cy + Math.sin(i / 5) * 60);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      for (const dy of [-120, 120]) {
        for (let i = 0; i < 20; i++) {
          await page.mouse.wheel(0, dy);
          await page.waitForTimeout(16);
        }
      }
      const frames = await page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __stop: boolean };
        w.__stop = true;
        return w.__frames.slice(1);
      });
      const draws = (await page.evaluate(() => window.__bench!.graph?.drawTimes() ?? [])).slice(drawsBefore);
      const r: Result = {
        nodes: run.n,
        render,
        layoutWallMs: b.layoutMs,
        layoutWorkerMs: b.workerMs,
        firstDrawMs,
        frames: frames.length,
        frameP50: pct(frames, 50),
        frameP95: pct(frames, 95),
        frameMax: Math.max(...frames),
        drawP50: pct(draws, 50),
        drawP95: pct(draws, 95),
      };
      results.push(r);
      log(
        `${String(r.nodes).padStart(6)} nodes ${r.render.padEnd(6)} layout ${r.layoutWallMs.toFixed(0).padStart(5)} ms (worker ${r.layoutWorkerMs.toFixed(0)} ms) · page ready ${r.firstDrawMs} ms · ` +
          `frames during pan/zoom: ${r.frames}, p50 ${r.frameP50.toFixed(1)} ms, p95 ${r.frameP95.toFixed(1)} ms, max ${r.frameMax.toFixed(0)} ms` +
          (Number.isNaN(r.drawP50) ? '' : ` · canvas draw p50 ${r.drawP50.toFixed(1)} ms, p95 ${r.drawP95.toFixed(1)} ms`),
      );
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`\nExplorer: headless Chromium (software rendering, --disable-gpu), ${cpus().length} cores; 16.7 ms = 60 fps`);
  const results = await benchExplorer();
  const openTrace = await benchOpenTrace();
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, results, openTrace }, null, 2)}\n`);
}
