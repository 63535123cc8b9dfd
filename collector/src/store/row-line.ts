import { createHash } from 'node:crypto';
import type { SpanRow } from '@causeway/schemas';

/**
 * Span rows as JSONEachRow lines, each ending in its row_hash: SHA-256 of the row's UTF-8 JSON
 * before the hash. The same span re-sent gives the same line and hash, so reads can drop
 * repeats. Each row is encoded once and hashed from those bytes.
 */
export function rowsPayload(rows: SpanRow[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (const r of rows) {
    const json = Buffer.from(JSON.stringify(r), 'utf8');
    const hash = createHash('sha256').update(json).digest('hex');
    const tail = Buffer.from(`,"row_hash":"${hash}"}\n`, 'latin1');
    parts.push(json.subarray(0, json.length - 1), tail);
    size += json.length - 1 + tail.length;
  }
  return Buffer.concat(parts, size);
}
