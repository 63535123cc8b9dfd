// A worker for collector/src/workers/pool.test.ts: answers through the same serve() as the
// ingest worker, with operations that echo, count (state kept in the worker), throw, exit,
// and wait until the test lets them go (a shared flag), to stand for a long job.
import { threadId } from 'node:worker_threads';
import { serve } from '../collector/src/workers/serve.ts';

let count = 0;

serve({
  echo: (v: unknown) => v,
  count: () => ++count,
  thread: () => threadId,
  throw: (message: string) => {
    throw new Error(message);
  },
  exit: (code: number) => process.exit(code),
  /** blocks this thread until the test stores 1 in the shared flag */
  hold: (flag: SharedArrayBuffer) => {
    const a = new Int32Array(flag);
    while (Atomics.load(a, 0) === 0) Atomics.wait(a, 0, 0, 1000);
    return 'released';
  },
});
