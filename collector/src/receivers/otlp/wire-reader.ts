import { isUtf8 } from 'node:buffer';
import type { DecodePath } from './decode-error.ts';

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
const WIRE_NAMES = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32', '6', '7'];

const TWO_32 = 4294967296;
const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/**
 * Protobuf wire-format reader over one buffer. 64-bit values come out as exact
 * decimal strings (BigInt only when they exceed 2^53), never through a lossy number.
 */
export class WireReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    readonly path: DecodePath,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a tag; returns field number * 8 + wire type, as on the wire. */
  tag(): number {
    const t = this.size();
    if (t > 0xffffffff) this.path.fail(`invalid tag at byte ${this.pos}: field number beyond 2^29-1`);
    if (t >>> 3 === 0) this.path.fail(`invalid field number 0 at byte ${this.pos}`);
    return t;
  }

  /**
   * A varint taken whole (a tag or a length), not its low 32 bits: 2^32 + 16 is not 16.
   * Exact below 2^53; anything larger is out of range for every caller anyway.
   */
  private size(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.path.fail('truncated message: varint runs past the end of its field');
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return n;
      scale *= 128;
    }
    return this.path.fail('malformed varint (more than 10 bytes)');
  }

  uint32(): number {
    // Varint, keeping the low 32 bits (proto semantics for uint32/int32/enum).
    let result = 0;
    let shift = 0;
    let b: number;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.path.fail('truncated message: varint runs past the end of its field');
      b = this.buf[this.pos++]!;
      if (shift < 32) result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    return this.path.fail('malformed varint (more than 10 bytes)');
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** int64 varint as an exact decimal string (two's complement for negatives). */
  int64(): string {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.path.fail('truncated message: varint runs past the end of its field');
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if ((b & 0x80) === 0) return int64String(lo >>> 0, hi >>> 0);
      shift += 7;
    }
    return this.path.fail('malformed varint (more than 10 bytes)');
  }

  bool(): boolean {
    return this.int64() !== '0';
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) this.path.fail('truncated message: fixed32 runs past the end of its field');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** fixed64 as an exact unsigned decimal string. */
  fixed64(): string {
    if (this.pos + 8 > this.end) this.path.fail('truncated message: fixed64 runs past the end of its field');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi < 0x200000 ? String(hi * TWO_32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(): number {
    if (this.pos + 8 > this.end) this.path.fail('truncated message: double runs past the end of its field');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Bounds of a length-delimited field; advances past it. */
  len(): [start: number, end: number] {
    const n = this.size();
    const start = this.pos;
    if (n > this.end - start) this.path.fail(`truncated message: length-delimited field of ${n} bytes runs past the end (${this.end - start} left)`);
    const end = start + n;
    this.pos = end;
    return [start, end];
  }

  bytes(): Buffer {
    const [s, e] = this.len();
    return this.buf.subarray(s, e);
  }

  /** A length-delimited field as lowercase hex (trace and span ids). */
  hex(): string {
    const [s, e] = this.len();
    return this.buf.toString('hex', s, e);
  }

  /** A string field; `field` names it in the error when it is not UTF-8. */
  string(field?: string): string {
    const [s, e] = this.len();
    if (e - s === 0) return '';
    const str = this.buf.toString('utf8', s, e);
    // The decoder turns each invalid sequence into U+FFFD: without one, the bytes were valid.
    if (str.includes('\uFFFD') && !isUtf8(this.buf.subarray(s, e))) this.path.fail('string field is not valid UTF-8', field);
    return str;
  }

  /** Child reader over a length-delimited field (an embedded message). */
  message(): WireReader {
    const [s, e] = this.len();
    return new WireReader(this.buf, this.path, s, e);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.int64();
        return;
      case WireType.I64:
        if (this.pos + 8 > this.end) this.path.fail('truncated message: fixed64 runs past the end');
        this.pos += 8;
        return;
      case WireType.LEN:
        this.len();
        return;
      case WireType.I32:
        if (this.pos + 4 > this.end) this.path.fail('truncated message: fixed32 runs past the end');
        this.pos += 4;
        return;
      default:
        this.path.fail(`unsupported wire type ${WIRE_NAMES[wireType] ?? wireType} (groups are not used by OTLP)`);
    }
  }

  /** Fails unless the tag's wire type is the one the field is declared with. */
  expect(tag: number, wireType: number, field: string): void {
    if ((tag & 7) !== wireType) {
      this.path.fail(
        `field ${tag >>> 3} (${field}) has wire type ${WIRE_NAMES[tag & 7]}, expected ${WIRE_NAMES[wireType]}`,
      );
    }
  }
}

function int64String(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  let v = (BigInt(hi) << 32n) | BigInt(lo);
  if (v >= TWO_63) v -= TWO_64;
  return v.toString();
}
