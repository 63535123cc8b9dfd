import { expect, it } from 'vitest';
import { BuildSlots } from './build-slots.ts';

it('gives out at most max slots at once, and each back once', () => {
  const slots = new BuildSlots(2);
  const a = slots.tryTake();
  const b = slots.tryTake();
  expect(a && b).toBeTruthy();
  expect(slots.tryTake()).toBeUndefined();
  a!();
  a!(); // twice is once
  expect(slots.busy).toBe(1);
  const c = slots.tryTake();
  expect(c).toBeTruthy();
  expect(slots.tryTake()).toBeUndefined();
  b!();
  c!();
  expect(slots.busy).toBe(0);
});

it('refuses a slot count that is not a positive integer', () => {
  expect(() => new BuildSlots(0)).toThrow(/positive integer/);
});
