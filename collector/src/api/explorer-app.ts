// The explorer, served by the API port: hashed assets from its Vite build, and index.html for
// every other path that is not the API.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** The explorer's build (explorer/dist, made by `npm start` or `npx tsx explorer/build.ts`). */
export const EXPLORER_DIST = join(dirname(fileURLToPath(import.meta.url)), '../../../explorer/dist');

/**
 * The explorer single-page app: hashed assets from its build, and index.html for every other
 * GET (the app routes on the client: /traces/<id>, /incidents, …). Mounted after the API,
 * whose unknown /api paths answer a JSON 404 first (api/app.ts).
 */
export function explorerApp(dist: string): Hono {
  const app = new Hono();
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root: dist }));
  app.get('*', (c) => {
    const index = join(dist, 'index.html');
    // Read per request: a rebuild (npm start after a source change) is served without a restart.
    if (existsSync(index)) {
      c.header('Cache-Control', 'no-cache');
      return c.html(withEarlyRequests(readFileSync(index, 'utf8'), c.req.path));
    }
    return c.html(
      '<!doctype html><title>Causeway</title><h1>Causeway</h1><p>The explorer is not built: <code>npm start</code> builds it, ' +
        'or run <code>npx tsx explorer/build.ts</code>. Query API: <a href="/api/traces">/api/traces</a>, <a href="/healthz">/healthz</a>.</p>',
      503,
    );
  });
  return app;
}

/**
 * A trace page's first view needs the trace's overview: the page's head asks for it (a fetch
 * preload), so the browser starts it as it reads the page, not once the app's script has loaded
 * and run (~0.5 s later on a loaded 2-core machine). The app's own fetch of the same URL takes
 * that response (same URL, CORS mode, same-origin credentials: what `fetch(url)` asks for).
 */
export function withEarlyRequests(html: string, path: string): string {
  const trace = /^\/traces\/([0-9a-f]{32})$/.exec(path)?.[1];
  if (!trace) return html;
  return html.replace('<head>', `<head>\n    <link rel="preload" href="/api/provenance/traces/${trace}/overview" as="fetch" crossorigin="anonymous" />`);
}
