// POST /api/bundles (README "Evidence bundles"): an evidence bundle (zip) for a set of traces or
// one causal slice. The exporter is the authenticated principal. The export is recorded (in
// `exports`, and as `export.delivered` in the access audit) only once the response body was
// fully written to the client; `export.aborted` when the client went away first (then the build
// stops and its slot is free again). The response carries the bundle's SHA-256 in a header, so
// the bundle is built into a spool file first and then streamed (bundle/spool.ts). GET /api/exports lists what was exported (api/exports.ts).
import { type ApiError, BUNDLE_LIMITS, type BundleRequest, SLICE_DEFAULTS, type SliceSelection } from '@causeway/schemas';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { BuildSlots } from '../bundle/build-slots.ts';
import { bundleIncident } from '../bundle/incident-part.ts';
import { type Bundle, ExportError, exportBundle } from '../bundle/export.ts';
import type { AuditLog } from '../auth/audit.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import { HttpError, artifactIdParam, boundedInt, incidentIdParam, jsonBody, oneOf, spanIdParam, traceIdParam } from './params.ts';
import { type ApiEnv, actorOf } from './scope.ts';

export interface BundlesDeps {
  ledger: LedgerStore;
  trustRules: TrustRule[];
  /** SHA-256 of the redaction policy in force, written into every manifest */
  redactionPolicySha256: string;
  /** the access audit (delivered / aborted exports); none in an API built without authentication */
  audit?: AuditLog;
  log?: (msg: string) => void;
  /** lets the access audit's latest events reach the log before the chain of custody is read */
  settle?: () => Promise<void>;
  /** where bundles are spooled before they are sent (a private directory; default: the OS temp dir) */
  spoolDir?: string;
  /** rows per bundle at most, bundles built at once at most (defaults: BUNDLE_LIMITS) */
  limits?: { maxRows: number; maxConcurrentBuilds: number };
}

/** Seconds a client refused for a busy exporter waits before it asks again. */
const RETRY_AFTER_SECONDS = '2';

const SHAPE = '{"traceIds": ["<32 hex>", …]} or {"slice": {"trace", "span" | "artifact", "direction", "depth"}}, either with "incident": "<16 hex>"';

export function bundlesApi(d: BundlesDeps): Hono<ApiEnv> {
  const limits = d.limits ?? BUNDLE_LIMITS;
  const slots = new BuildSlots(limits.maxConcurrentBuilds);
  const app = new Hono<ApiEnv>();
  app.post('/', async (c) => {
    const body = await jsonBody<BundleRequest>(c, SHAPE);
    const slice = body.slice !== undefined ? sliceSelection(body.slice) : undefined;
    const ids = slice ? [slice.traceId] : body.traceIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > BUNDLE_LIMITS.maxTraceIds || !ids.every((t) => typeof t === 'string' && /^[0-9a-fA-F]{32}$/.test(t))) {
      throw new HttpError(400, `traceIds must be 1 to ${BUNDLE_LIMITS.maxTraceIds} trace ids of 32 hex characters`);
    }
    // exported from an incident: the bundle carries it as it stands now (404 for one of another tenant)
    const incidentId = body.incident !== undefined ? incidentIdParam(typeof body.incident === 'string' ? body.incident : undefined, 'incident') : undefined;
    const found = incidentId ? await c.var.reads.incidents.get(incidentId) : undefined;
    if (incidentId && !found) throw new HttpError(404, `incident ${incidentId} not found`);
    const incident = found ? bundleIncident(found) : undefined;
    const release = slots.tryTake();
    if (!release) {
      return c.json<ApiError>({ error: `${slots.max} bundle(s) are being built; retry later` }, 429, { 'Retry-After': RETRY_AFTER_SECONDS });
    }
    const { tenant, principal } = c.var.scope;
    const outcome = (action: 'export.delivered' | 'export.aborted', b?: Bundle): void => {
      const facts = {
        tenant,
        ...(principal ? { principal: principal as never } : {}),
        target: b?.sha256 ?? '',
        traceIds: ids,
        status: 200,
        detail: b ? `${b.rows} rows, checkpoint ${b.checkpointSize}` : 'the client went away while the bundle was built',
        clientAddress: c.env?.incoming?.socket.remoteAddress ?? '',
        userAgent: c.req.header('user-agent') ?? '',
      };
      const done = action === 'export.delivered' && b ? c.var.reads.exports.record(b.record) : Promise.resolve();
      done.then(() => d.audit?.record({ ...facts, action })).catch((e: Error) => d.log?.(`${action} of bundle ${b?.sha256.slice(0, 12) ?? '(unbuilt)'} could not be recorded: ${e.message}`));
    };
    // The client going away stops the build (between pages of rows) and gives the slot back.
    const out = c.env?.outgoing;
    const gone = new AbortController();
    const onGone = (): void => gone.abort(new Error('the client went away'));
    out?.once('close', onGone);
    let b: Bundle;
    try {
      if (out && (out.destroyed || !out.socket || out.socket.destroyed)) onGone();
      b = await exportBundle(
        { reads: c.var.reads, ledger: d.ledger, ...(d.settle ? { settle: d.settle } : {}) },
        { traceIds: ids, ...(slice ? { slice } : {}), ...(incident ? { incident } : {}), exporter: actorOf(c, body.exporter), maxRows: limits.maxRows, redactionPolicySha256: d.redactionPolicySha256, trustRules: d.trustRules },
        { spoolDir: d.spoolDir ?? join(tmpdir(), 'causeway-bundles'), signal: gone.signal },
      );
    } catch (e) {
      release();
      if (gone.signal.aborted) {
        outcome('export.aborted');
        return c.body(null, 499 as never);
      }
      if (e instanceof ExportError) throw new HttpError(e.status, e.message);
      throw e;
    } finally {
      out?.off('close', onGone);
    }
    if (out && (out.destroyed || !out.socket || out.socket.destroyed)) {
      // the client left just as it was built
      release();
      await b.spool.close();
      outcome('export.aborted', b);
      return c.body(null, 499 as never);
    }
    if (out) {
      // 'finish': the last byte was handed to the connection; 'close' before it: the client left.
      out.once('finish', () => outcome('export.delivered', b));
      out.once('close', () => {
        if (!out.writableFinished) outcome('export.aborted', b);
      });
    }
    // The slot is held until the last byte was read from the spool, or the client left.
    const bodyStream = b.spool.body(() => release());
    if (!out) outcome('export.delivered', b); // not served by Node (in-process tests): the caller has the body
    return new Response(bodyStream, {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="causeway-evidence-${b.sha256.slice(0, 12)}.zip"`,
        'X-Causeway-Bundle-Sha256': b.sha256,
        // how the rows were read (a page at a time, bounded): evidence that memory did not grow with the bundle
        'X-Causeway-Bundle-Reads': `pages=${b.reads.pages}; largest-page-bytes=${b.reads.largestPageBytes}`,
        'Content-Length': String(b.size),
      },
    });
  });
  return app;
}

/** `{trace, span | artifact, direction?, depth?}` → the slice to export, ids lower-cased (HttpError 400 naming what is wrong). */
function sliceSelection(v: unknown): SliceSelection {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'slice must be an object: {"trace", "span" | "artifact", "direction", "depth"}');
  const o = v as Record<string, unknown>;
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const traceId = traceIdParam(str(o.trace), 'slice.trace');
  if (o.span === undefined && o.artifact === undefined) throw new HttpError(400, 'slice needs span (16 hex) or artifact (32 hex)');
  const spanId = o.span !== undefined ? spanIdParam(str(o.span), 'slice.span') : undefined;
  const artifactId = o.artifact !== undefined ? artifactIdParam(str(o.artifact), 'slice.artifact') : undefined;
  const direction = oneOf(o.direction === undefined ? undefined : String(o.direction), ['backward', 'forward'] as const, 'slice.direction', SLICE_DEFAULTS.direction);
  const depth = boundedInt(o.depth === undefined ? undefined : String(o.depth), { name: 'slice.depth', max: SLICE_DEFAULTS.maxDepth, def: SLICE_DEFAULTS.depth });
  return { traceId, ...(spanId ? { spanId } : {}), ...(artifactId ? { artifactId } : {}), direction, depth };
}

