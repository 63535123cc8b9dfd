// The worker side of pool.ts: one handler per operation. Jobs are handled one at a time, in the
// order they were sent (a handler's promise settles before the next job starts), so per-key
// state in the worker sees its jobs as the main thread sent them.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';

export interface Request {
  /** 0: no answer wanted */
  id: number;
  op: string;
  body: unknown;
}

/** id LOADED: the worker's module has loaded and serves (sent once, unasked). */
export const LOADED = -1;
/** id HEAP: the worker's used or held heap changed while it answered nothing (e.g. after its idle GC; sent unasked). */
export const HEAP = -2;
const HEAP_REPORT_MS = 5_000;

/**
 * `kind`: the error's name (DecodeError, …), so the main thread can answer as it would have.
 * `heap`: the worker's used V8 heap in bytes after the job (the process's memoryUsage() cannot
 * see a worker's heap; reading it costs microseconds); `heapTotal`: what its V8 heap holds from
 * the system (used, dead and free pages: what it adds to the RSS); `external`: memory outside
 * its heap that its objects keep (Buffers, ArrayBuffers: in the process's malloc).
 */
export type Reply = ({ id: number; ok: true; body: unknown } | { id: number; ok: false; error: string; kind: string }) & { heap?: number; heapTotal?: number; external?: number };

/** The worker's V8 heap as a reply carries it. */
function heapNow(): { heap: number; heapTotal: number; external: number } {
  const s = getHeapStatistics();
  return { heap: s.used_heap_size, heapTotal: s.total_heap_size, external: s.external_memory };
}

export type Handlers = Record<string, (body: never) => unknown>;

const TRANSFER = Symbol('transfer');

/** An answer whose buffers move to the main thread instead of being copied (they are unusable here after). */
export function transferring<T>(body: T, buffers: ArrayBuffer[]): T {
  return Object.assign(body as object, { [TRANSFER]: buffers }) as T;
}

/** Serves the pool's jobs; the answer: whether a job is queued or running now. */
export function serve(handlers: Handlers): { busy(): boolean } {
  const port = parentPort;
  if (!port) throw new Error('serve() runs inside a worker thread');
  let queue: Promise<void> = Promise.resolve();
  let jobs = 0;
  port.on('message', (m: Request) => {
    jobs++;
    queue = queue.then(async () => {
      let reply: Reply;
      try {
        const h = handlers[m.op];
        if (!h) throw new Error(`no handler for "${m.op}"`);
        reply = { id: m.id, ok: true, body: await h(m.body as never) };
      } catch (e) {
        reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), kind: e instanceof Error ? e.name : 'Error' };
      }
      jobs--;
      if (m.id === 0) return;
      Object.assign(reply, heapNow());
      reported = reply.heap!;
      reportedTotal = reply.heapTotal!;
      const moved = reply.ok ? ((reply.body as { [TRANSFER]?: ArrayBuffer[] } | null)?.[TRANSFER] ?? []) : [];
      port.postMessage(reply, moved);
    });
  });
  const first = heapNow();
  let reported = first.heap;
  let reportedTotal = first.heapTotal;
  port.postMessage({ id: LOADED, ok: true, body: null, ...first } satisfies Reply);
  setInterval(() => {
    const now = heapNow();
    // held changes too (a collection that frees pages but little in use): both are reported
    if (Math.abs(now.heap - reported) < 2 ** 20 && Math.abs(now.heapTotal - reportedTotal) < 2 ** 20) return;
    reported = now.heap;
    reportedTotal = now.heapTotal;
    port.postMessage({ id: HEAP, ok: true, body: null, ...now } satisfies Reply);
  }, HEAP_REPORT_MS).unref();
  return { busy: () => jobs > 0 };
}
