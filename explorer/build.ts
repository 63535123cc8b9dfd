// Builds the explorer (Vite) into explorer/dist when it is missing or older than its sources.
// Used by `causeway start`, the browser tests and the bench. Several processes may start at
// once (parallel tests): one takes a lock file and builds into a temporary folder that is then
// renamed into place, so a reader never sees half a build; the others wait for it (or not).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXPLORER_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(EXPLORER_DIR, 'dist');
const LOCK = join(EXPLORER_DIR, '.build.lock');
const SOURCES = ['src', 'index.html', 'bench.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/** Why the explorer needs building, or undefined when explorer/dist is up to date. */
export function explorerStale(): string | undefined {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return 'explorer/dist is missing';
  const built = statSync(index).mtimeMs;
  const src = Math.max(...SOURCES.map((s) => newestMtime(join(EXPLORER_DIR, s))));
  return src > built ? 'explorer sources changed since the last build' : undefined;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // created, pid not written yet: its builder is alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type BuildOutcome = 'up-to-date' | 'built' | 'built-elsewhere' | 'unavailable';

/**
 * Builds if stale. `wait`: when another process holds the lock, wait for its build to finish
 * (else return at once and let it finish in its own time).
 */
export async function ensureExplorerBuilt(o: { log?: (m: string) => void; wait?: boolean; force?: boolean } = {}): Promise<BuildOutcome> {
  const log = o.log ?? (() => undefined);
  const why = o.force ? 'forced' : explorerStale();
  if (!why) return 'up-to-date';
  const deadline = Date.now() + 180_000;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(LOCK, 'wx');
    } catch {
      // Held by another build. A lock whose process is gone (killed mid-build), or older than
      // 3 minutes, belongs to a build that died.
      try {
        const holder = Number(readFileSync(LOCK, 'utf8'));
        if (!alive(holder) || Date.now() - statSync(LOCK).mtimeMs > 180_000) unlinkSync(LOCK);
      } catch {
        // gone meanwhile
      }
    }
    if (fd !== undefined) {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      try {
        if (!o.force && !explorerStale()) return 'built-elsewhere';
        return (await build(why, log)) ? 'built' : 'unavailable';
      } finally {
        rmSync(LOCK, { force: true });
      }
    }
    if (!o.wait) return 'built-elsewhere';
    if (Date.now() > deadline) throw new Error('waited 3 minutes for another explorer build');
    await new Promise((r) => setTimeout(r, 200));
    if (!existsSync(LOCK) && !explorerStale()) return 'built-elsewhere';
  }
}

async function build(why: string, log: (m: string) => void): Promise<boolean> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(`${why}, but Vite is not installed (npm ci installs it): the explorer cannot be built`);
    return false;
  }
  const t0 = Date.now();
  const tmp = join(EXPLORER_DIR, `.dist-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    // Always a production build (minified, React's production runtime), as `causeway start`
    // serves: Vite takes the mode from NODE_ENV, which vitest sets to "test", and a build made
    // by a test run (unminified, React's development runtime: 680 KB of script instead of 430)
    // was then up to date for the bench that came after it.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await vite.build({ configFile: join(EXPLORER_DIR, 'vite.config.ts'), root: EXPLORER_DIR, mode: 'production', logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    const old = `${DIST_DIR}.old-${process.pid}`;
    if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
    renameSync(tmp, DIST_DIR);
    rmSync(old, { recursive: true, force: true });
    log(`built the explorer (${why}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await ensureExplorerBuilt({ log: (m) => console.log(m), wait: true, force: process.argv.includes('--force') });
  console.log(`explorer: ${outcome}`);
}
