// A real Causeway inside the test's own process: embedded chDB on a temp data directory, the
// real pipeline, real HTTP ports. Route tests call its API app directly (`cw.api.request(…)`),
// so a failing assertion shows the route's own stack. chDB binds one data directory per
// process, and vitest runs each test file in its own forked worker: one per test file.
import { loadConfig } from '../collector/src/config.ts';
import { type Causeway, startCauseway } from '../collector/src/server.ts';
import { loadCaptured } from '../fixtures/agents/captured.ts';
import type { ScenarioName } from '../fixtures/agents/scenarios.ts';
import type { Library } from '../fixtures/agents/telemetry.ts';
import { tempDataDir } from './collector-process.ts';

export interface InProcessCauseway extends Causeway {
  /** everything logged so far */
  logged: string[];
  /** waits until every acknowledged row is inserted into ClickHouse */
  settled(timeoutMs?: number): Promise<void>;
  /** posts a real library's captured OTLP requests (traces, then logs if captured); the trace id */
  postCaptured(library: Library, scenario: ScenarioName): Promise<string>;
  /** GET on the API app; the status and the JSON body */
  get<T>(path: string): Promise<{ status: number; body: T }>;
}

export async function startInProcess(env: Record<string, string> = {}): Promise<InProcessCauseway> {
  const logged: string[] = [];
  const config = loadConfig({ CAUSEWAY_DATA_DIR: tempDataDir('causeway-inproc-'), CAUSEWAY_OTLP_PORT: '0', CAUSEWAY_OTLP_GRPC_PORT: '0', CAUSEWAY_PORT: '0', CAUSEWAY_FLUSH_INTERVAL_MS: '20', ...env });
  const cw = await startCauseway(config, (m) => logged.push(m));
  return {
    ...cw,
    close: () => cw.close(),
    logged,
    async settled(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (cw.store.health().pendingRows > 0) {
        if (Date.now() > deadline) throw new Error(`still ${cw.store.health().pendingRows} rows pending`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async postCaptured(library, scenario) {
      const traces = loadCaptured(library, scenario, 'traces');
      if (!traces) throw new Error(`no captured ${library}/${scenario} traces`);
      const logs = loadCaptured(library, scenario, 'logs');
      for (const r of [...traces.requests, ...(logs?.requests ?? [])]) {
        const res = await fetch(`${cw.otlpUrl}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
        if (res.status !== 200) throw new Error(`POST ${r.path} answered ${res.status}: ${await res.text()}`);
      }
      return traces.traceId;
    },
    async get<T>(path: string) {
      const res = await cw.api.request(path);
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}
