// What a table's insert sends: its spooled payloads joined, and for the provenance tables each
// line without its row_hash (issue 15). A provenance row's hash is SHA-256(0x00 ‖ its canonical
// line), and that line is rebuilt from the stored columns wherever a hash is needed
// (format/prov-lines.ts: verify-store, bundle exports); the ledger keeps every row's hash once,
// as its leaf (ledger_entries), read from the spooled line, which keeps its tail. Stored, the
// random hex was the largest column of prov_relations (265 of 377 B a span on the bench's agent
// workload) and 63 B a span more in prov_artifacts and prov_activities. Rows inserted this way
// hold the column's default (zeros), which compresses to nothing; rows written before keep theirs.

/** Tables whose stored rows leave row_hash out (their reads rebuild it from the columns). */
export const HASH_FREE_TABLES: ReadonlySet<string> = new Set(['prov_activities', 'prov_relations', 'prov_artifacts']);

/** `,"row_hash":"` + 64 hex digits + `"}`: what a line (format/hashed-lines.ts) ends with. */
const TAIL_HEAD = Buffer.from(',"row_hash":"');
const TAIL_LENGTH = TAIL_HEAD.length + 64 + 2;

/**
 * The payloads' lines, each without its row_hash tail (`…,"row_hash":"<hex>"}` → `…}`), into
 * `into` when it is large enough (the result is never longer than the payloads). A line that does
 * not end with a tail goes in unchanged (the ledger then refuses the batch, as before).
 */
export function withoutRowHash(payloads: Buffer[], into?: Buffer): Buffer {
  let size = 0;
  for (const p of payloads) size += p.length + 1;
  const out = into && into.length >= size ? into : Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const p of payloads) {
    for (let start = 0; start < p.length; ) {
      let end = p.indexOf(0x0a, start);
      if (end < 0) end = p.length;
      if (end > start) {
        const tail = end - TAIL_LENGTH;
        if (tail > start && p[end - 1] === 0x7d && p[end - 2] === 0x22 && isTailHead(p, tail)) {
          at += p.copy(out, at, start, tail);
          out[at++] = 0x7d;
        } else at += p.copy(out, at, start, end);
        out[at++] = 0x0a;
      }
      start = end + 1;
    }
  }
  return out.subarray(0, at);
}

function isTailHead(p: Buffer, at: number): boolean {
  for (let i = 0; i < TAIL_HEAD.length; i++) if (p[at + i] !== TAIL_HEAD[i]) return false;
  return true;
}
