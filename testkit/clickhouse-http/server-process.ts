// A ClickHouse HTTP test server in its own process, for tests: start it on a data directory, stop
// it (SIGTERM) or kill it (SIGKILL) to make an outage, start it again on the same port and data.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestUser } from './users.ts';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

// A test server never outlives the process that started it (see also main.ts: it exits when its
// IPC channel to this process closes, for the deaths that run no exit handler).
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface ClickHouseServerOptions {
  dataDir: string;
  users?: TestUser[];
  port?: number;
  /** see HandlerOptions.holdInsertAnswersMs */
  holdInsertAnswersMs?: number;
  /** more server configuration, XML inside <clickhouse> (e.g. remote_servers and macros) */
  config?: string;
}

export interface ClickHouseServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly running: boolean;
  output(): string;
  /** stops as a server shuts down: requests in flight finish */
  stop(): Promise<void>;
  /** kill -9: connections drop mid-request */
  kill(): Promise<void>;
  /** starts again on the same port and data directory, with new users and grants if given */
  start(users?: TestUser[]): Promise<void>;
}

export async function startClickHouseServer(o: ClickHouseServerOptions): Promise<ClickHouseServer> {
  mkdirSync(o.dataDir, { recursive: true });
  let users = o.users;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  let port = o.port ?? 0;

  const launch = async (): Promise<void> => {
    const c = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, CHTEST_OPTIONS: JSON.stringify({ dataDir: o.dataDir, port, users, holdInsertAnswersMs: o.holdInsertAnswersMs, config: o.config }) },
      // The IPC channel closes when this process dies, however it dies: the server then stops too.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = c;
    c.channel?.unref(); // the channel alone must not keep this process running
    live.add(c);
    exited = new Promise<void>((r) =>
      c.once('exit', () => {
        live.delete(c);
        r();
      }),
    );
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ClickHouse test server did not start within 60 s:\n${out}`)), 60_000);
      const check = (): void => {
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out.slice(out.lastIndexOf('ClickHouse test server')));
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      c.stdout!.on('data', check);
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`ClickHouse test server exited with ${code} before listening:\n${out}`));
      });
    });
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };

  await launch();
  const handle: ClickHouseServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir: o.dataDir,
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    output: () => out,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async start(newUsers) {
      if (handle.running) throw new Error('the ClickHouse test server is already running');
      if (newUsers) users = newUsers;
      await launch();
    },
  };
  return handle;
}
