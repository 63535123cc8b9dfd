import { describe, expect, it } from 'vitest';
import { processMemory, rssSplit } from './process-memory.ts';

const STATUS = `Name:\tnode
VmRSS:\t  1048576 kB
RssAnon:\t   786432 kB
RssFile:\t   260096 kB
RssShmem:\t     2048 kB
Threads:\t27
`;

describe('process memory on /healthz', () => {
  it("splits the RSS into anonymous, file-backed and shared pages as /proc/<pid>/status counts them", () => {
    expect(rssSplit(STATUS)).toEqual({ anon: 768 * 2 ** 20, file: 254 * 2 ** 20, shmem: 2 * 2 ** 20 });
  });

  it('leaves out what the status text does not have (not Linux, or an old kernel)', () => {
    expect(rssSplit('Name:\tnode\nVmRSS:\t 1024 kB\n')).toEqual({});
  });

  it("reports the main thread's heap held at least as large as the heap it uses, and its Buffers outside it", () => {
    const kept = Buffer.alloc(24 * 2 ** 20, 1);
    const m = processMemory();
    expect(m.heapTotalMb).toBeGreaterThanOrEqual(m.heapUsedMb);
    expect(m.externalMb).toBeGreaterThanOrEqual(m.arrayBuffersMb!);
    expect(m.arrayBuffersMb).toBeGreaterThanOrEqual(24);
    if (process.platform === 'linux') expect(m.rssAnonMb! + m.rssFileMb! + m.rssShmemMb!).toBeCloseTo(m.rssMb, -1);
    expect(kept.length).toBe(24 * 2 ** 20);
  });
});
