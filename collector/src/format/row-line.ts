import type { AttrRow, LogRow, SpanRow } from '@causeway/schemas';
import { canonicalLogRow, canonicalRow } from './canonical-row.ts';
import { HashedLines } from './hashed-lines.ts';

/**
 * Span rows as JSONEachRow lines: the canonical form (canonical-row.ts) followed by its
 * row_hash, SHA-256(0x00 ‖ canonical bytes). The same span re-sent gives the same line and
 * hash, so reads can drop repeats; the hash is also the row's Merkle leaf in the ledger.
 */
export function rowsPayload(rows: SpanRow[]): Buffer {
  return linesOf(rows, canonicalRow);
}

function linesOf<R>(rows: R[], canonical: (r: R, shared: Map<AttrRow[], string>) => string): Buffer {
  // one row's text at a time: the hot path keeps no array of a batch's texts
  const lines = new HashedLines();
  const shared = new Map<AttrRow[], string>();
  for (const r of rows) lines.add(canonical(r, shared));
  return lines.done();
}

/** Log rows the same way: canonical form + row_hash, which is also their Merkle leaf. */
export function logsPayload(rows: LogRow[]): Buffer {
  return linesOf(rows, canonicalLogRow);
}
