// Provenance API: causal slices (backward "why?", forward "what followed?"), the causal graph of
// a whole trace, and one artifact with every place it appears. Mounted at /api (api/app.ts);
// the tenant and its reads come from the request's scope (api/scope.ts).
import { ARTIFACT_APPEARANCE_LIMITS, SLICE_DEFAULTS, type SliceDirection, type SliceQuery, type SliceResponse, TRACE_GRAPH_LIMITS } from '@causeway/schemas';
import { type Context, Hono } from 'hono';
import { describeArtifact } from '../provenance/artifact-view.ts';
import { SliceBuilder } from '../provenance/slice/index.ts';
import { markSubmitters, submittersOnce } from '../provenance/submitters.ts';
import type { TrustRule } from '../provenance/trust.ts';
import { traceOverview } from './trace-overview.ts';
import { HttpError, artifactIdParam, boundedInt, oneOf, spanIdParam, traceIdParam } from './params.ts';
import type { ApiEnv } from './scope.ts';

const SLICE_PARAMS = ['trace', 'span', 'artifact', 'direction', 'depth', 'limit'] as const;
const DIRECTIONS: readonly SliceDirection[] = ['backward', 'forward'];

/** The URL parameters of a slice → a SliceQuery (HttpError 400 naming what is wrong). */
export function sliceQuery(q: Record<string, string>): SliceQuery {
  const unknown = Object.keys(q).filter((k) => !(SLICE_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}; a slice takes ${SLICE_PARAMS.join(', ')}`);
  const s: SliceQuery = {
    direction: oneOf(q.direction, DIRECTIONS, 'direction', SLICE_DEFAULTS.direction),
    depth: boundedInt(q.depth, { name: 'depth', max: SLICE_DEFAULTS.maxDepth, def: SLICE_DEFAULTS.depth }),
    limit: boundedInt(q.limit, { name: 'limit', max: SLICE_DEFAULTS.maxNodes, def: SLICE_DEFAULTS.nodes }),
  };
  if (q.trace) s.trace = traceIdParam(q.trace, 'trace');
  if (q.artifact) s.artifact = artifactIdParam(q.artifact, 'artifact');
  else if (q.span && s.trace) s.span = spanIdParam(q.span, 'span');
  else throw new HttpError(400, 'give trace (32 hex) and span (16 hex), or artifact (32 hex)');
  return s;
}

export function provenanceApi(trustRules: TrustRule[]): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  // who submitted each node, and which came from another credential than the seed's
  // the artifacts' appearances come from the builder: its walk read most of them already
  const marked = (c: Context<ApiEnv>, s: SliceResponse, b: SliceBuilder): Promise<SliceResponse> =>
    markSubmitters(s, c.var.scope.tenant, (_t, spans) => c.var.reads.traces.submitters(spans), (t, ids, limit) => b.appearances(t, ids, limit));

  app.get('/provenance/slice', async (c) => {
    const q = sliceQuery(c.req.query());
    const builder = new SliceBuilder(c.var.reads.provenance, { tenant: c.var.scope.tenant, direction: q.direction, depth: q.depth, maxNodes: q.limit, trustRules });
    if (q.artifact) {
      const s = await builder.slice({ artifactId: q.artifact, ...(q.trace ? { traceId: q.trace } : {}) });
      if (!s) throw new HttpError(404, `artifact ${q.artifact} not found`);
      return c.json(await marked(c, s, builder));
    }
    const s = await builder.slice({ traceId: q.trace!, spanId: q.span! });
    if (!s) throw new HttpError(404, `span ${q.trace}/${q.span} has no provenance (not stored, or not yet)`);
    return c.json(await marked(c, s, builder));
  });

  app.get('/provenance/traces/:id', async (c) => {
    const trace = traceIdParam(c.req.param('id'));
    const limit = boundedInt(c.req.query('limit'), { name: 'limit', max: TRACE_GRAPH_LIMITS.max, def: TRACE_GRAPH_LIMITS.default });
    const builder = new SliceBuilder(c.var.reads.provenance, { tenant: c.var.scope.tenant, direction: 'backward', depth: 1, maxNodes: limit, trustRules });
    const s = await builder.traceGraph(trace);
    if (!s) throw new HttpError(404, `trace ${trace} has no provenance`);
    return c.json(await marked(c, s, builder));
  });

  app.get('/provenance/traces/:id/overview', async (c) => {
    const trace = traceIdParam(c.req.param('id'));
    // its steps and each key slice are marked: the spans of one trace, read once for all of them
    const submitters = submittersOnce((ids) => c.var.reads.traces.submittersOfTraces(ids));
    const mark = (s: SliceResponse): Promise<SliceResponse> => markSubmitters(s, c.var.scope.tenant, (_t, spans) => submitters(spans), (t, ids, limit) => c.var.reads.provenance.appearances(t, ids, limit));
    const body = await traceOverview(c.var.reads.provenance, trace, { tenant: c.var.scope.tenant, trustRules, mark });
    if (!body) throw new HttpError(404, `trace ${trace} has no provenance`);
    return c.json(body);
  });

  app.get('/artifacts/:id', async (c) => {
    const id = artifactIdParam(c.req.param('id'));
    const limit = boundedInt(c.req.query('limit'), { name: 'limit', max: ARTIFACT_APPEARANCE_LIMITS.max, def: ARTIFACT_APPEARANCE_LIMITS.default });
    const body = await describeArtifact(c.var.reads.provenance, c.var.scope.tenant, trustRules, id, limit);
    if (!body) throw new HttpError(404, `artifact ${id} not found`);
    return c.json(body);
  });

  return app;
}
