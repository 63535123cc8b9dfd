// Test harness: a real Causeway in its own child process (chDB binds one data directory per
// process), on ephemeral ports, with its own temp data directory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
  /** the ingest token printed at start (OTEL_EXPORTER_OTLP_HEADERS line); '' with CAUSEWAY_AUTH=off */
  ingestToken: string;
  /** the local admin's API key (<data dir>/auth/admin.token) */
  adminToken: string;
  /** `{authorization: 'Bearer <ingest token>'}`: for OTLP exporters' `headers` and raw POSTs */
  ingestHeaders: Record<string, string>;
  /** `{authorization: 'Bearer <admin token>'}` */
  adminHeaders: Record<string, string>;
  /** the one-time explorer sign-in link printed at start */
  signInLink: string;
  /** fetch on the API port as the local admin (`path` starts with /, or is a full URL) */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** GET JSON on the API port as the local admin */
  getJson<T>(path: string): Promise<{ status: number; body: T }>;
  /** the newest signed checkpoint once it covers at least `minSize` leaves (checkpoints are signed by a timer) */
  checkpoint<T = { treeSize: string; publicKey: string; note: string; origin: string; rootHash: string }>(minSize?: number, timeoutMs?: number): Promise<T>;
  /** a new credential through `causeway token create` (the CLI, as operators use it); returns the token */
  createToken(o: { tenant: string; role: string; name?: string; services?: string[]; agents?: string[] }): string;
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

export async function startCollector(
  opts: { dataDir?: string; env?: Record<string, string>; /** e.g. --cpu-prof */ nodeArgs?: string[]; /** until the banner is printed (default 60 s; a large store's start may need more) */ startTimeoutMs?: number } = {},
): Promise<CollectorProcess> {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
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
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start within ${startTimeoutMs / 1000} s:\n${out}`));
    }, startTimeoutMs);
    const check = (): void => {
      const otlp = /OTLP\/HTTP traces:\s+(\S+)\/v1\/traces/.exec(out)?.[1];
      const grpc = /OTLP\/gRPC:\s+(\S+)/.exec(out)?.[1];
      const api = /Query API:\s+(\S+)\/api\/traces/.exec(out)?.[1];
      // the banner's last line: the credentials lines above it have arrived too
      if (otlp && grpc && api && /^\s+(API and CLI|Authentication):/m.test(out)) {
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
    ...authOf(out, dataDir, urls.api, opts.env ?? {}),
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

type CollectorAuth = Pick<CollectorProcess, 'ingestToken' | 'adminToken' | 'ingestHeaders' | 'adminHeaders' | 'signInLink' | 'fetch' | 'getJson' | 'createToken' | 'checkpoint'>;

/** The credentials a collector printed and wrote at start, and clients that use them. */
export function authOf(out: string, dataDir: string, apiUrl: string, env: Record<string, string>): CollectorAuth {
  // the banner names the token's file (never the token): read it there, as an operator would
  const ingestFile = /OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer \$\(cat (.+)\)"/.exec(out)?.[1];
  let ingestToken = '';
  try {
    if (ingestFile) ingestToken = readFileSync(ingestFile, 'utf8').trim();
  } catch {
    // the file was removed after the first start
  }
  const signInLink = /Sign in:\s+(\S+)/.exec(out)?.[1] ?? '';
  let adminToken = '';
  try {
    adminToken = readFileSync(join(dataDir, 'auth', 'admin.token'), 'utf8').trim();
  } catch {
    // authentication off, or the bootstrap admin file was removed
  }
  const adminHeaders: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  const apiFetch = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(path.startsWith('http') ? path : `${apiUrl}${path}`, { ...init, headers: { ...adminHeaders, ...(init.headers as Record<string, string> | undefined) } });
  return {
    ingestToken,
    adminToken,
    ingestHeaders: ingestToken ? { authorization: `Bearer ${ingestToken}` } : {},
    adminHeaders,
    signInLink,
    fetch: apiFetch,
    async getJson<T>(path: string) {
      const res = await apiFetch(path);
      return { status: res.status, body: (await res.json()) as T };
    },
    async checkpoint<T>(minSize = 1, timeoutMs = 60_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await apiFetch('/api/ledger/checkpoint');
        if (res.status === 200) {
          const body = (await res.json()) as T & { treeSize: string };
          if (Number(body.treeSize) >= minSize) return body;
        } else await res.body?.cancel();
        if (Date.now() > deadline) throw new Error(`no signed checkpoint of ${minSize}+ leaves within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    createToken: (o) =>
      tokenCli(dataDir, env, ['create', '--tenant', o.tenant, '--role', o.role, ...(o.name ? ['--name', o.name] : []), ...(o.services ?? []).flatMap((x) => ['--service', x]), ...(o.agents ?? []).flatMap((x) => ['--agent', x])])
        .trim()
        .split('\n')
        .at(-1)!,
  };
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

/** `causeway token …` with a collector's configuration; returns stdout (throws on a non-zero exit). */
export function tokenCli(dataDir: string, env: Record<string, string>, args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'token', ...args], { cwd: ROOT, env: { ...process.env, CAUSEWAY_DATA_DIR: dataDir, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`causeway token ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
