// Gives memory back once the collector goes quiet. V8 keeps the heap a large request (or a large
// read) grew it to until its next major GC, and an idle process may not run one for a long time:
// one 60 MB attribute left RSS at 640 MiB 20 s after it was stored (350 MiB before) with 185 MiB
// of dead JS heap, and 387 MiB after one full GC (collector/test/large-attribute.test.ts). So when
// nothing has been in flight or waiting to be written for `idleMs`, and the heap has grown by
// `growthBytes` since the last collection this module ran, it runs one full GC — at most once per
// `minIntervalMs`, and never while work is in flight (a full GC pauses the event loop).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapReturnOptions {
  /** how long the collector must have been quiet first */
  idleMs: number;
  /** heap growth (bytes in use, live or dead) since the last collection that is worth one */
  growthBytes: number;
  /** collections at most this often */
  minIntervalMs: number;
  /** true while requests are in flight or rows wait to be written */
  busy: () => boolean;
}

export const HEAP_RETURN_DEFAULTS = { idleMs: 2_000, growthBytes: 64 * 2 ** 20, minIntervalMs: 10_000 };

let fullGc: (() => void) | undefined;
/** V8's full collection, without starting Node with --expose-gc. */
export function fullGarbageCollection(): () => void {
  if (!fullGc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) fullGc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
  }
  return fullGc;
}

const used = (): number => getHeapStatistics().used_heap_size;

export class HeapReturn {
  private readonly timer: NodeJS.Timeout;
  private quietSince = performance.now();
  private last = -Infinity;
  /** the heap in use after the last collection run here (or at start): what was live then */
  private baseline = used();
  /** full collections run so far */
  collections = 0;

  constructor(private readonly o: HeapReturnOptions) {
    // polled: a quarter of the idle time, so a quiet spell is noticed within 1.25 × idleMs
    this.timer = setInterval(() => this.tick(), Math.max(10, o.idleMs / 4));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.now();
    if (this.o.busy()) {
      this.quietSince = now;
      return;
    }
    if (now - this.quietSince < this.o.idleMs || now - this.last < this.o.minIntervalMs) return;
    const size = used();
    // V8's own collections may have shrunk it already
    if (size < this.baseline) this.baseline = size;
    if (size - this.baseline < this.o.growthBytes) return;
    fullGarbageCollection()();
    this.collections++;
    this.last = performance.now();
    this.baseline = used();
  }
}
