import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { explorerApp } from './explorer-app.ts';

const INDEX = '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n  </head>\n  <body><div id="root"></div></body>\n</html>\n';

describe('the explorer page', () => {
  const dist = tempDataDir('causeway-dist-');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  const app = explorerApp(dist);
  const page = async (path: string): Promise<string> => (await app.request(path)).text();
  const trace = '0af7651916cd43dd8448eb211c80319c';

  it("of a trace asks for the trace's overview in its head, before the app's script has loaded", async () => {
    const html = await page(`/traces/${trace}`);
    expect(html).toContain(`<head>\n    <link rel="preload" href="/api/provenance/traces/${trace}/overview" as="fetch" crossorigin="anonymous" />`);
    expect(html.indexOf('rel="preload"')).toBeLessThan(html.indexOf('<meta charset'));
  });

  it('of anything else, or of a path that is not a trace id, is the page as built', async () => {
    for (const path of ['/', '/incidents', `/traces/${trace}/x`, '/traces/not-a-trace', `/traces/${trace.toUpperCase()}`, `/traces/${trace}"><script>`]) expect(await page(path)).toBe(INDEX);
  });
});
