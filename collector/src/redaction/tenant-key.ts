// The tenant key: keys placeholder fingerprints (and, later, content ids). Generated at first
// start and kept outside ClickHouse, in a file only the collector's user may read.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreateSecretFile } from '../secret-file.ts';

export function tenantKeyPath(dataDir: string, tenant: string): string {
  return join(dataDir, 'keys', `${tenant}.key`);
}

export function loadOrCreateTenantKey(path: string): Buffer {
  const hex = readOrCreateSecretFile(path, 'tenant key', () => `${randomBytes(32).toString('hex')}\n`).toString('utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`tenant key ${path} must hold 64 hex characters (32 bytes)`);
  return Buffer.from(hex, 'hex');
}
