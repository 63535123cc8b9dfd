// A collector's store on a ClickHouse server instead of embedded chDB, for the end-to-end tests:
// one test server per collector data directory (in <dataDir>/clickhouse-server), set up as the
// README's "Running against a ClickHouse server" says: `causeway migrate` runs as a migration user,
// the collector runs as a user that may only SELECT and INSERT.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClickHouseServer, startClickHouseServer } from './server-process.ts';
import type { TestUser } from './users.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DATABASE = 'causeway';

/** The users of docker-compose.yml and deploy/clickhouse/initdb.d, with the README's grants. */
export const CAUSEWAY_USERS = {
  admin: { name: 'causeway_admin', password: 'admin-test-pw', grants: ['ALL ON *.*'] },
  migrator: {
    name: 'causeway_migrator',
    password: 'migrator-test-pw',
    grants: [`CREATE DATABASE, CREATE TABLE, CREATE VIEW, ALTER ADD COLUMN, ALTER MODIFY COLUMN, ALTER MODIFY SETTING, DROP VIEW, SELECT, INSERT ON ${DATABASE}.*`],
  },
  collector: { name: 'causeway', password: 'collector-test-pw', grants: [`SELECT, INSERT ON ${DATABASE}.*`] },
} satisfies Record<string, TestUser>;
export type StoreRole = keyof typeof CAUSEWAY_USERS;

const servers = new Map<string, ClickHouseServer>();

/** True when the end-to-end tests run against a ClickHouse server (`CAUSEWAY_TEST_CLICKHOUSE=server`). */
export const serverMode = (): boolean => process.env.CAUSEWAY_TEST_CLICKHOUSE === 'server';

/** The running store server of a data directory, started (and the schema migrated) if needed. */
export async function storeServer(dataDir: string, opts: { holdInsertAnswersMs?: number } = {}): Promise<ClickHouseServer> {
  const running = servers.get(dataDir);
  if (running?.running) return running;
  if (running) {
    await running.start();
    return running;
  }
  const dir = join(dataDir, 'clickhouse-server');
  const fresh = !existsSync(dir);
  const server = await startClickHouseServer({ dataDir: dir, users: Object.values(CAUSEWAY_USERS), ...opts });
  servers.set(dataDir, server);
  if (fresh) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/src/main.ts'), 'migrate'], {
      cwd: ROOT,
      env: { ...process.env, ...envFor(server, 'migrator'), CAUSEWAY_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`causeway migrate failed against the test server:\n${r.stdout}${r.stderr}`);
  }
  return server;
}

/** Environment that points Causeway (the collector or a CLI command) at this store as `role`. */
export function envFor(server: ClickHouseServer, role: StoreRole): Record<string, string> {
  const u = CAUSEWAY_USERS[role];
  return { CLICKHOUSE_URL: server.url, CLICKHOUSE_USER: u.name, CLICKHOUSE_PASSWORD: u.password, CLICKHOUSE_DATABASE: DATABASE };
}
