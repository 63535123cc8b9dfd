// Provenance API: causal slices (backward "why?", forward "what followed?"), the causal graph of
// a whole trace, and one artifact with every place it appears. Mounted at /api (api/app.ts);
// the tenant and its reads come from the request's scope (api/scope.ts).
import { type ApiError, type ArtifactResponse, SLICE_DEFAULTS } from '@causeway/schemas';
import { Hono } from 'hono';
import { SliceBuilder, type SliceOptions } from '../provenance/slice.ts';
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
    const [row] = await q.artifacts(tenant, [id]);
    if (!row) return c.json<ApiError>({ error: `artifact ${id} not found` }, 404);
    const apps = await q.appearances(tenant, [id], limit + 1);
    const acts = new Map((await q.activitiesAt(tenant, apps)).map((a) => [`${a.trace_id}/${a.span_id}`, a]));
    const rels = await q.relations(tenant, [...new Set(apps.map((a) => a.trace_id))]);
    const roleOf = (t: string, s: string, rel: string): string => rels.find((r) => r.trace_id === t && r.span_id === s && r.artifact_id === id && r.relation === rel)?.role ?? '';
    // trust needs the producers: a one-artifact slice labels it with the same rules
    const slice = await new SliceBuilder(q, { tenant, direction: 'forward', depth: 1, maxNodes: 1, trustRules }).slice({ artifactId: id });
    const node = slice?.nodes.find((n) => n.type === 'artifact');
    const body: ArtifactResponse = {
      artifact: {
        id,
        artifactId: id,
        kind: row.kind,
        trust: node?.type === 'artifact' ? node.trust : 'unknown',
        trustWhy: node?.type === 'artifact' ? node.trustWhy : '',
        preview: row.content.slice(0, 280),
        content: row.content,
        contentTruncated: row.content.length < row.content_length,
        contentLength: row.content_length,
        toolName: row.tool_name,
        documentId: row.document_id,
        source: row.source,
        parts: row.parts,
      },
      appearances: apps.slice(0, limit).map((a) => {
        const act = acts.get(`${a.trace_id}/${a.span_id}`);
        return {
          traceId: a.trace_id,
          spanId: a.span_id,
          relation: a.relation,
          role: roleOf(a.trace_id, a.span_id, a.relation),
          activityKind: act?.kind ?? '',
          activityName: act?.name ?? '',
          start: act?.start_time_unix_nano ?? '',
        };
      }),
      truncated: apps.length > limit,
    };
    return c.json(body);
  });

  return app;
}
