// The worker side of pool.ts: one handler per operation. Jobs are handled one at a time, in the
// order they were sent (a handler's promise settles before the next job starts), so per-key
// state in the worker sees its jobs as the main thread sent them.
import { parentPort } from 'node:worker_threads';

export interface Request {
  /** 0: no answer wanted */
  id: number;
  op: string;
  body: unknown;
}

/** id LOADED: the worker's module has loaded and serves (sent once, unasked). */
export const LOADED = -1;

export type Reply = { id: number; ok: true; body: unknown } | { id: number; ok: false; error: string };

export type Handlers = Record<string, (body: never) => unknown>;

export function serve(handlers: Handlers): void {
  const port = parentPort;
  if (!port) throw new Error('serve() runs inside a worker thread');
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: Request) => {
    queue = queue.then(async () => {
      let reply: Reply;
      try {
        const h = handlers[m.op];
        if (!h) throw new Error(`no handler for "${m.op}"`);
        reply = { id: m.id, ok: true, body: await h(m.body as never) };
      } catch (e) {
        reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (m.id !== 0) port.postMessage(reply);
    });
  });
  port.postMessage({ id: LOADED, ok: true, body: null } satisfies Reply);
}
