import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Why a body could not be read; carries the HTTP status to answer with. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 429,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body, gunzipping if asked. The limit applies to the bytes after
 * decompression and is enforced while streaming, so a gzip bomb stops at `limit`
 * bytes of output instead of exhausting memory. `take` counts the kept bytes against the
 * budget shared by all requests (in-flight.ts); when it refuses, the read ends with a 429.
 */
export async function readBody(src: Readable, contentEncoding: string | undefined, limit: number, take: (n: number) => boolean = () => true): Promise<Buffer> {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return collect(src, limit, 'body', take);
  if (enc !== 'gzip' && enc !== 'x-gzip') {
    src.resume();
    throw new BodyError(415, `unsupported Content-Encoding "${enc.slice(0, 40)}": use gzip or none`);
  }
  const gunzip = createGunzip();
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    return await collect(gunzip, limit, 'decompressed body', take);
  } catch (e) {
    src.unpipe(gunzip);
    src.resume(); // discard the rest so the connection can answer
    if (e instanceof BodyError) throw e;
    throw new BodyError(400, `body is not valid gzip: ${(e as Error).message}`);
  } finally {
    gunzip.destroy();
  }
}

/**
 * Collects a stream up to `limit` bytes. Past the limit it keeps draining without storing,
 * so the client still gets a 413 rather than a reset connection.
 */
function collect(stream: Readable, limit: number, what: string, take: (n: number) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (over) return;
      if (total > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyError(413, `${what} exceeds the limit of ${limit} bytes`));
        return;
      }
      if (!take(chunk.length)) {
        over = true;
        chunks.length = 0;
        reject(new BodyError(429, 'too many request bytes in flight across all clients; retry later'));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
  });
}
