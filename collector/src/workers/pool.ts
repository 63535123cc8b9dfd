// A fixed set of worker threads, each job sent to the worker its shard key names (so state kept
// in a worker, e.g. one tenant's memos, sees every job of that key, in order). A worker that
// throws out of a job's handler fails that job alone (an Error with the thrown one's message and name); a worker that dies (uncaught error, exit,
// out of memory) fails the jobs it held with a WorkerGone error and is started again, empty.
// Workers run the module at `module` through entry.mjs (TypeScript via tsx) and answer with
// serve() from ./serve.ts.
import { Worker } from 'node:worker_threads';
import { HEAP, LOADED, type Reply, type Request } from './serve.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);

/** The worker holding a job stopped before answering it: the job may be sent again. */
export class WorkerGone extends Error {}

export interface PoolOptions {
  /** worker threads (at least 1) */
  size: number;
  /** the module each worker runs (a file: URL string) */
  module: string;
  /** given to every worker as `workerData.data` */
  data?: unknown;
  log: (msg: string) => void;
  /** in log lines: `<name> <index> stopped …` (default "worker") */
  name?: string;
  /** a worker's V8 heap limit, MiB (a worker over it dies and is restarted; the process lives on); default WORKER_HEAP_MB */
  maxOldGenerationSizeMb?: number;
}

/**
 * A worker's default V8 heap limit, MiB. Under 2 GiB V8 lets a heap grow to 1.3–2 × what was live
 * after its last full collection before collecting again (here 1.6 ×); at Node's default limit on
 * a machine with much memory (~4 GiB) it lets it grow to 4 ×, and a worker living on ~70–110 MB
 * held 250–420 MB from the system in a soak (V8's heap-controller MaxGrowingFactor).
 */
export const WORKER_HEAP_MB = 1024;

export interface PoolStats {
  size: number;
  /** jobs sent and not yet answered */
  inFlight: number;
  /** workers started again after dying */
  restarts: number;
  /** per worker, in pool order */
  workers: WorkerStats[];
}

export interface WorkerStats {
  /** jobs it holds now */
  inFlight: number;
  /** its used V8 heap, MiB, as of its last answer (or its last report, at most 5 s old, when it changed while idle) */
  heapUsedMb: number;
  /** what its V8 heap holds from the system (used, dead and free pages), MiB, as of the same report */
  heapTotalMb: number;
  /** memory outside its heap its objects keep (Buffers, ArrayBuffers), MiB, as of the same report */
  externalMb: number;
  /** seconds its event loop was busy since it started (a counter: its rate is how busy it is) */
  activeSeconds: number;
}

/** Workers that die before loading this many times in a row are not started again (a broken module, not a bad batch). */
const LOAD_ATTEMPTS = 3;

interface Slot {
  worker: Worker;
  loaded: boolean;
  /** consecutive deaths before loading */
  loadFailures: number;
  /** set when the worker is not started again: every job fails with it */
  broken?: string;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
  /** used heap, heap held and external memory (bytes) the worker reported with its last answer */
  heap: number;
  heapTotal: number;
  external: number;
}

const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private restarts = 0;
  private closed = false;

  constructor(private readonly o: PoolOptions) {
    if (!Number.isInteger(o.size) || o.size < 1) throw new Error(`a worker pool needs at least one worker, got ${o.size}`);
    for (let i = 0; i < o.size; i++) this.slots.push(this.start(i));
  }

  /** Runs `body` in the worker of `shard`; resolves with its answer. */
  run<T>(shard: string, op: string, body: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new WorkerGone('worker pool is closed'));
    return this.send<T>(this.slots[this.indexOf(shard)]!, op, body);
  }

  /**
   * Runs `body` in the worker holding the fewest jobs (the one of `shard` when it is among them):
   * for jobs that need no state of their own kept in one worker, only its caches.
   */
  runLeastBusy<T>(shard: string, op: string, body: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new WorkerGone('worker pool is closed'));
    const home = this.indexOf(shard);
    let best = this.slots[home]!;
    for (const slot of this.slots) if (!slot.broken && (best.broken || slot.pending.size < best.pending.size)) best = slot;
    return this.send<T>(best, op, body);
  }

  private send<T>(slot: Slot, op: string, body: unknown): Promise<T> {
    if (slot.broken) return Promise.reject(new WorkerGone(slot.broken));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, op, body } satisfies Request);
    });
  }

  /**
   * Runs `op` once in every worker: resolves when all have answered. At start-up, so a worker
   * that cannot load stops the start with its error instead of dying and restarting for ever.
   */
  async ready(op: string, body: unknown): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.send(slot, op, body)));
  }

  /** Sends `body` to every worker without waiting for answers. */
  tellAll(op: string, body: unknown): void {
    if (this.closed) return;
    for (const slot of this.slots) if (!slot.broken) slot.worker.postMessage({ id: 0, op, body } satisfies Request);
  }

  stats(): PoolStats {
    let inFlight = 0;
    for (const s of this.slots) inFlight += s.pending.size;
    const workers = this.slots.map((s) => ({
      inFlight: s.pending.size,
      heapUsedMb: mb(s.heap),
      heapTotalMb: mb(s.heapTotal),
      externalMb: mb(s.external),
      activeSeconds: Math.round(s.worker.performance.eventLoopUtilization().active) / 1000,
    }));
    return { size: this.slots.length, inFlight, restarts: this.restarts, workers };
  }

  /** Stops every worker; jobs still held fail with WorkerGone. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** A stable shard: FNV-1a of the key, modulo the pool size. */
  private indexOf(shard: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < shard.length; i++) h = Math.imul(h ^ shard.charCodeAt(i), 0x01000193);
    return (h >>> 0) % this.slots.length;
  }

  private start(index: number, loadFailures = 0): Slot {
    const worker = new Worker(ENTRY, {
      workerData: { module: this.o.module, data: this.o.data },
      resourceLimits: { maxOldGenerationSizeMb: this.o.maxOldGenerationSizeMb ?? WORKER_HEAP_MB },
    });
    // An idle pool does not keep the process alive; a worker holding jobs does.
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), loaded: false, loadFailures, heap: 0, heapTotal: 0, external: 0 };
    let failure = '';
    worker.on('message', (m: Reply) => {
      if (m.heap !== undefined) slot.heap = m.heap;
      if (m.heapTotal !== undefined) slot.heapTotal = m.heapTotal;
      if (m.external !== undefined) slot.external = m.external;
      if (m.id === HEAP) return;
      if (m.id === LOADED) {
        slot.loaded = true;
        slot.loadFailures = 0;
        return;
      }
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.body);
      else p.reject(Object.assign(new Error(m.error), { name: m.kind }));
    });
    worker.on('error', (e) => {
      failure = e.message;
    });
    worker.on('exit', (code) => {
      const why = this.closed ? 'worker pool closed' : `${this.o.name ?? 'worker'} ${index} stopped (exit code ${code}${failure ? `: ${failure}` : ''})`;
      for (const p of slot.pending.values()) p.reject(new WorkerGone(why));
      slot.pending.clear();
      if (this.closed) return;
      const failures = slot.loaded ? 0 : slot.loadFailures + 1;
      if (failures >= LOAD_ATTEMPTS) {
        slot.broken = `${why}; it failed to load ${failures} times in a row and is not started again`;
        this.o.log(slot.broken);
        return;
      }
      this.o.log(`${why}; starting it again`);
      this.restarts++;
      this.slots[index] = this.start(index, failures);
    });
    return slot;
  }
}
