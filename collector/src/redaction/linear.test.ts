// Detection is linear in its input, proven without a clock: every pattern is bounded (so one
// attempt costs a constant, bounded-pattern.ts), and the steps the scanner counts grow in
// proportion to the input on every adversarial family. Timings are in `npm run bench`.
import { describe, expect, it } from 'vitest';
import { patternBound } from './bounded-pattern.ts';
import { DETECTORS } from './detectors.ts';
import { resolveOverlaps } from './overlaps.ts';
import { parsePolicy } from './policy.ts';
import { createRedactor } from './redactor.ts';
import { ADVERSARIAL_FAMILIES } from './adversarial.ts';

const key = Buffer.alloc(32, 7);

describe('every built-in detector is bounded', () => {
  for (const [i, d] of DETECTORS.entries()) {
    it(`${d.id} #${i}: no unbounded repetition, no back-reference, a finite attempt`, () => {
      for (const re of [d.pattern, ...(d.precheck ? [d.precheck] : [])]) {
        const b = patternBound(re.source, re.flags);
        expect(b, re.source).not.toHaveProperty('unbounded');
        if ('maxLength' in b) expect(b.maxLength).toBeLessThanOrEqual(10_000);
      }
    });
  }

  it('the checker itself tells bounded from unbounded', () => {
    expect(patternBound('(?:[A-Za-z0-9]+[_.\\-])*password')).toHaveProperty('unbounded');
    expect(patternBound('(a)\\1')).toHaveProperty('unbounded');
    expect(patternBound('a{2,}')).toHaveProperty('unbounded');
    expect(patternBound('(?<![a-z]{0,3})x(?=y{1,4})z{0,2}')).toEqual({ maxLength: 7, maxLookbehind: 3 });
  });

  it('a policy pattern that could backtrack without bound is refused at start-up', () => {
    expect(() => parsePolicy({ patterns: [{ id: 'acme', pattern: 'ACME-[0-9]+' }] })).toThrow(/must stay linear in its input: unbounded repetition "\[0-9\]\+"/);
    expect(parsePolicy({ patterns: [{ id: 'acme', pattern: 'ACME-[0-9]{4,32}' }] }).patterns).toHaveLength(1);
  });
});

describe('work grows linearly with the input (counted steps, no clock)', () => {
  const steps = (text: string): number => {
    const work = { steps: 0 };
    createRedactor({ key, memo: false, work }).redactText(text);
    return work.steps;
  };
  for (const [name, make] of Object.entries(ADVERSARIAL_FAMILIES)) {
    it(`${name}: 4x the input is at most 4.4x the steps, and ≤ 200 steps per character`, () => {
      const small = make(40_000);
      const big = make(160_000);
      const a = steps(small);
      const b = steps(big);
      expect(b / a).toBeLessThanOrEqual(4.4 * (big.length / small.length) / 4);
      // 200: a name or address finding counts the bounded context its extent reads (≤ 600 characters) at every few characters
      expect(b / big.length).toBeLessThanOrEqual(200);
    });
  }
});

describe('a conversation re-sent with every call is scanned once (segmented.ts)', () => {
  // call k sends messages 1..k, as gen_ai.input.messages does: N calls re-send ~N²/2 messages
  const conversation = (n: number): string[] => {
    const messages = Array.from({ length: n }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `Dear Maria Müller, order ${i} ships to 221B Baker Street, London NW1 6XE; call +44 20 7946 0958 or write to m${i}@example.com. ${'The invoice lists the items we discussed. '.repeat(12)}`,
    }));
    return messages.map((_, k) => JSON.stringify(messages.slice(0, k + 1)));
  };
  const steps = (calls: string[], segmented: boolean): number => {
    const work = { steps: 0 };
    const r = createRedactor({ key, work, segmented });
    for (const c of calls) r.redactText(c, 'trace');
    return work.steps;
  };
  it('4x the messages is at most 4.4x the steps (the whole-text scan: ~16x)', () => {
    const [small, big] = [conversation(30), conversation(120)];
    const a = steps(small, true);
    const b = steps(big, true);
    expect(b / a).toBeLessThanOrEqual(4.4);
    // the same calls scanned whole are quadratic: what this test would catch
    expect(steps(big, false) / steps(small, false)).toBeGreaterThan(12);
    // and every message is still redacted
    const out = createRedactor({ key }).redactText(big.at(-1)!, 'trace').text;
    expect(out).not.toMatch(/@example\.com|Baker Street|Müller|7946/);
  });
});

describe('overlap resolution is O(k log k)', () => {
  it('nested and chained overlaps: 8x the findings is < 8 x 1.5 the steps', () => {
    const make = (k: number) =>
      Array.from({ length: k }, (_, i) => (i % 2 === 0 ? { start: i * 3, end: i * 3 + 5, priority: i % 7 } : { start: 0, end: 3 * k - 3 * i, priority: 1 }));
    const count = (k: number): number => {
      const work = { steps: 0 };
      resolveOverlaps(make(k), work);
      return work.steps;
    };
    const a = count(5_000);
    const b = count(40_000);
    expect(b / a).toBeLessThan(8 * 1.5);
  });

  it('keeps the higher priority, then the longer, and never two overlapping findings', () => {
    const kept = resolveOverlaps([
      { start: 0, end: 10, priority: 1 },
      { start: 5, end: 8, priority: 5 },
      { start: 8, end: 20, priority: 5 },
      { start: 9, end: 12, priority: 9 },
      { start: 30, end: 31, priority: 0 },
    ]);
    expect(kept).toEqual([
      { start: 5, end: 8, priority: 5 },
      { start: 9, end: 12, priority: 9 },
      { start: 30, end: 31, priority: 0 },
    ]);
  });
});

describe('long tokens past a pattern bound are still taken whole', () => {
  const r = createRedactor({ key });
  it('a 2,000-character password, a 9,000-character JWT, a PEM block whose END is 12 KB away', () => {
    const pw = 'Zx9'.repeat(700);
    expect(r.redactText(`db_password=${pw} next`).text).toMatch(/^db_password=\[REDACTED:generic_secret:[0-9a-f]{8}\] next$/);
    const jwt = `eyJ${'a1B2'.repeat(500)}.eyJ${'c3D4'.repeat(1000)}.${'e5F6'.repeat(700)}`;
    expect(r.redactText(`auth ${jwt} end`).text).toMatch(/^auth \[REDACTED:jwt:[0-9a-f]{8}\] end$/);
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA\n'.repeat(700)}-----END RSA PRIVATE KEY-----`;
    expect(r.redactText(`key: ${pem} done`).text).toMatch(/^key: \[REDACTED:private_key:[0-9a-f]{8}\] done$/);
  });
});

describe('the memo is bounded by what it holds', () => {
  it('a string longer than an entry may be is redacted but never kept', () => {
    const r = createRedactor({ key });
    r.redactText(`mail a@b.example ${'x'.repeat(1 << 20)}`);
    expect(r.memoChars).toBe(0);
    r.redactText('mail a@b.example please');
    expect(r.memoChars).toBeGreaterThan(0);
    expect(r.memoChars).toBeLessThan(100);
  });
});
