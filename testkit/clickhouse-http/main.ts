// The test server's process: chDB binds one data directory per process, so each server is its own
// child process (see server-process.ts). Options arrive as JSON in CHTEST_OPTIONS.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { Engine } from './engine.ts';
import { queryHandler } from './http.ts';
import { DEFAULT_USERS, type TestUser, usersXml } from './users.ts';

interface Options {
  dataDir: string;
  host?: string;
  port?: number;
  users?: TestUser[];
  holdInsertAnswersMs?: number;
  /** more server configuration, XML inside <clickhouse> (e.g. remote_servers and macros) */
  config?: string;
}

const opts = JSON.parse(process.env.CHTEST_OPTIONS ?? '{}') as Options;
if (!opts.dataDir) throw new Error('CHTEST_OPTIONS.dataDir is required');
const users = opts.users ?? DEFAULT_USERS;
// users.xml is written at every start: a grant changed between starts takes effect, as an edited
// users.xml does on a server.
writeFileSync(join(opts.dataDir, 'users.xml'), usersXml(users), { mode: 0o600 });
const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
writeFileSync(join(opts.dataDir, 'config.xml'), `<clickhouse><users_config>${xmlText(resolve(opts.dataDir, 'users.xml'))}</users_config>${opts.config ?? ''}</clickhouse>\n`);
const engine = await Engine.open(join(opts.dataDir, 'chdb'), join(opts.dataDir, 'config.xml'));

// ClickHouse accepts URIs up to 1 MiB (http_max_uri_size): long parameter lists travel in the URL.
const server = createServer({ maxHeaderSize: (1 << 20) + (64 << 10) }, queryHandler(engine, users, { holdInsertAnswersMs: opts.holdInsertAnswersMs }));
server.keepAliveTimeout = 10_000;
const host = opts.host ?? '127.0.0.1';
server.listen(opts.port ?? 0, host, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`ClickHouse test server (chDB ${engine.version}) listening on http://${host}:${port}, data in ${opts.dataDir}\n`);
});

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  // As a server shuts down: no new connections, requests in flight finish, then the engine closes.
  server.close(() => {
    engine.close().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on('SIGTERM', stop);
// Started by server-process.ts with an IPC channel: when the test process dies, however it dies,
// the channel closes and the server stops instead of living on.
if (process.send) process.on('disconnect', stop);
