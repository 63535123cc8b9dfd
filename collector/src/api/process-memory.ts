// The collector process's memory as /healthz reports it: the RSS, the main thread's V8 heap and
// what its objects keep outside it, and Linux's split of the RSS into anonymous, file-backed and
// shared pages (one read of /proc/self/status: tens of microseconds, so /healthz stays cheap to poll).
import type { HealthResponse } from '@causeway/schemas';
import { readFileSync } from 'node:fs';

type ProcessMemory = Omit<NonNullable<HealthResponse['memory']>, 'engine'>;

const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

/** RssAnon / RssFile / RssShmem of a /proc/<pid>/status text, in bytes; absent fields are left out. */
export function rssSplit(status: string): { anon?: number; file?: number; shmem?: number } {
  const kb = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const out: { anon?: number; file?: number; shmem?: number } = {};
  const anon = kb('RssAnon');
  const file = kb('RssFile');
  const shmem = kb('RssShmem');
  if (anon !== undefined) out.anon = anon;
  if (file !== undefined) out.file = file;
  if (shmem !== undefined) out.shmem = shmem;
  return out;
}

function readStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return ''; // not Linux
  }
}

export function processMemory(): ProcessMemory {
  const u = process.memoryUsage();
  const split = rssSplit(readStatus());
  return {
    rssMb: mb(u.rss),
    heapUsedMb: mb(u.heapUsed),
    heapTotalMb: mb(u.heapTotal),
    externalMb: mb(u.external),
    arrayBuffersMb: mb(u.arrayBuffers),
    ...(split.anon !== undefined ? { rssAnonMb: mb(split.anon) } : {}),
    ...(split.file !== undefined ? { rssFileMb: mb(split.file) } : {}),
    ...(split.shmem !== undefined ? { rssShmemMb: mb(split.shmem) } : {}),
  };
}
