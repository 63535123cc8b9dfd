// The API app, built in one place: every error is answered as JSON (ApiError: the reason for a
// 4xx, a reference for a 5xx, never a stack trace), each request's scope is resolved before any
// route runs (api/scope.ts), and each area is mounted at its own base path.
import { randomBytes } from 'node:crypto';
import type { ApiError, HealthResponse } from '@causeway/schemas';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { RedactionStatsView } from '../processors/redact.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { Reads, UntrustedTest } from '../store/reads/index.ts';
import type { AuditLog } from '../auth/audit.ts';
import { auditApi } from './audit-api.ts';
import { bundlesApi } from './bundles.ts';
import { explorerApp } from './explorer-app.ts';
import { exportsApi } from './exports.ts';
import { agentsApi } from './agents-api.ts';
import { type DetectionsView, findingsApi } from './findings.ts';
import { healthApi } from './health.ts';
import { incidentsApi } from './incidents.ts';
import { ledgerApi } from './ledger.ts';
import { HttpError } from './params.ts';
import { provenanceApi } from './provenance.ts';
import { redactionsApi } from './redactions.ts';
import { type ApiEnv, type ScopeResolver, scopeMiddleware } from './scope.ts';
import { searchAliasApi, tracesApi } from './traces.ts';

/** What the API reads and proves with (the SpanStore, in production). */
export interface ApiStore {
  readsFor(tenant: string): Reads;
  ledger: LedgerStore;
  health(): HealthResponse['store'];
}

export interface ApiDeps {
  store: ApiStore;
  /** who asks and for which tenant (today the configured tenant; authentication replaces it) */
  resolveScope: ScopeResolver;
  /** the trust policy the trace search's `untrusted` filter asks */
  isUntrusted: UntrustedTest;
  /** the trust rules the slice engine labels with (slices, artifacts, bundles) */
  trustRules: TrustRule[];
  /** SHA-256 of the redaction policy in force, recorded in every bundle */
  redactionPolicySha256: string;
  /** evidence bundles: rows per bundle, builds at once (defaults: BUNDLE_LIMITS) */
  bundleLimits?: { maxRows: number; maxConcurrentBuilds: number };
  /** where evidence bundles are spooled before they are sent (default: the OS temp dir) */
  bundleSpoolDir?: string;
  redaction: RedactionStatsView;
  /** the ingest worker pool's size, jobs in flight and restarts, shown on /healthz */
  ingestWorkers?: () => NonNullable<HealthResponse['ingestWorkers']>;
  /** whether /healthz may show this caller its process-wide figures (default: everyone; with authentication: the operator, api/front-door.ts) */
  showRedaction?: (c: Context) => boolean | Promise<boolean>;
  /** the access audit (exports delivered or aborted); none without authentication */
  audit?: AuditLog;
  /** resolves when rows written so far (audit events) are in the store: exports and /api/audit wait for it (bounded) */
  settle?: () => Promise<void>;
  /** the explorer's build to serve on the same port; none when absent */
  explorerDist?: string;
  /** the detection policy and agent registry (findings, rules, agents routes) */
  detections?: DetectionsView;
  log: (msg: string) => void;
}

/** Request bodies (bundle requests, incidents) are small; anything larger is refused before it is read. */
export const MAX_API_BODY_BYTES = 1 << 20;

export function apiApp(d: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((err, c) => errorResponse(err, c, d.log));
  app.notFound((c) => c.json<ApiError>({ error: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.route('/healthz', healthApi(d.store, d.redaction, d.showRedaction, d.ingestWorkers));
  app.use(
    '/api/*',
    bodyLimit({ maxSize: MAX_API_BODY_BYTES, onError: (c) => c.json<ApiError>({ error: `request body over ${MAX_API_BODY_BYTES} bytes` }, 413) }),
    scopeMiddleware(d.resolveScope, (tenant) => d.store.readsFor(tenant)),
  );
  app.route('/api/traces', tracesApi(d.isUntrusted));
  app.route('/api/search', searchAliasApi(d.isUntrusted));
  app.route('/api/redactions', redactionsApi());
  app.route('/api/ledger', ledgerApi(d.store.ledger));
  app.route('/api/incidents', incidentsApi());
  app.route(
    '/api/bundles',
    bundlesApi({
      ledger: d.store.ledger,
      trustRules: d.trustRules,
      redactionPolicySha256: d.redactionPolicySha256,
      log: d.log,
      ...(d.audit ? { audit: d.audit } : {}),
      ...(d.settle ? { settle: d.settle } : {}),
      ...(d.bundleLimits ? { limits: d.bundleLimits } : {}),
      ...(d.bundleSpoolDir ? { spoolDir: d.bundleSpoolDir } : {}),
    }),
  );
  app.route('/api/audit', auditApi(d.settle));
  app.route('/api/exports', exportsApi());
  // /api/findings, /api/detections/rules, /api/agents
  if (d.detections) app.route('/api', findingsApi(d.detections));
  // /api/agents, /api/agents/:id
  if (d.detections) app.route('/api', agentsApi(d.detections.registries));
  // /api/provenance/* and /api/artifacts/:id
  app.route('/api', provenanceApi(d.trustRules));
  app.all('/api/*', (c) => c.json<ApiError>({ error: `no API route ${c.req.method} ${c.req.path}` }, 404));
  if (d.explorerDist) app.route('/', explorerApp(d.explorerDist));
  return app;
}

/** An HttpError is the client's to fix: its status and reason. Anything else is ours: logged on one line, answered 500 with a reference. */
export function errorResponse(err: Error, c: Context, log: (msg: string) => void): Response {
  if (err instanceof HttpError) return c.json<ApiError>({ error: err.message }, err.status);
  if (err instanceof HTTPException && err.status < 500) return c.json<ApiError>({ error: err.message || 'bad request' }, err.status);
  const ref = randomBytes(4).toString('hex');
  const cause = String(err?.message ?? err).split('\n')[0]!.slice(0, 500);
  log(`API error ${ref}: ${c.req.method} ${c.req.path}: ${err?.name ?? 'Error'}: ${cause}`);
  return c.json<ApiError>({ error: `internal error (reference ${ref} in the collector's log)` }, 500);
}
