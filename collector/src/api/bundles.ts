// POST /api/bundles (README "Evidence bundles"): an evidence bundle (zip) for a set of traces or
// one causal slice. The export is recorded in the store; the response carries the bundle's
// SHA-256 in a header. GET /api/exports lists what was exported (api/exports.ts).
import { type ApiError, BUNDLE_LIMITS, type BundleRequest, SLICE_DEFAULTS, type SliceSelection } from '@causeway/schemas';
import { Hono } from 'hono';
import { BuildSlots } from '../bundle/build-slots.ts';
import { ExportError, exportBundle } from '../bundle/export.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import { HttpError, artifactIdParam, boundedInt, jsonBody, oneOf, spanIdParam, traceIdParam } from './params.ts';
import { type ApiEnv, actorOf } from './scope.ts';

export interface BundlesDeps {
  ledger: LedgerStore;
  trustRules: TrustRule[];
  /** SHA-256 of the redaction policy in force, written into every manifest */
  redactionPolicySha256: string;
  /** rows per bundle at most, bundles built at once at most (defaults: BUNDLE_LIMITS) */
  limits?: { maxRows: number; maxConcurrentBuilds: number };
}

/** Seconds a client refused for a busy exporter waits before it asks again. */
const RETRY_AFTER_SECONDS = '2';

const SHAPE = '{"traceIds": ["<32 hex>", …], "exporter": "<who>"} or {"slice": {"trace", "span" | "artifact", "direction", "depth"}, "exporter"}';

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
    const release = slots.tryTake();
    if (!release) {
      return c.json<ApiError>({ error: `${slots.max} bundle(s) are being built; retry later` }, 429, { 'Retry-After': RETRY_AFTER_SECONDS });
    }
    try {
      const b = await exportBundle(
        { reads: c.var.reads, ledger: d.ledger },
        { traceIds: ids, ...(slice ? { slice } : {}), exporter: actorOf(c, body.exporter), maxRows: limits.maxRows, redactionPolicySha256: d.redactionPolicySha256, trustRules: d.trustRules },
      );
      return new Response(b.zip as BodyInit, {
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename="causeway-evidence-${b.sha256.slice(0, 12)}.zip"`,
          'X-Causeway-Bundle-Sha256': b.sha256,
          'Content-Length': String(b.zip.length),
        },
      });
    } catch (e) {
      if (e instanceof ExportError) throw new HttpError(e.status, e.message);
      throw e;
    } finally {
      release();
    }
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

