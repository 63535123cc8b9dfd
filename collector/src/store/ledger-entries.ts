// The rows of an insert batch as ledger entries: their leaf hashes packed for the tree, and the
// ledger_entries rows (TabSeparatedWithNames, binary hashes and ids) that store them. Read
// straight from the spool payloads (JSONEachRow lines made by row-line.ts / prov-lines.ts:
// the canonical form, whose head names tenant, trace_id and span_id, then `,"row_hash":"<hex>"}`),
// without parsing the rows.

export interface LedgerBatch {
  table: string;
  payloads: Buffer[];
}

export interface Entries {
  /** 32-byte leaf hashes in log order */
  leaves: Buffer;
  /** the ledger_entries insert, header line first */
  tsv: Buffer;
  count: number;
}

const HEADER = Buffer.from('log_id\tleaf_index\tleaf_hash\ttbl\ttenant\ttrace_id\tspan_id\n');
const TAIL = Buffer.from(',"row_hash":"');
const TENANT = Buffer.from('{"tenant":"');
const TRACE = Buffer.from('"trace_id":"');
const SPAN = Buffer.from('"span_id":"');
/** where the identity keys are looked for: the head of the canonical form */
const HEAD_BYTES = 1024;

export function entriesOf(batch: LedgerBatch[], logId: string, firstIndex: number): Entries {
  let count = 0;
  for (const b of batch) for (const p of b.payloads) count += countLines(p);
  const leaves = Buffer.allocUnsafe(count * 32);
  // A TSV line is ~130 bytes but for the tenant; the writer grows if tenants are long.
  const out = new TsvWriter(HEADER.length + count * (logId.length + 176));
  out.raw(HEADER);
  const ids = Buffer.alloc(24);
  let n = 0;
  for (const { table, payloads } of batch) {
    for (const p of payloads) {
      for (let start = 0; start < p.length; ) {
        let end = p.indexOf(0x0a, start);
        if (end < 0) end = p.length;
        if (end > start) {
          const hashAt = end - 66;
          if (hashAt <= start || p[end - 1] !== 0x7d || p[end - 2] !== 0x22 || !p.subarray(hashAt - TAIL.length, hashAt).equals(TAIL) || leaves.write(p.toString('latin1', hashAt, end - 2), n * 32, 32, 'hex') !== 32) {
            throw new Error(`a ${table} payload line does not end with its row_hash`);
          }
          const head = p.subarray(start, Math.min(end, start + HEAD_BYTES));
          ids.fill(0);
          hexField(head, TRACE, 32, ids, 0, table);
          hexField(head, SPAN, 16, ids, 16, table);
          out.text(logId);
          out.tab();
          out.text(String(firstIndex + n));
          out.tab();
          out.bytes(leaves.subarray(n * 32, n * 32 + 32));
          out.tab();
          out.text(table);
          out.tab();
          out.bytes(tenantOf(head, table));
          out.tab();
          out.bytes(ids.subarray(0, 16));
          out.tab();
          out.bytes(ids.subarray(16, 24));
          out.newline();
          n++;
        }
        start = end + 1;
      }
    }
  }
  return { leaves, tsv: out.done(), count };
}

function countLines(p: Buffer): number {
  let n = 0;
  for (let start = 0; start < p.length; ) {
    let end = p.indexOf(0x0a, start);
    if (end < 0) end = p.length;
    if (end > start) n++;
    start = end + 1;
  }
  return n;
}

/** `"key":"<hex>"` in the head: its bytes into out (an empty value leaves zeros). */
function hexField(head: Buffer, key: Buffer, hexLength: number, out: Buffer, at: number, table: string): void {
  const k = head.indexOf(key);
  if (k < 0) throw new Error(`a ${table} payload line has no ${key.toString('latin1').slice(1, -4)}`);
  const v = k + key.length;
  if (head[v] === 0x22) return;
  if (head[v + hexLength] !== 0x22 || out.write(head.toString('latin1', v, v + hexLength), at, hexLength / 2, 'hex') !== hexLength / 2) {
    throw new Error(`a ${table} payload line's ${key.toString('latin1').slice(1, -4)} is not ${hexLength} hex digits`);
  }
}

const tenants = new Map<string, Buffer>();

/** The tenant string's UTF-8 bytes (JSON escapes undone). */
function tenantOf(head: Buffer, table: string): Buffer {
  if (!head.subarray(0, TENANT.length).equals(TENANT)) throw new Error(`a ${table} payload line does not start with its tenant`);
  let i = TENANT.length;
  while (i < head.length && head[i] !== 0x22) i += head[i] === 0x5c ? 2 : 1;
  if (i >= head.length) throw new Error(`a ${table} payload line's tenant does not end`);
  const raw = head.toString('utf8', TENANT.length, i);
  let t = tenants.get(raw);
  if (!t) {
    t = Buffer.from(raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw, 'utf8');
    if (tenants.size < 1000) tenants.set(raw, t);
  }
  return t;
}

/** TabSeparated output: strings and bytes escaped (\t, \n, \\), so raw binary goes through. */
export class TsvWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  text(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (x === 0x09) {
        buf[pos++] = 0x5c;
        buf[pos++] = 0x74;
      } else if (x === 0x0a) {
        buf[pos++] = 0x5c;
        buf[pos++] = 0x6e;
      } else if (x === 0x5c) {
        buf[pos++] = 0x5c;
        buf[pos++] = 0x5c;
      } else buf[pos++] = x;
    }
    this.pos = pos;
  }

  tab(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0x09;
  }

  newline(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0x0a;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
