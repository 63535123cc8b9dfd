// Answers compressed on the way out (gzip, else deflate, as the client accepts): a big trace's
// causal graph and spans are megabytes of JSON that shrink several times over, and the
// explorer's script and styles are sent once per version. Outermost on the API port, so the
// access audit (which reads the answer's JSON for the traces it showed) sees it uncompressed.
// GET answers only: they carry no secret (a new credential's token is only in a POST answer),
// so an attacker who can make a compressed answer reflect their input learns nothing (BREACH).
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/** JSON, the explorer's HTML, script, styles and SVG; never zips, tiles or event streams. */
export const COMPRESSED_TYPES = /^\s*(?:application\/json|text\/html|text\/css|text\/javascript|application\/javascript|image\/svg\+xml)(?:[;\s]|$)/i;

export function compression(): MiddlewareHandler {
  const gz = compress({ threshold: 1024, contentTypeFilter: COMPRESSED_TYPES });
  // /healthz's answer is a few hundred bytes: compressing it (zlib runs on libuv's thread pool)
  // made it wait behind the spool's writes and fsyncs during ingest, 100-300 ms at p99.
  return async (c, next) => (c.req.method === 'GET' && c.req.path !== '/healthz' ? gz(c, next) : next());
}
