import { describe, expect, it } from 'vitest';
import { HttpError, boundedInt, cursorParam, flag, hexId, oneOf, timeNs, timeRange } from './params.ts';

/** The HttpError a parse throws: status and message. */
function refusal(f: () => unknown): { status: number; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, message: e.message };
    throw e;
  }
  throw new Error('accepted');
}

describe('timeNs', () => {
  it('reads unix nanoseconds and ISO 8601 / RFC 3339 times, keeping nanosecond fractions', () => {
    expect(timeNs('1750000000123456789', 'start')).toBe('1750000000123456789');
    expect(timeNs('0', 'start')).toBe('0');
    expect(timeNs('2025-06-15T15:06:40.123456789Z', 'start')).toBe('1750000000123456789');
    expect(timeNs('2025-06-15T17:06:40.5+02:00', 'start')).toBe('1750000000500000000');
    expect(timeNs('2025-06-15T17:06:40+0200', 'start')).toBe('1750000000000000000');
    expect(timeNs('2025-06-15', 'start')).toBe('1749945600000000000');
    // no offset means UTC, whatever the server's zone
    expect(timeNs('2025-06-15T15:06', 'start')).toBe('1749999960000000000');
  });

  it('refuses times before 1970, past 64-bit nanoseconds, and anything it cannot read, with the reason', () => {
    for (const v of ['1969-12-31T23:59:59Z', '1900-01-01', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59.999999999Z']) {
      expect(refusal(() => timeNs(v, 'start')), v).toEqual({ status: 400, message: `start must not be before 1970-01-01T00:00:00Z, got "${v}"` });
    }
    for (const v of ['18446744073709551616', '99999999999999999999', '2600-01-01T00:00:00Z', '9999-12-31']) {
      expect(refusal(() => timeNs(v, 'end')).message, v).toMatch(/^end must not be after 2554/);
    }
    for (const v of ['yesterday', '-5', '2026-02-31', '2026-13-01', '1e18', '12/31/2025', '2025-06-15T25:00:00Z', '']) {
      expect(refusal(() => timeNs(v, 'start')).message, v).toMatch(/^start must be unix nanoseconds or an ISO 8601 time/);
    }
  });

  it('checks that a range does not end before it starts', () => {
    expect(timeRange('5', '7')).toEqual({ startNs: '5', endNs: '7' });
    expect(timeRange(undefined, '7')).toEqual({ endNs: '7' });
    expect(refusal(() => timeRange('8', '7')).message).toBe('start must not be after end');
  });
});

describe('ids, integers, choices, flags and cursors', () => {
  it('lower-cases hex ids of the exact length and names the parameter when refusing one', () => {
    expect(hexId('ABCDEF0123456789', 16, 'span id')).toBe('abcdef0123456789');
    expect(refusal(() => hexId('abc', 16, 'span id'))).toEqual({ status: 400, message: 'span id must be 16 hex characters, got "abc"' });
    expect(refusal(() => hexId('g'.repeat(16), 16, 'span id')).status).toBe(400);
    expect(refusal(() => hexId(undefined, 32, 'trace')).message).toBe('trace must be 32 hex characters');
  });

  it('takes integers within bounds only, defaulting when absent', () => {
    const o = { name: 'limit', max: 200, def: 50 };
    expect(boundedInt(undefined, o)).toBe(50);
    expect(boundedInt('', o)).toBe(50);
    expect(boundedInt('200', o)).toBe(200);
    for (const v of ['0', '201', '1.5', '1e2', 'abc', '-3', ' 5', '99999999999999999999']) {
      expect(refusal(() => boundedInt(v, o)).message, v).toMatch(/^limit must be an integer from 1 to 200/);
    }
  });

  it('takes one of a fixed set, and 1/0 flags', () => {
    expect(oneOf(undefined, ['a', 'b'], 'x', 'a')).toBe('a');
    expect(refusal(() => oneOf('c', ['a', 'b'], 'x')).message).toBe('x must be one of a, b, got "c"');
    expect([flag('1', 'u'), flag('true', 'u'), flag('0', 'u'), flag(undefined, 'u')]).toEqual([true, true, false, false]);
    expect(refusal(() => flag('yes', 'untrusted')).status).toBe(400);
  });

  it('takes back only cursors of its own shape', () => {
    const c = Buffer.from(`1750000000123456789:${'a'.repeat(32)}`).toString('base64url');
    expect(cursorParam(c)).toEqual({ startNs: '1750000000123456789', traceId: 'a'.repeat(32) });
    for (const bad of ['bogus', Buffer.from('12:xyz').toString('base64url'), Buffer.from(`99999999999999999999:${'a'.repeat(32)}`).toString('base64url'), Buffer.from(`1:${'a'.repeat(32)}:x`).toString('base64url')]) {
      expect(refusal(() => cursorParam(bad)).message).toMatch(/^cursor is not one this API returned/);
    }
  });
});
