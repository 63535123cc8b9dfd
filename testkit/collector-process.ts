// Test harness: a real Causeway in its own child process (chDB binds one data directory per
// process), on ephemeral ports, with its own temp data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthResponse } from '@causeway/schemas';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'collector/src/main.ts');

export interface CollectorProcess {
  otlpUrl: string;
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

export async function startCollector(opts: { dataDir?: string; env?: Record<string, string>; /** e.g. --cpu-prof */ nodeArgs?: string[] } = {}): Promise<CollectorProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', MAIN, 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CAUSEWAY_DATA_DIR: dataDir,
      CAUSEWAY_OTLP_PORT: '0',
      CAUSEWAY_PORT: '0',
      CAUSEWAY_FLUSH_INTERVAL_MS: '50',
      CLICKHOUSE_URL: '',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const urls = await new Promise<{ otlp: string; api: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start within 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      const otlp = /OTLP\/HTTP traces:\s+(\S+)\/v1\/traces/.exec(out)?.[1];
      const api = /Query API:\s+(\S+)\/api\/traces/.exec(out)?.[1];
      if (otlp && api) {
        clearTimeout(timer);
        resolve({ otlp, api });
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
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
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
