// Provenance API: causal slices (backward "why?", forward "what followed?"), the causal graph of
// a whole trace, and one artifact with every place it appears. Mounted at /api (api/app.ts);
// the tenant and its reads come from the request's scope (api/scope.ts).
import { type ApiError, SLICE_DEFAULTS } from '@causeway/schemas';
import { describeArtifact } from '../provenance/artifact-view.ts';
import { Hono } from 'hono';
import { SliceBuilder, type SliceOptions } from '../provenance/slice/index.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { ApiEnv } from './scope.ts';

const TRACE = /^[0-9a-f]{32}$/;
const SPAN = /^[0-9a-f]{16}$/;
const ARTIFACT = /^[0-9a-f]{32}$/;

export function provenanceApi(trustRules: TrustRule[]): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  const bounded = (v: string | undefined, def: number, max: number, name: string): number | string => {
    if (v === undefined || v === '') return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) return `${name} must be an integer from 1 to ${max}, got "${v}"`;
    return n;
  };

  app.get('/provenance/slice', async (c) => {
    const { tenant } = c.var.scope;
    const q = c.var.reads.provenance;
    const trace = (c.req.query('trace') ?? '').toLowerCase();
    const span = (c.req.query('span') ?? '').toLowerCase();
    const artifact = (c.req.query('artifact') ?? '').toLowerCase();
    const direction = c.req.query('direction') ?? 'backward';
    const depth = bounded(c.req.query('depth'), SLICE_DEFAULTS.depth, SLICE_DEFAULTS.maxDepth, 'depth');
    const limit = bounded(c.req.query('limit'), SLICE_DEFAULTS.nodes, SLICE_DEFAULTS.maxNodes, 'limit');
    if (direction !== 'backward' && direction !== 'forward') return c.json<ApiError>({ error: `direction must be backward or forward, got "${direction}"` }, 400);
    if (typeof depth === 'string') return c.json<ApiError>({ error: depth }, 400);
    if (typeof limit === 'string') return c.json<ApiError>({ error: limit }, 400);
    if (trace && !TRACE.test(trace)) return c.json<ApiError>({ error: 'trace must be 32 hex characters' }, 400);
    const o: SliceOptions = { tenant, direction, depth, maxNodes: limit, trustRules };
    const builder = new SliceBuilder(q, o);
    if (artifact) {
      if (!ARTIFACT.test(artifact)) return c.json<ApiError>({ error: 'artifact must be 32 hex characters' }, 400);
      const s = await builder.slice({ artifactId: artifact, ...(trace ? { traceId: trace } : {}) });
      return s ? c.json(s) : c.json<ApiError>({ error: `artifact ${artifact} not found` }, 404);
    }
    if (!TRACE.test(trace) || !SPAN.test(span)) return c.json<ApiError>({ error: 'give trace (32 hex) and span (16 hex), or artifact (32 hex)' }, 400);
    const s = await builder.slice({ traceId: trace, spanId: span });
    return s ? c.json(s) : c.json<ApiError>({ error: `span ${trace}/${span} has no provenance (not stored, or not yet)` }, 404);
  });

  app.get('/provenance/traces/:id', async (c) => {
    const { tenant } = c.var.scope;
    const q = c.var.reads.provenance;
    const trace = c.req.param('id').toLowerCase();
    if (!TRACE.test(trace)) return c.json<ApiError>({ error: 'trace id must be 32 hex characters' }, 400);
    const limit = bounded(c.req.query('limit'), SLICE_DEFAULTS.maxNodes, 20_000, 'limit');
    if (typeof limit === 'string') return c.json<ApiError>({ error: limit }, 400);
    const s = await new SliceBuilder(q, { tenant, direction: 'backward', depth: 1, maxNodes: limit, trustRules }).traceGraph(trace);
    return s ? c.json(s) : c.json<ApiError>({ error: `trace ${trace} has no provenance` }, 404);
  });

  app.get('/artifacts/:id', async (c) => {
    const { tenant } = c.var.scope;
    const q = c.var.reads.provenance;
    const id = c.req.param('id').toLowerCase();
    if (!ARTIFACT.test(id)) return c.json<ApiError>({ error: 'artifact id must be 32 hex characters' }, 400);
    const limit = bounded(c.req.query('limit'), 200, 10_000, 'limit');
    if (typeof limit === 'string') return c.json<ApiError>({ error: limit }, 400);
    const body = await describeArtifact(q, tenant, trustRules, id, limit);
    return body ? c.json(body) : c.json<ApiError>({ error: `artifact ${id} not found` }, 404);
  });

  return app;
}
