import { describe, expect, it } from 'vitest';
import { DecodeError, DecodePath } from './decode-error.ts';
import { varint } from './responses.ts';
import { WireReader } from './wire-reader.ts';

const reader = (bytes: number[]): WireReader => new WireReader(Buffer.from(bytes), new DecodePath());

describe('WireReader', () => {
  it('reads fixed64 timestamps exactly, beyond 2^53', () => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(1700000000123456789n);
    expect(reader([...b]).fixed64()).toBe('1700000000123456789');
    b.writeBigUInt64LE(18446744073709551615n);
    expect(reader([...b]).fixed64()).toBe('18446744073709551615');
  });

  it('reads int64 varints exactly, including negatives in two\'s complement', () => {
    for (const v of [0n, 1n, 300n, 9007199254740993n, -1n, -9223372036854775808n, 9223372036854775807n]) {
      expect(reader(varint(v)).int64()).toBe(v.toString());
    }
  });

  it('reports truncation instead of reading past the end', () => {
    expect(() => reader([0x0a, 0x05, 1, 2]).len()).toThrow(DecodeError);
    expect(() => reader([0x80, 0x80]).uint32()).toThrow(/truncated/);
  });

  it('rejects a string that is not UTF-8', () => {
    expect(() => reader([0x02, 0xc3, 0x28]).string()).toThrow(/UTF-8/);
  });
});
