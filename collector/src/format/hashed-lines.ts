// JSONEachRow lines as the spooled tables store them: a row's canonical JSON with
// `,"row_hash":"<SHA-256(0x00 ‖ canonical bytes), hex>"}` in place of its closing brace, and a
// newline. Each canonical text is encoded to UTF-8 once, straight into one growing buffer, and
// hashed from there: encoding it twice (once to hash the string, once into a Buffer) and joining
// per-row Buffers (or one long string) was a fifth of the ingest worker's time.
import { hash } from 'node:crypto';

const TAIL_HEAD = ',"row_hash":"';
const LF = 0x0a;
/** the largest working buffer kept between payloads (a larger payload grows one of its own) */
const MAX_KEPT_BYTES = 8 << 20;

/** The working buffer kept between payloads: payloads are built one at a time, start to done() in one call. */
let kept: Buffer | undefined = Buffer.allocUnsafeSlow(256 << 10);

export class HashedLines {
  /** byte 0 is spare: the 0x00 before the first line's bytes while it is hashed */
  private buf: Buffer;
  private pos = 1;

  constructor() {
    // taken, so a payload begun inside another (none is, today) gets its own
    this.buf = kept ?? Buffer.allocUnsafeSlow(256 << 10);
    kept = undefined;
  }

  /** Appends the line of one canonical row (a JSON object's text); returns its row_hash. */
  add(canonical: string): string {
    // UTF-8 is at most 3 bytes per UTF-16 unit; the tail is 13 + 64 + 3 bytes.
    this.ensure(canonical.length * 3 + 96);
    const buf = this.buf;
    const start = this.pos;
    const n = buf.write(canonical, start, 'utf8');
    // the byte before the line (the previous line's newline, or the spare byte) is the 0x00 prefix meanwhile
    const before = buf[start - 1]!;
    buf[start - 1] = 0;
    const rowHash = hash('sha256', buf.subarray(start - 1, start + n), 'hex');
    buf[start - 1] = before;
    // the closing brace (the last byte) gives way to the tail
    let at = start + n - 1;
    at += buf.write(TAIL_HEAD, at, 'latin1');
    at += buf.write(rowHash, at, 'latin1');
    buf[at++] = 0x22;
    buf[at++] = 0x7d;
    buf[at++] = LF;
    this.pos = at;
    return rowHash;
  }

  /** The lines added so far, in a buffer of their own (its ArrayBuffer holds these bytes only). */
  done(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos - 1);
    this.buf.copy(out, 0, 1, this.pos);
    if (this.buf.length <= MAX_KEPT_BYTES) kept = this.buf;
    this.pos = 1;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

/** The stored lines of these canonical rows (each a JSON object's text). */
export function hashedLines(canonicals: Iterable<string>): Buffer {
  const lines = new HashedLines();
  for (const c of canonicals) lines.add(c);
  return lines.done();
}
