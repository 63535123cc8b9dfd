import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_HEAP_MB, WorkerGone, WorkerPool } from './pool.ts';

const MODULE = new URL('../../../testkit/pool-test-worker.ts', import.meta.url).href;
const pools: WorkerPool[] = [];
const logged: string[] = [];

function pool(size: number): WorkerPool {
  const p = new WorkerPool({ size, module: MODULE, log: (m) => logged.push(m) });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('worker pool', () => {
  it('runs a job in a worker thread and answers with its result', async () => {
    const p = pool(1);
    expect(await p.run('t', 'echo', { spans: [{ name: 'x' }] })).toEqual({ spans: [{ name: 'x' }] });
  });

  it('a job that throws fails alone: the worker keeps its state and goes on', async () => {
    const p = pool(1);
    expect(await p.run('t', 'count', null)).toBe(1);
    await expect(p.run('t', 'throw', 'bad batch')).rejects.toThrow('bad batch');
    expect(await p.run('t', 'count', null)).toBe(2);
    expect(p.stats().restarts).toBe(0);
  });

  it("reports each worker's heap as of its last answer and the time it was busy (the process's own memory figures cannot see a worker's heap)", async () => {
    const p = pool(1);
    await p.run('t', 'echo', 1);
    const before = p.stats().workers[0]!;
    await p.run('t', 'keep', 40);
    await p.run('t', 'spin', 300);
    const after = p.stats().workers[0]!;
    expect(after.heapUsedMb - before.heapUsedMb).toBeGreaterThan(30);
    expect(after.activeSeconds - before.activeSeconds).toBeGreaterThanOrEqual(0.29);
  });

  it("reports what each worker's heap holds from the system (at least what it uses) and the Buffers its objects keep outside it", async () => {
    const p = pool(1);
    await p.run('t', 'keep', 40);
    const before = p.stats().workers[0]!;
    expect(before.heapTotalMb).toBeGreaterThanOrEqual(before.heapUsedMb);
    await p.run('t', 'keepBuffer', 32);
    const after = p.stats().workers[0]!;
    expect(after.externalMb - before.externalMb).toBeGreaterThan(31);
    expect(after.heapUsedMb - before.heapUsedMb).toBeLessThan(8);
  });

  it("limits each worker's heap below 2 GiB by default (V8 then grows a heap to at most 2 x what is live, not 4 x), and to the limit given when there is one", async () => {
    const MiB = 2 ** 20;
    const byDefault = await pool(1).run<number>('t', 'heapLimit', null);
    expect(byDefault).toBeLessThan(2048 * MiB);
    expect(byDefault).toBeGreaterThanOrEqual(WORKER_HEAP_MB * MiB);
    const given = new WorkerPool({ size: 1, module: MODULE, log: () => {}, maxOldGenerationSizeMb: 3000 });
    pools.push(given);
    expect(await given.run<number>('t', 'heapLimit', null)).toBeGreaterThanOrEqual(3000 * MiB);
  });

  it('a worker that dies fails the jobs it held with WorkerGone, is started again, and the next job succeeds', async () => {
    const p = pool(1);
    const before = p.run('t', 'count', null);
    const dying = p.run('t', 'exit', 3);
    const queued = p.run('t', 'count', null); // sent before the worker died, never answered
    expect(await before).toBe(1);
    await expect(dying).rejects.toBeInstanceOf(WorkerGone);
    await expect(queued).rejects.toBeInstanceOf(WorkerGone);
    // The new worker starts empty: its state is its own.
    expect(await p.run('t', 'count', null)).toBe(1);
    expect(p.stats()).toEqual({ size: 1, inFlight: 0, restarts: 1, workers: [expect.objectContaining({ heapUsedMb: expect.any(Number) })] });
    expect(logged.some((m) => m.includes('exit code 3') && m.includes('starting it again'))).toBe(true);
  });

  it('every job of one shard key goes to the same worker, and keys spread over the pool', async () => {
    const p = pool(2);
    const threads = new Map<string, Set<number>>();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 16; k++) {
        const key = `tenant-${k}`;
        const t = await p.run<number>(key, 'thread', null);
        threads.set(key, (threads.get(key) ?? new Set()).add(t));
      }
    }
    for (const s of threads.values()) expect(s.size).toBe(1);
    expect(new Set([...threads.values()].map((s) => [...s][0])).size).toBe(2);
  });

  it('runLeastBusy sends a job past a busy worker to an idle one, and to the key\'s own worker when none is busier; tellAll reaches every worker', async () => {
    const p = pool(2);
    const home = await p.run<number>('t', 'thread', null);
    expect(await p.runLeastBusy<number>('t', 'thread', null)).toBe(home);
    const flag = new SharedArrayBuffer(4);
    const held = p.run('t', 'hold', flag);
    const other = await p.runLeastBusy<number>('t', 'thread', null);
    expect(other).not.toBe(home);
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    expect(await held).toBe('released');
    // each worker counts its own jobs: one told to all, then one asked of each
    let key = 'u';
    for (let k = 0; (await p.run<number>(key, 'thread', null)) === home; k++) key = `u${k}`;
    p.tellAll('count', null);
    expect([await p.run('t', 'count', null), await p.run(key, 'count', null)]).toEqual([2, 2]);
  });

  it('the main thread runs on while a worker is busy: timers fire and other jobs wait their turn', async () => {
    const p = pool(1);
    const flag = new SharedArrayBuffer(4);
    const held = p.run('t', 'hold', flag);
    const after = p.run('t', 'count', null);
    let settled = 0;
    void held.then(() => settled++);
    void after.then(() => settled++);
    // Ten timer turns on this thread while the worker is blocked: nothing has been answered.
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(0);
    expect(p.stats().inFlight).toBe(2);
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    expect(await held).toBe('released');
    expect(await after).toBe(1);
  });

  it('ready() resolves once every worker answers, and rejects with the load error of a worker that cannot start', async () => {
    await pool(2).ready('echo', 1);
    const broken = new WorkerPool({ size: 1, module: new URL('./no-such-worker.ts', import.meta.url).href, log: (m) => logged.push(m) });
    pools.push(broken);
    await expect(broken.ready('echo', 1)).rejects.toThrow(/no-such-worker/);
    // A module that cannot load is not restarted for ever: after a few attempts its jobs fail at once.
    const gone = async (): Promise<boolean> => (await broken.run('t', 'echo', 1).catch((e: Error) => e.message)) !== 1 && logged.some((m) => m.includes('not started again'));
    for (let i = 0; i < 100 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));
    await expect(broken.run('t', 'echo', 1)).rejects.toThrow(/failed to load 3 times in a row/);
    expect(broken.stats().restarts).toBe(2);
  });

  it('close stops the workers: a job still held fails with WorkerGone, later jobs are refused', async () => {
    const p = pool(1);
    const held = p.run('t', 'hold', new SharedArrayBuffer(4));
    await p.close();
    await expect(held).rejects.toBeInstanceOf(WorkerGone);
    await expect(p.run('t', 'echo', 1)).rejects.toBeInstanceOf(WorkerGone);
  });
});
