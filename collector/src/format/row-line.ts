import type { AttrRow, LogRow, SpanRow } from '@causeway/schemas';
import { canonicalLogRow, canonicalRow, rowLeafHash } from './canonical-row.ts';

/**
 * Span rows as JSONEachRow lines: the canonical form (canonical-row.ts) followed by its
 * row_hash, SHA-256(0x00 ‖ canonical bytes). The same span re-sent gives the same line and
 * hash, so reads can drop repeats; the hash is also the row's Merkle leaf in the ledger.
 */
export function rowsPayload(rows: SpanRow[]): Buffer {
  return linesOf(rows, canonicalRow);
}

function linesOf<R>(rows: R[], canonical: (r: R, shared: Map<AttrRow[], string>) => string): Buffer {
  const parts: Buffer[] = [];
  const shared = new Map<AttrRow[], string>();
  let size = 0;
  for (const r of rows) {
    const json = Buffer.from(canonical(r, shared), 'utf8');
    const tail = Buffer.from(`,"row_hash":"${rowLeafHash(json)}"}\n`, 'latin1');
    parts.push(json.subarray(0, json.length - 1), tail);
    size += json.length - 1 + tail.length;
  }
  return Buffer.concat(parts, size);
}

/** Log rows the same way: canonical form + row_hash, which is also their Merkle leaf. */
export function logsPayload(rows: LogRow[]): Buffer {
  return linesOf(rows, canonicalLogRow);
}
