// Answers compressed on the way out (gzip, else deflate, as the client accepts): a big trace's
// causal graph and spans are megabytes of JSON that shrink several times over, and the
// explorer's script and styles are sent once per version. Outermost on the API port, so the
// access audit (which reads the answer's JSON for the traces it showed) sees it uncompressed.
// GET answers only: they carry no secret (a new credential's token is only in a POST answer),
// so an attacker who can make a compressed answer reflect their input learns nothing (BREACH).
import type { Context, MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/** JSON, the explorer's HTML, script, styles and SVG; never zips, tiles or event streams. */
export const COMPRESSED_TYPES = /^\s*(?:application\/json|text\/html|text\/css|text\/javascript|application\/javascript|image\/svg\+xml)(?:[;\s]|$)/i;

/** answers shorter than this leave as they are: gzip would save a few hundred bytes at most */
export const COMPRESS_FROM_BYTES = 4096;

export function compression(): MiddlewareHandler {
  const gz = compress({ threshold: COMPRESS_FROM_BYTES, contentTypeFilter: COMPRESSED_TYPES });
  return async (c, next) => {
    if (c.req.method !== 'GET') return next();
    return gz(c, async () => {
      await next();
      await sizeSmallAnswer(c);
    });
  };
}

// hono's threshold only applies to answers with a Content-Length, and `c.json` answers have
// none, so every small answer (/healthz, a credential list) went through zlib, which runs on
// libuv's thread pool and waited there behind the spool's writes and fsyncs during ingest
// (100-300 ms at p99). Reading at most COMPRESS_FROM_BYTES of the body tells small from large
// without buffering a big or streamed answer: a small one gets its length, a large one is
// passed on as the same bytes.
async function sizeSmallAnswer(c: Context): Promise<void> {
  const res = c.res;
  if (!res.body || res.headers.has('Content-Length') || !COMPRESSED_TYPES.test(res.headers.get('Content-Type') ?? '')) return;
  const reader = res.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      const body = Buffer.concat(head, size);
      c.res = new Response(body, res);
      c.res.headers.set('Content-Length', String(size));
      return;
    }
    head.push(value);
    size += value.byteLength;
    if (size >= COMPRESS_FROM_BYTES) break;
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  c.res = new Response(rest, res);
}
