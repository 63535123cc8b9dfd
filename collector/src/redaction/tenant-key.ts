// The tenant key: keys placeholder fingerprints (and, later, content ids). Generated at first
// start and kept outside ClickHouse, in a file only the collector's user may read.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function tenantKeyPath(dataDir: string, tenant: string): string {
  return join(dataDir, 'keys', `${tenant}.key`);
}

export function loadOrCreateTenantKey(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`tenant key ${path} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`);
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`tenant key ${path} must hold 64 hex characters (32 bytes)`);
  return Buffer.from(hex, 'hex');
}
