// Data at rest is for the collector's user only: directories 0700, files 0600, whatever the
// umask or a pre-existing directory said. (Key files are checked in secret-file.ts.)
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Creates the directory if needed and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((lstatSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Creates the file if needed (empty) and makes it 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  if ((lstatSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
}

/**
 * Every directory under `root` 0700 and every file 0600 (a data dir made by an older version,
 * or by another user's umask). Iterative: the depth of a directory tree is not ours to trust.
 * Returns how many modes it changed.
 */
export function makeTreePrivate(root: string): number {
  let changed = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    if ((st.mode & 0o777) !== 0o700) {
      chmodSync(dir, 0o700);
      changed++;
    }
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        const m = lstatSync(p).mode & 0o777;
        if (m & 0o077) {
          chmodSync(p, m & 0o700);
          changed++;
        }
      }
    }
  }
  return changed;
}
