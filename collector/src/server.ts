// The two HTTP faces of Causeway: the OTLP receiver port and the query API (+ explorer) port.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createHash, createHmac } from 'node:crypto';
import { apiApp } from './api/app.ts';
import { startDetections } from './detections/service.ts';
import { EXPLORER_DIST } from './api/explorer-app.ts';
import { type ApiEnv, configuredTenant } from './api/scope.ts';
import { loadTrustRules, trustOf } from './provenance/trust.ts';
import { logKeyFor } from './ledger/log-key.ts';
import type { Config } from './config.ts';
import { Pipeline } from './pipeline.ts';
import { ProvenanceExtractor, provenanceProcessor } from './processors/provenance.ts';
import { redactProcessor } from './processors/redact.ts';
import { loadPolicy } from './redaction/policy.ts';
import { createRedactor } from './redaction/redactor.ts';
import { loadOrCreateTenantKey, tenantKeyPath } from './redaction/tenant-key.ts';
import { otlpHttpReceiver } from './receivers/otlp-http.ts';
import { startOtlpGrpcReceiver } from './receivers/otlp-grpc.ts';
import { InFlightBytes } from './receivers/in-flight.ts';
import { SpanStore } from './store/span-store.ts';

export interface Causeway {
  config: Config;
  store: SpanStore;
  /** the API app the API port serves (in-process tests call it with app.request()) */
  api: Hono<ApiEnv>;
  otlpUrl: string;
  otlpGrpcUrl: string;
  apiUrl: string;
  close(): Promise<void>;
}

export async function startCauseway(config: Config, log: (msg: string) => void): Promise<Causeway> {
  // Redaction is set up before anything can be received: a bad policy or key stops start-up.
  const policy = loadPolicy(config.redactionPolicy);
  const trustRules = loadTrustRules(config.trustRules);
  const tenantKey = loadOrCreateTenantKey(config.tenantKeyFile ?? tenantKeyPath(config.dataDir, config.tenant));
  const redactor = createRedactor({ key: tenantKey, policy });
  const store = await SpanStore.open({ ...config.clickhouse, dataDir: config.dataDir, ...config.writer, log, logKey: logKeyFor(config) });
  const checkpoints = setInterval(() => {
    store.ledger.checkpoint().catch((e: Error) => log(`checkpoint failed: ${e.message}`));
  }, config.checkpointIntervalMs);
  // Its own key, derived from the tenant key: artifact ids and fingerprints never share a key with placeholders.
  const provenanceKey = createHmac('sha256', tenantKey).update('causeway provenance v1').digest();
  const provenance = new ProvenanceExtractor(provenanceKey, redactor);
  // Provenance reads the rows as they arrived, so it runs before redaction (it redacts what it stores).
  const redact = redactProcessor(redactor);
  // Detections watch what became durable (a pass-through processor) and evaluate quiet traces.
  const detections = startDetections({
    config: config.detection,
    readsFor: (tenant) => store.readsFor(tenant),
    progress: () => ({ inserted: store.writer.stats.insertedRows, pending: store.writer.stats.pendingRows }),
    trustRules,
    log,
  });
  const detecting = config.detection?.enabled !== false && config.provenance;
  const pipeline = new Pipeline(store, [...(config.provenance ? [provenanceProcessor(provenance)] : []), redact, ...(detecting ? [detections.monitor] : [])]);

  // One budget for the request bytes both receivers hold at once.
  const inFlight = new InFlightBytes(config.maxInFlightBytes);
  const receiver = otlpHttpReceiver(pipeline, { tenant: config.tenant, maxBodyBytes: config.maxBodyBytes, inFlight, log });
  const api = apiApp({
    store,
    // The one place a request's tenant comes from; authentication will replace this resolver.
    resolveScope: configuredTenant(config.tenant),
    isUntrusted: (subject) => trustOf(trustRules, subject).trust === 'untrusted',
    trustRules,
    redactionPolicySha256: createHash('sha256').update(JSON.stringify(policy)).digest('hex'),
    bundleLimits: { maxRows: config.maxBundleRows, maxConcurrentBuilds: config.maxBundleBuilds },
    redaction: redact.stats,
    explorerDist: EXPLORER_DIST,
    detections,
    log,
  });

  // TLS (both OTLP receivers) from PEM files read once at start: a missing file stops start-up.
  const tls = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const otlpServer = await listen(receiver.fetch, config.host, config.otlpPort, config.http, tls);
  const grpcReceiver = await startOtlpGrpcReceiver(pipeline, config.host, config.otlpGrpcPort, { tenant: config.tenant, maxBodyBytes: config.maxBodyBytes, inFlight, log, tls });
  const apiServer = await listen(api.fetch, config.host, config.port, config.http);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    config,
    store,
    api,
    otlpUrl: `${tls ? 'https' : 'http'}://${host}:${(otlpServer.address() as AddressInfo).port}`,
    otlpGrpcUrl: grpcReceiver.url,
    apiUrl: `http://${host}:${(apiServer.address() as AddressInfo).port}`,
    async close() {
      clearInterval(checkpoints);
      await Promise.all([closeServer(otlpServer), grpcReceiver.close(), closeServer(apiServer)]);
      await store.writer.drain();
      await detections.stop();
      await store.close();
    },
  };
}

function listen(
  fetch: (req: Request, env: never) => Response | Promise<Response>,
  hostname: string,
  port: number,
  limits: Config['http'],
  tls?: { cert: Buffer; key: Buffer },
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // A request must bring its headers within headersTimeoutMs and its whole body within
    // requestTimeoutMs, or Node answers 408 and closes the connection: a slow body cannot hold
    // its share of the in-flight budget (receivers/in-flight.ts) for ever. Node checks both every
    // connectionsCheckingInterval, so they fire up to that much late.
    const timeouts = {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(limits.headersTimeoutMs / 4))),
    };
    const options = tls
      ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key, ...timeouts } }
      : { serverOptions: timeouts };
    const server = serve({ fetch: fetch as never, hostname, port, ...options }, () => resolve(server));
    // Idle keep-alive sockets stay open longer than any client keeps them (Node's fetch keeps one
    // 4 s, or the server's hint minus a margin): a client never sends on a socket the server is
    // closing at that moment ("other side closed"), even on a loaded machine. (Node 20 starts the
    // headers timeout at a request's first byte, not when the socket went idle.)
    const http = server as import('node:http').Server;
    http.keepAliveTimeout = 65_000;
    // Connections beyond the cap are closed as they arrive; the ones open keep being served.
    http.maxConnections = limits.maxConnections;
    server.once('error', reject);
  });
}

function closeServer(s: ServerType): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    (s as import('node:http').Server).closeIdleConnections?.();
  });
}
