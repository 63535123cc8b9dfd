// Configuration: defaults, then an optional JSON config file (CAUSEWAY_CONFIG; unknown keys
// and wrongly typed values are refused), then the environment. Every key is documented in the README.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { OidcSettings } from './auth/oidc.ts';
import { BUNDLE_LIMITS } from '@causeway/schemas';

export interface Config {
  dataDir: string;
  host: string;
  otlpPort: number;
  /** OTLP/gRPC receiver, on the same host */
  otlpGrpcPort: number;
  /** PEM certificate chain and private key: both OTLP receivers serve TLS (HTTPS, gRPC over TLS) */
  tls?: { certFile: string; keyFile: string };
  port: number;
  tenant: string;
  clickhouse: { url?: string; user?: string; password?: string; database: string; /** CLICKHOUSE_CLUSTER: the cluster's name in remote_servers */ cluster?: string };
  /** request body limit, after decompression */
  maxBodyBytes: number;
  /** decoded request bytes all OTLP requests (HTTP and gRPC) may hold at once; beyond it: 429 / RESOURCE_EXHAUSTED */
  maxInFlightBytes: number;
  /** evidence bundles: rows one bundle may carry (beyond: 413), bundles built at once (beyond: 429) */
  maxBundleRows: number;
  maxBundleBuilds: number;
  /** both HTTP servers (OTLP receiver and API), each: open connections at most; time to receive a request's headers, and all of it */
  http: { maxConnections: number; headersTimeoutMs: number; requestTimeoutMs: number };
  /** the OTLP/gRPC receiver, per connection: concurrent calls at most; idle time and age before it is closed (GOAWAY); keepalive pings */
  grpc: { maxConcurrentStreams: number; maxConnectionIdleMs: number; maxConnectionAgeMs: number; keepaliveTimeMs: number; keepaliveTimeoutMs: number };
  writer: { maxBatchRows: number; maxBatchBytes: number; flushIntervalMs: number; maxPendingBytes: number };
  /** JSON redaction policy file; unset means the safe defaults */
  redactionPolicy?: string;
  /** file holding the tenant key; default `<dataDir>/keys/<tenant>.key`, created at first start */
  tenantKeyFile?: string;
  /** the log's Ed25519 private key (PKCS8 PEM); default `<dataDir>/keys/log-ed25519.key`, created at first start */
  logKeyFile?: string;
  /** the log's name, the checkpoint origin line; default `causeway.local/<log id>` */
  logName?: string;
  /** how often a signed checkpoint is made while data arrives */
  checkpointIntervalMs: number;
  /** JSON trust rules file (see README "Trust rules"); unset means the built-in rules */
  trustRules?: string;
  /** read spans into the provenance model at ingest (off only to measure its cost) */
  provenance: boolean;
  /** worker threads that decode, extract provenance, redact and encode (each batch in the least busy one); 0: on the main thread */
  ingestWorkers: number;
  /** each ingest worker's JavaScript heap limit, MiB: a batch that needs more fails alone (503, retryable) and the worker restarts; unset: the pool's WORKER_HEAP_MB (1024) */
  ingestWorkerHeapMb?: number;
  /** authentication (off only to measure its cost, and only on a loopback address) */
  auth: boolean;
  /** Host names the API port answers (DNS rebinding); loopback names by default */
  allowedHosts: string[];
  /** the explorer's public address (https://causeway.example), for the IdP redirect and Origin checks */
  publicUrl?: string;
  sessionTtlMinutes: number;
  /** spans and log records dated further ahead than this are rejected */
  maxFutureMs: number;
  /** an OpenID Connect identity provider for people */
  oidc?: OidcSettings;
  /** detections (README "Detections"): policy file, quiet window, webhook; on unless `enabled` is false */
  detection?: { enabled?: boolean; policy?: string; quietMs?: number; webhookUrl?: string; webhookSecretFile?: string };
}

export const DEFAULTS: Config = {
  dataDir: './data',
  host: '127.0.0.1',
  otlpPort: 4318,
  otlpGrpcPort: 4317,
  port: 7318,
  tenant: 'default',
  clickhouse: { database: 'causeway' },
  maxBodyBytes: 64 << 20,
  maxInFlightBytes: 256 << 20,
  maxBundleRows: BUNDLE_LIMITS.maxRows,
  maxBundleBuilds: BUNDLE_LIMITS.maxConcurrentBuilds,
  http: { maxConnections: 1024, headersTimeoutMs: 66_000, requestTimeoutMs: 120_000 },
  grpc: { maxConcurrentStreams: 100, maxConnectionIdleMs: 300_000, maxConnectionAgeMs: 1_800_000, keepaliveTimeMs: 120_000, keepaliveTimeoutMs: 20_000 },
  writer: { maxBatchRows: 20_000, maxBatchBytes: 32 << 20, flushIntervalMs: 200, maxPendingBytes: 512 << 20 },
  checkpointIntervalMs: 5000,
  provenance: true,
  // The main thread accepts, spools and answers; the workers take the batches' heavy part, one core
  // left to the event loop and ClickHouse. Measured on 2 cores (README): a second worker made agent
  // traces durable 23-47 % faster but /healthz p99 201-251 ms (69-97 ms with one).
  ingestWorkers: Math.max(1, Math.min(4, availableParallelism() - 1)),
  auth: true,
  allowedHosts: ['localhost', '127.0.0.1', '::1'],
  sessionTtlMinutes: 480,
  maxFutureMs: 15 * 60_000,
};

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const file = env.CAUSEWAY_CONFIG ? readConfigFile(env.CAUSEWAY_CONFIG) : {};
  const c: Config = {
    ...DEFAULTS,
    ...file,
    clickhouse: { ...DEFAULTS.clickhouse, ...file.clickhouse },
    writer: { ...DEFAULTS.writer, ...file.writer },
    http: { ...DEFAULTS.http, ...file.http },
    grpc: { ...DEFAULTS.grpc, ...file.grpc },
  };
  if (env.CAUSEWAY_DATA_DIR) c.dataDir = env.CAUSEWAY_DATA_DIR;
  if (env.CAUSEWAY_HOST) c.host = env.CAUSEWAY_HOST;
  if (env.CAUSEWAY_OTLP_PORT) c.otlpPort = port(env.CAUSEWAY_OTLP_PORT, 'CAUSEWAY_OTLP_PORT');
  if (env.CAUSEWAY_OTLP_GRPC_PORT) c.otlpGrpcPort = port(env.CAUSEWAY_OTLP_GRPC_PORT, 'CAUSEWAY_OTLP_GRPC_PORT');
  if (env.CAUSEWAY_TLS_CERT_FILE || env.CAUSEWAY_TLS_KEY_FILE) {
    if (!env.CAUSEWAY_TLS_CERT_FILE || !env.CAUSEWAY_TLS_KEY_FILE) throw new Error('TLS needs both CAUSEWAY_TLS_CERT_FILE and CAUSEWAY_TLS_KEY_FILE');
    c.tls = { certFile: env.CAUSEWAY_TLS_CERT_FILE, keyFile: env.CAUSEWAY_TLS_KEY_FILE };
  }
  if (c.tls && (!c.tls.certFile || !c.tls.keyFile)) throw new Error('TLS needs both a certificate file and a key file (tls.certFile and tls.keyFile)');
  if (env.CAUSEWAY_PORT) c.port = port(env.CAUSEWAY_PORT, 'CAUSEWAY_PORT');
  if (env.CAUSEWAY_TENANT) c.tenant = env.CAUSEWAY_TENANT;
  if (env.CAUSEWAY_MAX_BODY_BYTES) c.maxBodyBytes = positive(env.CAUSEWAY_MAX_BODY_BYTES, 'CAUSEWAY_MAX_BODY_BYTES');
  if (env.CAUSEWAY_MAX_INFLIGHT_BYTES) c.maxInFlightBytes = positive(env.CAUSEWAY_MAX_INFLIGHT_BYTES, 'CAUSEWAY_MAX_INFLIGHT_BYTES');
  if (env.CAUSEWAY_MAX_BUNDLE_ROWS) c.maxBundleRows = positive(env.CAUSEWAY_MAX_BUNDLE_ROWS, 'CAUSEWAY_MAX_BUNDLE_ROWS');
  if (env.CAUSEWAY_MAX_BUNDLE_BUILDS) c.maxBundleBuilds = positive(env.CAUSEWAY_MAX_BUNDLE_BUILDS, 'CAUSEWAY_MAX_BUNDLE_BUILDS');
  if (env.CAUSEWAY_MAX_CONNECTIONS) c.http.maxConnections = positive(env.CAUSEWAY_MAX_CONNECTIONS, 'CAUSEWAY_MAX_CONNECTIONS');
  if (env.CAUSEWAY_HEADERS_TIMEOUT_MS) c.http.headersTimeoutMs = positive(env.CAUSEWAY_HEADERS_TIMEOUT_MS, 'CAUSEWAY_HEADERS_TIMEOUT_MS');
  if (env.CAUSEWAY_REQUEST_TIMEOUT_MS) c.http.requestTimeoutMs = positive(env.CAUSEWAY_REQUEST_TIMEOUT_MS, 'CAUSEWAY_REQUEST_TIMEOUT_MS');
  if (env.CAUSEWAY_GRPC_MAX_CONCURRENT_STREAMS) c.grpc.maxConcurrentStreams = positive(env.CAUSEWAY_GRPC_MAX_CONCURRENT_STREAMS, 'CAUSEWAY_GRPC_MAX_CONCURRENT_STREAMS');
  if (env.CAUSEWAY_GRPC_MAX_CONNECTION_IDLE_MS) c.grpc.maxConnectionIdleMs = positive(env.CAUSEWAY_GRPC_MAX_CONNECTION_IDLE_MS, 'CAUSEWAY_GRPC_MAX_CONNECTION_IDLE_MS');
  if (env.CAUSEWAY_GRPC_MAX_CONNECTION_AGE_MS) c.grpc.maxConnectionAgeMs = positive(env.CAUSEWAY_GRPC_MAX_CONNECTION_AGE_MS, 'CAUSEWAY_GRPC_MAX_CONNECTION_AGE_MS');
  if (env.CAUSEWAY_GRPC_KEEPALIVE_TIME_MS) c.grpc.keepaliveTimeMs = positive(env.CAUSEWAY_GRPC_KEEPALIVE_TIME_MS, 'CAUSEWAY_GRPC_KEEPALIVE_TIME_MS');
  if (env.CAUSEWAY_GRPC_KEEPALIVE_TIMEOUT_MS) c.grpc.keepaliveTimeoutMs = positive(env.CAUSEWAY_GRPC_KEEPALIVE_TIMEOUT_MS, 'CAUSEWAY_GRPC_KEEPALIVE_TIMEOUT_MS');
  // One request of the largest allowed size must fit the budget, or it would be told to retry for ever.
  if (c.maxInFlightBytes < c.maxBodyBytes) {
    throw new Error(`the in-flight byte cap (${c.maxInFlightBytes}) must be at least the body limit (${c.maxBodyBytes}): one largest request must fit`);
  }
  if (c.http.headersTimeoutMs > c.http.requestTimeoutMs) {
    throw new Error(`the headers timeout (${c.http.headersTimeoutMs} ms) must not be longer than the request timeout (${c.http.requestTimeoutMs} ms)`);
  }
  if (env.CAUSEWAY_FLUSH_INTERVAL_MS) c.writer.flushIntervalMs = positive(env.CAUSEWAY_FLUSH_INTERVAL_MS, 'CAUSEWAY_FLUSH_INTERVAL_MS');
  if (env.CAUSEWAY_MAX_PENDING_BYTES) c.writer.maxPendingBytes = positive(env.CAUSEWAY_MAX_PENDING_BYTES, 'CAUSEWAY_MAX_PENDING_BYTES');
  if (env.CAUSEWAY_REDACTION_POLICY) c.redactionPolicy = env.CAUSEWAY_REDACTION_POLICY;
  if (env.CAUSEWAY_TENANT_KEY_FILE) c.tenantKeyFile = env.CAUSEWAY_TENANT_KEY_FILE;
  if (env.CAUSEWAY_LOG_KEY_FILE) c.logKeyFile = env.CAUSEWAY_LOG_KEY_FILE;
  if (env.CAUSEWAY_LOG_NAME) c.logName = env.CAUSEWAY_LOG_NAME;
  if (env.CAUSEWAY_CHECKPOINT_INTERVAL_MS) c.checkpointIntervalMs = positive(env.CAUSEWAY_CHECKPOINT_INTERVAL_MS, 'CAUSEWAY_CHECKPOINT_INTERVAL_MS');
  if (env.CAUSEWAY_TRUST_RULES) c.trustRules = env.CAUSEWAY_TRUST_RULES;
  if (env.CAUSEWAY_PROVENANCE) {
    if (!['on', 'off'].includes(env.CAUSEWAY_PROVENANCE)) throw new Error(`CAUSEWAY_PROVENANCE must be on or off, got "${env.CAUSEWAY_PROVENANCE}"`);
    c.provenance = env.CAUSEWAY_PROVENANCE === 'on';
  }
  if (env.CAUSEWAY_INGEST_WORKERS) c.ingestWorkers = count(env.CAUSEWAY_INGEST_WORKERS, 'CAUSEWAY_INGEST_WORKERS');
  if (env.CAUSEWAY_INGEST_WORKER_HEAP_MB) c.ingestWorkerHeapMb = positive(env.CAUSEWAY_INGEST_WORKER_HEAP_MB, 'CAUSEWAY_INGEST_WORKER_HEAP_MB');
  if (env.CAUSEWAY_AUTH) {
    if (!['on', 'off'].includes(env.CAUSEWAY_AUTH)) throw new Error(`CAUSEWAY_AUTH must be on or off, got "${env.CAUSEWAY_AUTH}"`);
    c.auth = env.CAUSEWAY_AUTH === 'on';
  }
  if (env.CAUSEWAY_ALLOWED_HOSTS) c.allowedHosts = env.CAUSEWAY_ALLOWED_HOSTS.split(',').map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean);
  if (env.CAUSEWAY_PUBLIC_URL) c.publicUrl = env.CAUSEWAY_PUBLIC_URL;
  if (env.CAUSEWAY_SESSION_TTL_MINUTES) c.sessionTtlMinutes = positive(env.CAUSEWAY_SESSION_TTL_MINUTES, 'CAUSEWAY_SESSION_TTL_MINUTES');
  if (env.CAUSEWAY_MAX_FUTURE_MS) c.maxFutureMs = positive(env.CAUSEWAY_MAX_FUTURE_MS, 'CAUSEWAY_MAX_FUTURE_MS');
  if (env.CAUSEWAY_OIDC_ISSUER) c.oidc = oidcFromEnv(env, c.oidc);
  if (c.oidc) c.oidc = { ...{ scopes: 'openid email profile', claim: 'groups', groups: {} }, ...(c.oidc as Partial<OidcSettings>) } as OidcSettings;
  if (c.publicUrl && !/^https?:\/\/[^/]+\/?$/.test(c.publicUrl)) throw new Error(`CAUSEWAY_PUBLIC_URL must be an origin like https://causeway.example, got "${c.publicUrl}"`);
  const d = { ...file.detection };
  if (env.CAUSEWAY_DETECTION_POLICY) d.policy = env.CAUSEWAY_DETECTION_POLICY;
  if (env.CAUSEWAY_DETECT_QUIET_MS) d.quietMs = positive(env.CAUSEWAY_DETECT_QUIET_MS, 'CAUSEWAY_DETECT_QUIET_MS');
  if (env.CAUSEWAY_DETECTIONS) {
    if (!['on', 'off'].includes(env.CAUSEWAY_DETECTIONS)) throw new Error(`CAUSEWAY_DETECTIONS must be on or off, got "${env.CAUSEWAY_DETECTIONS}"`);
    d.enabled = env.CAUSEWAY_DETECTIONS === 'on';
  }
  if (env.CAUSEWAY_WEBHOOK_URL) d.webhookUrl = env.CAUSEWAY_WEBHOOK_URL;
  if (env.CAUSEWAY_WEBHOOK_SECRET_FILE) d.webhookSecretFile = env.CAUSEWAY_WEBHOOK_SECRET_FILE;
  if (d.webhookUrl && !d.webhookSecretFile) throw new Error('a detection webhook needs its HMAC secret file (CAUSEWAY_WEBHOOK_SECRET_FILE or detection.webhookSecretFile)');
  c.detection = d;
  if (env.CLICKHOUSE_URL) c.clickhouse.url = env.CLICKHOUSE_URL;
  if (env.CLICKHOUSE_USER) c.clickhouse.user = env.CLICKHOUSE_USER;
  if (env.CLICKHOUSE_PASSWORD !== undefined) c.clickhouse.password = env.CLICKHOUSE_PASSWORD;
  if (env.CLICKHOUSE_DATABASE) c.clickhouse.database = env.CLICKHOUSE_DATABASE;
  if (env.CLICKHOUSE_CLUSTER) c.clickhouse.cluster = env.CLICKHOUSE_CLUSTER;
  c.dataDir = resolve(c.dataDir);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(c.tenant)) throw new Error(`invalid tenant "${c.tenant}"`);
  return c;
}

function oidcFromEnv(env: Env, file: OidcSettings | undefined): OidcSettings {
  const issuer = env.CAUSEWAY_OIDC_ISSUER!;
  const clientId = env.CAUSEWAY_OIDC_CLIENT_ID ?? file?.clientId;
  if (!clientId) throw new Error('CAUSEWAY_OIDC_ISSUER is set: set CAUSEWAY_OIDC_CLIENT_ID too');
  let groups = file?.groups ?? {};
  if (env.CAUSEWAY_OIDC_GROUPS) {
    try {
      groups = JSON.parse(env.CAUSEWAY_OIDC_GROUPS) as OidcSettings['groups'];
    } catch (e) {
      throw new Error(`CAUSEWAY_OIDC_GROUPS must be JSON ({"<group>": {"tenant": "…", "role": "…"}}): ${(e as Error).message}`);
    }
  }
  const o: OidcSettings = {
    issuer,
    clientId,
    scopes: env.CAUSEWAY_OIDC_SCOPES ?? file?.scopes ?? 'openid email profile',
    claim: env.CAUSEWAY_OIDC_CLAIM ?? file?.claim ?? 'groups',
    groups,
  };
  const secret = env.CAUSEWAY_OIDC_CLIENT_SECRET ?? file?.clientSecret;
  if (secret) o.clientSecret = secret;
  const audience = env.CAUSEWAY_OIDC_AUDIENCE ?? file?.audience;
  if (audience) o.audience = audience;
  return o;
}

/** What each config-file key holds; anything else in the file is refused (a typo must not pass silently). */
type Kind = 'string' | 'port' | 'positive' | 'count' | 'boolean' | 'strings' | 'object' | { [key: string]: Kind };
const FILE_KEYS: Record<keyof Config, Kind> = {
  dataDir: 'string',
  host: 'string',
  otlpPort: 'port',
  port: 'port',
  tenant: 'string',
  otlpGrpcPort: 'port',
  tls: { certFile: 'string', keyFile: 'string' },
  clickhouse: { url: 'string', user: 'string', password: 'string', database: 'string', cluster: 'string' },
  maxBodyBytes: 'positive',
  maxInFlightBytes: 'positive',
  maxBundleRows: 'positive',
  maxBundleBuilds: 'positive',
  http: { maxConnections: 'positive', headersTimeoutMs: 'positive', requestTimeoutMs: 'positive' },
  grpc: { maxConcurrentStreams: 'positive', maxConnectionIdleMs: 'positive', maxConnectionAgeMs: 'positive', keepaliveTimeMs: 'positive', keepaliveTimeoutMs: 'positive' },
  writer: { maxBatchRows: 'positive', maxBatchBytes: 'positive', flushIntervalMs: 'positive', maxPendingBytes: 'positive' },
  redactionPolicy: 'string',
  tenantKeyFile: 'string',
  logKeyFile: 'string',
  logName: 'string',
  checkpointIntervalMs: 'positive',
  trustRules: 'string',
  provenance: 'boolean',
  ingestWorkers: 'count',
  ingestWorkerHeapMb: 'positive',
  auth: 'boolean',
  allowedHosts: 'strings',
  publicUrl: 'string',
  sessionTtlMinutes: 'positive',
  maxFutureMs: 'positive',
  oidc: { issuer: 'string', clientId: 'string', clientSecret: 'string', audience: 'string', scopes: 'string', claim: 'string', groups: 'object' },
  detection: { enabled: 'boolean', policy: 'string', quietMs: 'positive', webhookUrl: 'string', webhookSecretFile: 'string' },
};

function readConfigFile(path: string): Partial<Config> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  checkKeys(parsed, FILE_KEYS, '', `config file ${path}`);
  return parsed as Partial<Config>;
}

function checkKeys(v: unknown, spec: { [key: string]: Kind }, prefix: string, where: string): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: ${prefix ? `"${prefix.slice(0, -1)}"` : 'the file'} must be a JSON object`);
  for (const [k, value] of Object.entries(v)) {
    const kind = spec[k];
    const name = `${prefix}${k}`;
    if (kind === undefined) throw new Error(`${where}: unknown key "${name}"; known keys${prefix ? ` of "${prefix.slice(0, -1)}"` : ''}: ${Object.keys(spec).join(', ')}`);
    if (typeof kind === 'object') checkKeys(value, kind, `${name}.`, where);
    else if (!fits(value, kind)) throw new Error(`${where}: "${name}" must be ${KIND_TEXT[kind]}, got ${JSON.stringify(value)}`);
  }
}

const KIND_TEXT = { string: 'a string', port: 'a port number (0-65535)', positive: 'a positive integer', count: 'a non-negative integer', boolean: 'true or false', strings: 'a list of strings', object: 'a JSON object' } as const;

function fits(v: unknown, kind: keyof typeof KIND_TEXT): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'port':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
    case 'positive':
      return Number.isInteger(v) && (v as number) > 0;
    case 'count':
      return Number.isInteger(v) && (v as number) >= 0;
    case 'boolean':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'object':
      return !!v && typeof v === 'object' && !Array.isArray(v);
  }
}

function port(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${v}"`);
  return n;
}

function count(v: string, name: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function positive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}
