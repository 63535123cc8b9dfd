// Where a process's resident memory lives, from /proc/<pid>/smaps (read from outside: too slow
// for /healthz, fine once per soak step). glibc's per-thread malloc arenas are recognisable: each
// is a 64 MiB-aligned reservation (read-write part + PROT_NONE rest = 64 MiB); the main arena is
// [heap]. Other anonymous memory (V8's heaps, the engine's jemalloc, stacks) is one bucket here:
// /healthz's own figures split it.
import type { HealthResponse } from '@causeway/schemas';
import { readFileSync } from 'node:fs';

export interface Smaps {
  /** anonymous resident, all of it */
  anonMb: number;
  /** glibc malloc: the main arena ([heap]) and the per-thread arenas (count, resident) */
  brkHeapMb: number;
  arenas: number;
  arenasMb: number;
  /** file-backed resident: libchdb, the rest */
  libchdbMb: number;
  otherFileMb: number;
}

const ARENA = 64 * 2 ** 20;

export function smapsOf(pid: number): Smaps | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined;
  }
  interface M { start: number; end: number; perms: string; path: string; rss: number; anon: number }
  const maps: M[] = [];
  let cur: M | undefined;
  for (const line of text.split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h) {
      cur = { start: parseInt(h[1]!, 16), end: parseInt(h[2]!, 16), perms: h[3]!, path: h[4]!, rss: 0, anon: 0 };
      maps.push(cur);
      continue;
    }
    const f = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (f && cur) {
      if (f[1] === 'Rss') cur.rss = Number(f[2]) * 1024;
      else cur.anon = Number(f[2]) * 1024;
    }
  }
  const s = { anon: 0, brk: 0, arenas: 0, arenasBytes: 0, libchdb: 0, otherFile: 0 };
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]!;
    s.anon += m.anon;
    if (m.path === '[heap]') s.brk += m.rss;
    else if (m.path.startsWith('/')) {
      if (m.path.includes('libchdb')) s.libchdb += m.rss;
      else s.otherFile += m.rss;
    } else if (m.path === '' && m.start % ARENA === 0 && m.perms.startsWith('rw')) {
      const next = maps[i + 1];
      const size = m.end - m.start;
      const whole = size === ARENA || (next && next.start === m.end && next.perms.startsWith('---') && next.path === '' && next.end - m.start === ARENA);
      if (whole) {
        s.arenas++;
        s.arenasBytes += m.rss;
      }
    }
  }
  const mb = (b: number): number => b / 2 ** 20;
  return { anonMb: mb(s.anon), brkHeapMb: mb(s.brk), arenas: s.arenas, arenasMb: mb(s.arenasBytes), libchdbMb: mb(s.libchdb), otherFileMb: mb(s.otherFile) };
}

export interface RssSplit {
  /** V8 heaps held from the system (used + dead + free pages): main thread, ingest workers */
  mainHeapTotalMb: number;
  workersHeapTotalMb: number;
  /** memory outside the V8 heaps their objects keep (Buffers, ArrayBuffers: in malloc) */
  externalMb: number;
  smaps?: Smaps;
}

export function rssSplitOf(h: HealthResponse, pid: number): RssSplit {
  const ws = h.ingestWorkers?.workers ?? [];
  const smaps = smapsOf(pid);
  return {
    mainHeapTotalMb: h.memory?.heapTotalMb ?? NaN,
    workersHeapTotalMb: ws.reduce((a, w) => a + (w.heapTotalMb ?? NaN), 0),
    externalMb: (h.memory?.externalMb ?? NaN) + ws.reduce((a, w) => a + (w.externalMb ?? NaN), 0),
    ...(smaps ? { smaps } : {}),
  };
}

/**
 * The RSS as parts that add up: anonymous = V8 heaps + the engine's allocator resident + glibc
 * malloc ([heap] + per-thread arenas; Buffers live there) + the rest (large malloc blocks mapped
 * alone, stacks, V8's code and other reservations); then file-backed (libchdb's code, the rest).
 */
export function formatSplit(rssMb: number, engineResidentMb: number, s: RssSplit): string {
  const v8 = s.mainHeapTotalMb + s.workersHeapTotalMb;
  const m = s.smaps;
  if (!m) return `V8 heaps ${int(v8)} (main ${int(s.mainHeapTotalMb)}, workers ${int(s.workersHeapTotalMb)}), external ${int(s.externalMb)}`;
  const glibc = m.brkHeapMb + m.arenasMb;
  const rest = m.anonMb - v8 - engineResidentMb - glibc;
  return (
    `RSS ${int(rssMb)} = anonymous ${int(m.anonMb)} [V8 heaps ${int(v8)} (main ${int(s.mainHeapTotalMb)}, workers ${int(s.workersHeapTotalMb)}) + chDB allocator ${int(engineResidentMb)} + ` +
    `glibc malloc ${int(glibc)} ([heap] ${int(m.brkHeapMb)}, ${m.arenas} arenas ${int(m.arenasMb)}; Buffers/external ${int(s.externalMb)} are in it or mapped alone) + rest ${int(rest)}] + ` +
    `files ${int(m.libchdbMb + m.otherFileMb)} (libchdb ${int(m.libchdbMb)})`
  );
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');
