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

export interface RowRef {
  tenant: string;
  trace_id: string;
  span_id: string;
  row_hash: string;
}

// Log records may carry no trace or span id.
const HEAD = /^\{"tenant":"([^"\\]*)","trace_id":"((?:[0-9a-f]{32})?)","span_id":"((?:[0-9a-f]{16})?)"/;

/** Identity and hash of each line of a payload made by rowsPayload, without parsing the rows. */
export function rowRefs(payload: Buffer): RowRef[] {
  const refs: RowRef[] = [];
  let start = 0;
  while (start < payload.length) {
    let end = payload.indexOf(0x0a, start);
    if (end < 0) end = payload.length;
    const head = HEAD.exec(payload.toString('latin1', start, Math.min(end, start + 128)));
    const hash = payload.toString('latin1', end - 66, end - 2);
    if (!head || !/^[0-9a-f]{64}$/.test(hash)) throw new Error('payload line is not a canonical span row');
    refs.push({ tenant: head[1]!, trace_id: head[2]!, span_id: head[3]!, row_hash: hash });
    start = end + 1;
  }
  return refs;
}
