import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { expect, it, onTestFinished } from 'vitest';
import { HeapReturn } from './heap-return.ts';

const MiB = 2 ** 20;
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
};

it('runs one full GC once the collector is quiet after its heap grew, never while it is busy, and the heap shrinks', async () => {
  const majors: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  onTestFinished(() => observer.disconnect());

  let busy = true;
  const heap = new HeapReturn({ idleMs: 40, growthBytes: 32 * MiB, minIntervalMs: 0, busy: () => busy });
  onTestFinished(() => heap.stop());
  // a large request's worth of strings, then dropped: dead, but the heap stays grown
  const held = Array.from({ length: 400_000 }, (_, i) => `${'x'.repeat(200)}${i}`);
  const grown = getHeapStatistics().total_heap_size;
  held.length = 0;
  await new Promise((r) => setTimeout(r, 400));
  expect(heap.collections).toBe(0); // busy: in flight or waiting to be written
  const before = majors.length;
  busy = false;
  await until(() => heap.collections > 0);
  expect(heap.collections).toBe(1);
  await until(() => majors.length > before);
  expect(majors.length).toBeGreaterThan(before);
  expect(getHeapStatistics().total_heap_size).toBeLessThan(grown);
  // quiet, and no further growth: nothing more to do
  await new Promise((r) => setTimeout(r, 400));
  expect(heap.collections).toBe(1);
});

it('does nothing while the heap has not grown, however quiet the collector is', async () => {
  const heap = new HeapReturn({ idleMs: 20, growthBytes: 512 * MiB, minIntervalMs: 0, busy: () => false });
  onTestFinished(() => heap.stop());
  await new Promise((r) => setTimeout(r, 400));
  expect(heap.collections).toBe(0);
});
