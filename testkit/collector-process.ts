// Test harness: a real Causeway in its own child process (chDB binds one data directory per
// process), on ephemeral ports, with its own temp data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthResponse } from '@causeway/schemas';
import { type StoreRole, envFor, serverMode, storeServer } from './clickhouse-http/causeway-store.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'collector/src/main.ts');

export interface CollectorProcess {
  otlpUrl: string;
  /** the OTLP/gRPC receiver, e.g. http://127.0.0.1:40123, as gRPC exporters take it */
  otlpGrpcUrl: string;
  apiUrl: string;
  dataDir: string;
  child: ChildProcess;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
  /** waits until every acknowledged span is inserted into ClickHouse */
  settled(timeoutMs?: number): Promise<HealthResponse>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function tempDataDir(prefix = 'causeway-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Environment for a Causeway CLI command (verify, migrate, …) on the store of a collector's data
 * directory: embedded chDB there, or, with CAUSEWAY_TEST_CLICKHOUSE=server, the ClickHouse test
 * server holding that collector's store, as `role`.
 */
export async function storeEnv(dataDir: string, role: StoreRole = 'collector'): Promise<Record<string, string>> {
  return serverMode() ? { CAUSEWAY_DATA_DIR: dataDir, ...envFor(await storeServer(dataDir), role) } : { CAUSEWAY_DATA_DIR: dataDir, CLICKHOUSE_URL: '' };
}

export async function startCollector(opts: { dataDir?: string; env?: Record<string, string>; /** e.g. --cpu-prof */ nodeArgs?: string[] } = {}): Promise<CollectorProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  // CAUSEWAY_TEST_CLICKHOUSE=server: the store is a ClickHouse server (the test server in front of
  // chDB), reached over HTTP as the SELECT+INSERT-only user, the schema applied by `causeway migrate`.
  const store = await storeEnv(dataDir);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', MAIN, 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CAUSEWAY_DATA_DIR: dataDir,
      CAUSEWAY_OTLP_PORT: '0',
      CAUSEWAY_OTLP_GRPC_PORT: '0',
      CAUSEWAY_PORT: '0',
      CAUSEWAY_FLUSH_INTERVAL_MS: '50',
      ...store,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const urls = await new Promise<{ otlp: string; grpc: string; api: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start within 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      const otlp = /OTLP\/HTTP traces:\s+(\S+)\/v1\/traces/.exec(out)?.[1];
      const grpc = /OTLP\/gRPC:\s+(\S+)/.exec(out)?.[1];
      const api = /Query API:\s+(\S+)\/api\/traces/.exec(out)?.[1];
      if (otlp && grpc && api) {
        clearTimeout(timer);
        resolve({ otlp, grpc, api });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code} before starting:\n${out}`));
    });
  });

  return {
    otlpUrl: urls.otlp,
    otlpGrpcUrl: urls.grpc,
    apiUrl: urls.api,
    dataDir,
    child,
    output: () => out,
    async settled(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const h = (await (await fetch(`${urls.api}/healthz`)).json()) as HealthResponse;
        if (h.store.pendingRows === 0) return h;
        if (Date.now() > deadline) throw new Error(`collector still has ${h.store.pendingRows} rows pending: ${JSON.stringify(h)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      // A store server outlives its collectors, as a real one would (restarts and CLI runs on the
      // same data directory find it), and ends with the test file's process.
    },
    async kill9() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}
