// GET answers of compressible types leave gzipped when the client accepts it (and decode to the
// same bytes); POST answers, zips and clients that accept no compression do not.
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { compression } from './compression.ts';

const big = { nodes: Array.from({ length: 2000 }, (_, i) => ({ id: `act:${'a'.repeat(32)}/${i.toString(16).padStart(16, '0')}`, kind: 'tool' })) };
const app = new Hono();
app.use('*', compression());
app.get('/big', (c) => c.json(big));
app.post('/big', (c) => c.json(big));
app.get('/small', (c) => c.json({ status: 'ok', pad: 'x'.repeat(3000) }));
app.get('/stream', (c) =>
  c.body(
    new ReadableStream({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(new TextEncoder().encode(`{"row":${i},"pad":"${'y'.repeat(200)}"}\n`));
        controller.close();
      },
    }),
    200,
    { 'content-type': 'application/json' },
  ),
);
app.get('/zip', (c) => c.body(new Uint8Array(4096), 200, { 'content-type': 'application/zip' }));
app.get('/app.js', (c) => c.body('console.log(1);\n'.repeat(500), 200, { 'content-type': 'text/javascript; charset=utf-8' }));

const get = (path: string, enc = 'gzip, deflate, br', method = 'GET') => app.request(path, { method, headers: { 'accept-encoding': enc } });

describe('answers are compressed', () => {
  it('a large JSON GET answer is gzipped and decodes to the same JSON', async () => {
    const res = await get('/big');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const raw = Buffer.from(await res.arrayBuffer());
    const plain = JSON.stringify(big);
    expect(raw.length).toBeLessThan(plain.length / 4);
    expect(gunzipSync(raw).toString('utf8')).toBe(plain);
  });

  it("the explorer's script is compressed too", async () => {
    expect((await get('/app.js')).headers.get('content-encoding')).toBe('gzip');
  });

  it('POST answers, zips and clients that accept none are sent as they are', async () => {
    for (const res of [await get('/big', 'gzip', 'POST'), await get('/zip'), await get('/big', 'identity')]) {
      expect(res.headers.get('content-encoding')).toBeNull();
    }
    expect(JSON.parse(await (await get('/big', 'identity')).text())).toEqual(big);
  });

  it('a small JSON answer of unknown length (c.json) is sent as it is, with its length: zlib runs on the thread pool, which waits behind ingest writes', async () => {
    const res = await get('/small');
    expect(res.headers.get('content-encoding')).toBeNull();
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect((JSON.parse(text) as { status: string }).status).toBe('ok');
  });

  it('a streamed answer longer than the threshold is compressed whole, its first chunks included', async () => {
    const res = await get('/stream');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const lines = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { row: number }).row)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });
});
