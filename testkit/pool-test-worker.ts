// A worker for collector/src/workers/pool.test.ts: answers through the same serve() as the
// ingest worker, with operations that echo, count (state kept in the worker), throw, exit,
// and wait until the test lets them go (a shared flag), to stand for a long job; keep memory and
// spin, for the pool's heap and busy-time figures; keepBuffer, for its external memory.
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { serve } from '../collector/src/workers/serve.ts';

let count = 0;
const kept: number[][] = [];
const keptBuffers: Buffer[] = [];

serve({
  echo: (v: unknown) => v,
  count: () => ++count,
  thread: () => threadId,
  throw: (message: string) => {
    throw new Error(message);
  },
  exit: (code: number) => process.exit(code),
  /** keeps ~`mb` MiB of doubles on this worker's heap */
  keep: (mb: number) => {
    kept.push(Array.from({ length: mb * 131_072 }, (_, i) => i + 0.5));
    return kept.length;
  },
  /** this worker's V8 heap limit, bytes */
  heapLimit: () => getHeapStatistics().heap_size_limit,
  /** keeps a Buffer of `mb` MiB (outside this worker's heap: its external memory) */
  keepBuffer: (mb: number) => {
    keptBuffers.push(Buffer.alloc(mb * 2 ** 20, 1));
    return keptBuffers.length;
  },
  /** keeps this thread busy for `ms` milliseconds of wall time */
  spin: (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until);
    return 'spun';
  },
  /** blocks this thread until the test stores 1 in the shared flag */
  hold: (flag: SharedArrayBuffer) => {
    const a = new Int32Array(flag);
    while (Atomics.load(a, 0) === 0) Atomics.wait(a, 0, 0, 1000);
    return 'released';
  },
});
