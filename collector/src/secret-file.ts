// Key files (tenant key, log key): created at first start, readable by the collector's user only,
// kept outside ClickHouse. A key file others can read stops start-up.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function readOrCreateSecretFile(path: string, what: string, create: () => string | Buffer): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, create(), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`${what} ${path} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`);
  return readFileSync(path);
}
