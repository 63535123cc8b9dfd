// Preloaded into a bench collector (node --require): appends the main thread's
// process.memoryUsage() as one JSON line a second to $CAUSEWAY_BENCH_MEMLOG, so RSS can be split
// into JS heap, Buffers and the rest (chDB's native memory, allocator retention). When the file
// `<memlog>.gc` appears (node run with --expose-gc), one more line follows a full GC.
const { appendFileSync, existsSync, rmSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');
const file = process.env.CAUSEWAY_BENCH_MEMLOG;
if (file && isMainThread) {
  const line = (tag) => appendFileSync(file, `${JSON.stringify({ t: Date.now(), tag, ...process.memoryUsage() })}\n`);
  setInterval(() => {
    line('tick');
    if (existsSync(`${file}.gc`)) {
      rmSync(`${file}.gc`);
      if (global.gc) global.gc();
      line('gc');
    }
  }, 1000).unref();
}
