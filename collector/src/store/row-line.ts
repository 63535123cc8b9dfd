import { createHash } from 'node:crypto';
import type { SpanRow } from '@causeway/schemas';

/**
 * A span row as one JSONEachRow line, ending in its row_hash (SHA-256 of the line before
 * the hash). The same span re-sent gives the same line and hash, so reads can drop repeats.
 */
export function rowLine(row: SpanRow): string {
  const json = JSON.stringify(row);
  const hash = createHash('sha256').update(json).digest('hex');
  return `${json.slice(0, -1)},"row_hash":"${hash}"}\n`;
}

export function rowsPayload(rows: SpanRow[]): Buffer {
  let s = '';
  for (const r of rows) s += rowLine(r);
  return Buffer.from(s, 'utf8');
}
