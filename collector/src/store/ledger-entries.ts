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
  const logIdCell = cell('', logId, '\t');
  const ids = Buffer.alloc(24);
  let tenant: Tenant | undefined;
  let n = 0;
  for (const { table, payloads } of batch) {
    const tableCell = cell('\t', table, '\t');
    for (const p of payloads) {
      for (let start = 0; start < p.length; ) {
        let end = p.indexOf(0x0a, start);
        if (end < 0) end = p.length;
        if (end > start) {
          const hashAt = end - 66;
          if (hashAt - TAIL.length <= start || p[end - 1] !== 0x7d || p[end - 2] !== 0x22 || !startsWith(p, hashAt - TAIL.length, TAIL) || !hexInto(p, hashAt, 64, leaves, n * 32)) {
            throw new Error(`a ${table} payload line does not end with its row_hash`);
          }
          tenant = tenantOf(p, start, end, tenant, table);
          ids.fill(0);
          // The head as the canonical forms write it: tenant, trace_id, span_id; looked up if another field comes between.
          let at = tenant.end + 1;
          at = startsWith(p, at, TRACE_AFTER_TENANT) ? at + TRACE_AFTER_TENANT.length : keyEnd(p, start, end, TRACE, table);
          at = hexField(p, at, 32, ids, 0, 'trace_id', table);
          at = startsWith(p, at, SPAN_AFTER_TRACE) ? at + SPAN_AFTER_TRACE.length : keyEnd(p, start, end, SPAN, table);
          hexField(p, at, 16, ids, 16, 'span_id', table);
          out.raw(logIdCell);
          out.int(firstIndex + n);
          out.tab();
          out.bytes(leaves, n * 32, n * 32 + 32);
          out.raw(tableCell);
          out.bytes(tenant.bytes, 0, tenant.bytes.length);
          out.tab();
          out.bytes(ids, 0, 16);
          out.tab();
          out.bytes(ids, 16, 24);
          out.newline();
          n++;
        }
        start = end + 1;
      }
    }
  }
  return { leaves, tsv: out.done(), count };
}

const TRACE_AFTER_TENANT = Buffer.from(',"trace_id":"');
const SPAN_AFTER_TRACE = Buffer.from('","span_id":"');

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

function startsWith(p: Buffer, at: number, prefix: Buffer): boolean {
  if (at < 0 || at + prefix.length > p.length) return false;
  for (let i = 0; i < prefix.length; i++) if (p[at + i] !== prefix[i]) return false;
  return true;
}

/** Just past `"key":"` in the line's head. */
function keyEnd(p: Buffer, start: number, end: number, key: Buffer, table: string): number {
  const k = p.indexOf(key, start);
  if (k < 0 || k >= Math.min(end, start + HEAD_BYTES)) throw new Error(`a ${table} payload line has no ${key.toString('latin1').slice(1, -4)}`);
  return k + key.length;
}

/** A hex value at `at` (or an empty one, leaving zeros) into out; returns the index of its closing quote. */
function hexField(p: Buffer, at: number, hexLength: number, out: Buffer, to: number, name: string, table: string): number {
  if (p[at] === 0x22) return at;
  if (p[at + hexLength] !== 0x22 || !hexInto(p, at, hexLength, out, to)) throw new Error(`a ${table} payload line's ${name} is not ${hexLength} hex digits`);
  return at + hexLength;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX[0x61 + i] = HEX[0x41 + i] = 10 + i;

/** Lowercase or uppercase hex digits into bytes; false on anything else. */
function hexInto(p: Buffer, at: number, hexLength: number, out: Buffer, to: number): boolean {
  for (let i = 0; i < hexLength; i += 2) {
    const hi = HEX[p[at + i]!]!;
    const lo = HEX[p[at + i + 1]!]!;
    if (hi < 0 || lo < 0) return false;
    out[to + i / 2] = (hi << 4) | lo;
  }
  return true;
}

interface Tenant {
  /** the raw JSON string's bytes, as in the line */
  raw: Buffer;
  /** its UTF-8 value (JSON escapes undone) */
  bytes: Buffer;
  /** index of the closing quote in the current line */
  end: number;
}

/** The line's tenant; the previous line's is reused when the bytes are the same (the usual case). */
function tenantOf(p: Buffer, start: number, end: number, previous: Tenant | undefined, table: string): Tenant {
  if (!startsWith(p, start, TENANT)) throw new Error(`a ${table} payload line does not start with its tenant`);
  const from = start + TENANT.length;
  if (previous && p[from + previous.raw.length] === 0x22 && p.compare(previous.raw, 0, previous.raw.length, from, from + previous.raw.length) === 0) {
    return { ...previous, end: from + previous.raw.length };
  }
  let i = from;
  const limit = Math.min(end, start + HEAD_BYTES);
  while (i < limit && p[i] !== 0x22) i += p[i] === 0x5c ? 2 : 1;
  if (i >= limit) throw new Error(`a ${table} payload line's tenant does not end`);
  const raw = Buffer.from(p.subarray(from, i));
  const text = raw.toString('utf8');
  return { raw, bytes: Buffer.from(raw.includes(0x5c) ? (JSON.parse(`"${text}"`) as string) : text, 'utf8'), end: i };
}

/** A TSV cell's bytes, escaped, between the separators given. */
function cell(before: string, value: string, after: string): Buffer {
  return Buffer.from(`${before}${value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')}${after}`, 'utf8');
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
    const b = Buffer.from(s, 'utf8');
    this.bytes(b, 0, b.length);
  }

  /** A non-negative integer's decimal digits. */
  int(v: number): void {
    this.ensure(20);
    if (v === 0) {
      this.buf[this.pos++] = 0x30;
      return;
    }
    let digits = 0;
    for (let x = v; x >= 1; x = Math.floor(x / 10)) digits++;
    for (let i = digits - 1, x = v; i >= 0; i--, x = Math.floor(x / 10)) this.buf[this.pos + i] = 0x30 + (x % 10);
    this.pos += digits;
  }

  /** b[from, to), escaped. */
  bytes(b: Uint8Array, from = 0, to = b.length): void {
    this.ensure((to - from) * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = from; i < to; i++) {
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
