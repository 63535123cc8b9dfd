import { expect, it } from 'vitest';
import { InFlightBytes } from './in-flight.ts';

it('refuses bytes that would pass the cap, across leases, and gives them back on release', () => {
  const budget = new InFlightBytes(100);
  const a = budget.lease();
  const b = budget.lease();
  expect(a.take(60)).toBe(true);
  expect(b.take(30)).toBe(true);
  expect(b.take(11)).toBe(false); // 101 > 100: refused, nothing counted
  expect(budget.used).toBe(90);
  expect(b.take(10)).toBe(true); // exactly the cap fits
  a.release();
  expect(budget.used).toBe(40);
  a.release(); // twice is once
  expect(budget.used).toBe(40);
  expect(a.take(1)).toBe(false); // a released lease takes nothing more
  b.release();
  expect(budget.used).toBe(0);
});

it('refuses a cap that is not a positive integer', () => {
  expect(() => new InFlightBytes(0)).toThrow(/positive integer/);
});
