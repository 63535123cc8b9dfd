// The two HTTP faces of Causeway: the OTLP receiver port and the query API (+ explorer) port.
// The one place components are built and connected.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createHash } from 'node:crypto';
import { startDetections } from './detections/service.ts';
import { EXPLORER_DIST } from './api/explorer-app.ts';
import { frontDoor } from './api/front-door.ts';
import type { GuardEnv } from './api/guard.ts';
import { loadTrustRules, trustOf } from './provenance/trust.ts';
import { logKeyFor } from './ledger/log-key.ts';
import type { Config } from './config.ts';
import { Pipeline } from './pipeline.ts';
import { perTenant } from './processors/per-tenant.ts';
import { INGEST_WORKER_MODULE, inWorker, warmWorkers } from './workers/in-worker.ts';
import { WorkerPool } from './workers/pool.ts';
import { loadPolicy } from './redaction/policy.ts';
import { otlpHttpReceiver } from './receivers/otlp-http.ts';
import { startOtlpGrpcReceiver } from './receivers/otlp-grpc.ts';
import { HEAP_RETURN_DEFAULTS, HeapReturn } from './receivers/heap-return.ts';
import { InFlightBytes } from './receivers/in-flight.ts';
import { SpanStore } from './store/span-store.ts';
import { Tenants } from './tenants.ts';
import { type Security, openSecurity } from './security.ts';

export interface Causeway {
  config: Config;
  store: SpanStore;
  /** the app the API port serves (in-process tests call it with app.request()) */
  api: Hono<GuardEnv>;
  otlpUrl: string;
  otlpGrpcUrl: string;
  apiUrl: string;
  security: Security;
  close(): Promise<void>;
}

export async function startCauseway(config: Config, log: (msg: string) => void): Promise<Causeway> {
  // Credentials, exposure checks and data-at-rest modes come first: a bad setup stops start-up
  // before anything listens. Redaction too: a bad policy or key stops it.
  const security = openSecurity(config, log);
  const policy = loadPolicy(config.redactionPolicy);
  const trustRules = loadTrustRules(config.trustRules);
  const tenantOptions = { dataDir: config.dataDir, defaultTenant: config.tenant, ...(config.tenantKeyFile ? { defaultKeyFile: config.tenantKeyFile } : {}), policy, provenance: config.provenance };
  const tenants = new Tenants(tenantOptions);
  tenants.keyOf(config.tenant); // the default tenant's key exists (and is private) before anything is received
  // Ingest workers load while the store opens; a worker that cannot load stops the start.
  const pool = config.ingestWorkers > 0 ? new WorkerPool({ size: config.ingestWorkers, name: 'ingest worker', module: INGEST_WORKER_MODULE, data: tenantOptions, log, ...(config.ingestWorkerHeapMb ? { maxOldGenerationSizeMb: config.ingestWorkerHeapMb } : {}) }) : undefined;
  const warming = pool ? warmWorkers(pool, config.tenant) : Promise.resolve();
  warming.catch(() => undefined); // awaited below, after the store is open
  const store = await SpanStore.open({ ...config.clickhouse, dataDir: config.dataDir, ...config.writer, log, logKey: logKeyFor(config) });
  try {
    await warming;
  } catch (e) {
    await pool?.close();
    await store.close();
    throw new Error(`ingest workers could not start: ${(e as Error).message}`);
  }
  const checkpoints = setInterval(() => {
    store.ledger.checkpoint().catch((e: Error) => log(`checkpoint failed: ${e.message}`));
  }, config.checkpointIntervalMs);
  const wired = await security.wire(store, store.auditIndex, (t, s) => tenants.redact(t, s));
  // Each batch through its tenant's processors: provenance reads the rows as they arrived, so it
  // runs before redaction (it redacts what it stores).
  // Detections watch what became durable (a pass-through processor) and evaluate quiet traces.
  const detections = startDetections({
    config: config.detection,
    readsFor: (tenant) => store.readsFor(tenant),
    progress: () => ({ inserted: store.writer.stats.insertedRows, pending: store.writer.stats.pendingRows }),
    trustRules,
    log,
  });
  const detecting = config.detection?.enabled !== false && config.provenance;
  // The chain runs in worker threads (workers/in-worker.ts) unless ingestWorkers is 0; a tenant's
  // key is created here before its first batch goes there.
  const inWorkers = pool ? inWorker(pool, (t) => tenants.keyOf(t)) : undefined;
  const chain = inWorkers ?? perTenant((t) => tenants.processorsOf(t));
  const pipeline = new Pipeline(store, [chain, ...(detecting ? [detections.monitor] : [])]);

  // One budget for the request bytes both receivers hold at once.
  const inFlight = new InFlightBytes(config.maxInFlightBytes);
  // once quiet after the heap grew (a large request or read), one full GC gives the memory back (heap-return.ts)
  const active = { requests: 0 };
  const heapReturn = new HeapReturn({ ...HEAP_RETURN_DEFAULTS, busy: () => active.requests > 0 || inFlight.used > 0 || store.writer.stats.pendingRows > 0 });
  // With ingest workers, a request's body is decoded there too: the event loop never walks it.
  const decode = inWorkers?.decode;
  const receiver = otlpHttpReceiver(pipeline, { authenticate: wired.authenticateIngest, onRefused: wired.onIngestRefused, maxFutureMs: config.maxFutureMs, maxBodyBytes: config.maxBodyBytes, inFlight, log, ...(decode ? { decode } : {}) });
  const settle = (): Promise<void> => Promise.race([store.writer.drain(), new Promise<void>((r) => setTimeout(r, 5000).unref())]);
  const api = frontDoor({
    guard: wired.guard,
    operatorTenant: config.tenant,
    auth: wired.authApi,
    audit: wired.audit,
    api: {
      store,
      isUntrusted: (subject) => trustOf(trustRules, subject).trust === 'untrusted',
      trustRules,
      redactionPolicySha256: createHash('sha256').update(JSON.stringify(policy)).digest('hex'),
      redaction: inWorkers ? inWorkers.stats : tenants.stats,
      ...(pool ? { ingestWorkers: () => pool.stats() } : {}),
      settle,
      bundleLimits: { maxRows: config.maxBundleRows, maxConcurrentBuilds: config.maxBundleBuilds },
      bundleSpoolDir: join(config.dataDir, 'bundle-spool'),
      explorerDist: EXPLORER_DIST,
      detections,
      log,
    },
  });

  // TLS (both OTLP receivers) from PEM files read once at start: a missing file stops start-up.
  const tls = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const otlpServer = await listen(receiver.fetch, config.host, config.otlpPort, config.http, tls, active);
  const grpcReceiver = await startOtlpGrpcReceiver(pipeline, config.host, config.otlpGrpcPort, {
    authenticate: wired.authenticateIngest,
    onRefused: wired.onIngestRefused,
    maxFutureMs: config.maxFutureMs,
    maxBodyBytes: config.maxBodyBytes,
    limits: config.grpc,
    maxConnections: config.http.maxConnections,
    inFlight,
    log,
    ...(decode ? { decode } : {}),
    ...(tls ? { tls } : {}),
  });
  const apiServer = await listen(api.fetch, config.host, config.port, config.http, undefined, active);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    config,
    store,
    api,
    security,
    otlpUrl: `${tls ? 'https' : 'http'}://${host}:${(otlpServer.address() as AddressInfo).port}`,
    otlpGrpcUrl: grpcReceiver.url,
    apiUrl: `http://${host}:${(apiServer.address() as AddressInfo).port}`,
    async close() {
      clearInterval(checkpoints);
      heapReturn.stop();
      await Promise.all([closeServer(otlpServer), grpcReceiver.close(), closeServer(apiServer)]);
      await pool?.close();
      await store.writer.drain();
      await detections.stop();
      security.close();
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
  active?: { requests: number },
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
    // requests being answered, so the heap is not collected under them (heap-return.ts)
    if (active)
      http.on('request', (_req, res: import('node:http').ServerResponse) => {
        active.requests++;
        res.once('close', () => active.requests--);
      });
    server.once('error', reject);
  });
}

function closeServer(s: ServerType): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    (s as import('node:http').Server).closeIdleConnections?.();
  });
}
