// The two HTTP faces of Causeway: the OTLP receiver port and the query API (+ explorer) port.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { HealthResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import { createHash, createHmac } from 'node:crypto';
import { bundlesApi } from './api/bundles.ts';
import { ledgerApi } from './api/ledger.ts';
import { provenanceApi } from './api/provenance.ts';
import { loadTrustRules } from './provenance/trust.ts';
import { tracesApi } from './api/traces.ts';
import { explorerSearchApi } from './api/explorer-search.ts';
import { incidentsApi } from './api/incidents.ts';
import { EXPLORER_DIST, explorerApp } from './api/explorer-app.ts';
import { logKeyFor } from './ledger/log-key.ts';
import type { Config } from './config.ts';
import { Pipeline } from './pipeline.ts';
import { ProvenanceExtractor, provenanceProcessor } from './processors/provenance.ts';
import { type RedactionStats, redactProcessor, redactString } from './processors/redact.ts';
import { loadPolicy } from './redaction/policy.ts';
import { createRedactor } from './redaction/redactor.ts';
import { loadOrCreateTenantKey, tenantKeyPath } from './redaction/tenant-key.ts';
import { otlpHttpReceiver } from './receivers/otlp-http.ts';
import { SpanStore } from './store/span-store.ts';

export interface Causeway {
  config: Config;
  store: SpanStore;
  otlpUrl: string;
  apiUrl: string;
  close(): Promise<void>;
}

export async function startCauseway(config: Config, log: (msg: string) => void): Promise<Causeway> {
  // Redaction is set up before anything can be received: a bad policy or key stops start-up.
  const policy = loadPolicy(config.redactionPolicy);
  const trustRules = loadTrustRules(config.trustRules);
  const tenantKey = loadOrCreateTenantKey(config.tenantKeyFile ?? tenantKeyPath(config.dataDir, config.tenant));
  const redactor = createRedactor({ key: tenantKey, policy });
  const redaction: RedactionStats = { spansRedacted: 0, byRule: {} };
  const store = await SpanStore.open({ ...config.clickhouse, dataDir: config.dataDir, ...config.writer, log, logKey: logKeyFor(config) });
  const checkpoints = setInterval(() => {
    store.ledger.checkpoint().catch((e: Error) => log(`checkpoint failed: ${e.message}`));
  }, config.checkpointIntervalMs);
  // Its own key, derived from the tenant key: artifact ids and fingerprints never share a key with placeholders.
  const provenanceKey = createHmac('sha256', tenantKey).update('causeway provenance v1').digest();
  const provenance = new ProvenanceExtractor(provenanceKey, (s) => redactString(redactor, s, 'provenance', () => undefined));
  // Provenance reads the rows as they arrived, so it runs before redaction (it redacts what it stores).
  const pipeline = new Pipeline(store, [...(config.provenance ? [provenanceProcessor(provenance)] : []), redactProcessor(redactor, redaction)]);

  const receiver = otlpHttpReceiver(pipeline, { tenant: config.tenant, maxBodyBytes: config.maxBodyBytes, log });
  const api = new Hono();
  api.get('/healthz', (c) => {
    const s = store.health();
    const body: HealthResponse = { status: s.lastError && s.pendingRows > 0 ? 'degraded' : 'ok', store: s, redaction };
    return c.json(body);
  });
  api.route('/', tracesApi(store, config.tenant));
  api.route('/', ledgerApi(store));
  api.route('/', provenanceApi(store, config.tenant, trustRules));
  api.route('/', bundlesApi(store, config.tenant, createHash('sha256').update(JSON.stringify(policy)).digest('hex'), trustRules));
  api.route('/', incidentsApi(store, config.tenant));
  api.route('/', explorerSearchApi(store, config.tenant, trustRules));
  api.route('/', explorerApp(EXPLORER_DIST));

  const otlpServer = await listen(receiver.fetch, config.host, config.otlpPort);
  const apiServer = await listen(api.fetch, config.host, config.port);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    config,
    store,
    otlpUrl: `http://${host}:${(otlpServer.address() as AddressInfo).port}`,
    apiUrl: `http://${host}:${(apiServer.address() as AddressInfo).port}`,
    async close() {
      clearInterval(checkpoints);
      await Promise.all([closeServer(otlpServer), closeServer(apiServer)]);
      await store.close();
    },
  };
}

function listen(fetch: (req: Request, env: never) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetch as never, hostname, port }, () => resolve(server));
    // Idle keep-alive sockets stay open longer than any client keeps them (Node's fetch keeps one
    // 4 s, or the server's hint minus a margin): a client never sends on a socket the server is
    // closing at that moment ("other side closed"), even on a loaded machine.
    const http = server as import('node:http').Server;
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
    server.once('error', reject);
  });
}

function closeServer(s: ServerType): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    (s as import('node:http').Server).closeIdleConnections?.();
  });
}
