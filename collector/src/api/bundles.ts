// POST /api/bundles: an evidence bundle (zip) for a set of traces. The exporter is the
// authenticated principal; the export is recorded (`exports`, and `export.delivered` in the
// access audit) only once the response body was fully written to the client, `export.aborted`
// when the client went away first. The response carries the bundle's SHA-256 in a header.
import type { ApiError } from '@causeway/schemas';
import { Hono } from 'hono';
import type { AuditLog } from '../auth/audit.ts';
import { ExportError, type SliceSelection, exportBundle, recordExport } from '../bundle/export.ts';
import { type ScopedEnv, displayName } from './scope.ts';
import type { TrustRule } from '../provenance/trust.ts';
import { READ_SETTINGS } from '../store/clickhouse.ts';
import type { SpanStore } from '../store/span-store.ts';

export function bundlesApi(store: SpanStore, tenant: string, redactionPolicySha256: string, trustRules: TrustRule[], audit?: AuditLog, log: (m: string) => void = () => {}): Hono<ScopedEnv> {
  const app = new Hono<ScopedEnv>();
  app.post('/api/bundles', async (c) => {
    let body: { traceIds?: unknown; exporter?: unknown; slice?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"traceIds": ["<32 hex>", …], "exporter": "<who>"} or {"slice": {"trace", "span", "direction"}, "exporter"}' }, 400);
    }
    let slice: SliceSelection | undefined;
    let ids = body.traceIds;
    if (body.slice !== undefined) {
      const s = parseSlice(body.slice);
      if (typeof s === 'string') return c.json<ApiError>({ error: s }, 400);
      slice = s;
      ids = [s.traceId];
    }
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((t) => typeof t === 'string' && /^[0-9a-fA-F]{32}$/.test(t))) {
      return c.json<ApiError>({ error: 'traceIds must be 1 to 1000 trace ids of 32 hex characters' }, 400);
    }
    // who exports is who signed in: the body's `exporter` and any header are ignored
    const principal = c.env?.principal;
    const exporter = displayName(principal);
    try {
      const b = await exportBundle(store, { tenant, traceIds: ids as string[], ...(slice ? { slice } : {}), exporter, redactionPolicySha256, trustRules });
      const outcome = (action: 'export.delivered' | 'export.aborted'): void => {
        const facts = { tenant, ...(principal ? { principal } : {}), target: b.sha256, traceIds: ids as string[], status: 200, detail: `${b.rows} rows, checkpoint ${b.checkpointSize}`, clientAddress: c.env?.incoming?.socket.remoteAddress ?? '', userAgent: c.req.header('user-agent') ?? '' };
        const done = action === 'export.delivered' ? recordExport(store, b.record) : Promise.resolve();
        done.then(() => audit?.record({ ...facts, action })).catch((e: Error) => log(`${action} of bundle ${b.sha256.slice(0, 12)} could not be recorded: ${e.message}`));
      };
      const out = c.env?.outgoing;
      if (out && (out.destroyed || !out.socket || out.socket.destroyed)) outcome('export.aborted'); // the client left while it was built
      else if (out) {
        // 'finish': the last byte was handed to the connection; 'close' before it: the client left.
        out.once('finish', () => outcome('export.delivered'));
        out.once('close', () => {
          if (!out.writableFinished) outcome('export.aborted');
        });
      } else outcome('export.delivered');
      return new Response(b.zip as BodyInit, {
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename="causeway-evidence-${b.sha256.slice(0, 12)}.zip"`,
          'X-Causeway-Bundle-Sha256': b.sha256,
          'Content-Length': String(b.zip.length),
        },
      });
    } catch (e) {
      if (e instanceof ExportError) return c.json<ApiError>({ error: e.message }, e.status);
      throw e;
    }
  });
  app.get('/api/exports', async (c) => {
    const rs = await store.ch.client.query({
      query: `SELECT toString(exported_at) AS exportedAt, exporter, query, bundle_sha256 AS bundleSha256, rows, checkpoint_size AS checkpointSize
              FROM ${store.ch.database}.exports WHERE tenant = {tenant:String} ORDER BY exported_at DESC LIMIT 1000`,
      query_params: { tenant },
      format: 'JSONEachRow',
      clickhouse_settings: READ_SETTINGS,
    });
    return c.json({ exports: await rs.json() });
  });

  return app;
}

/** `{trace, span | artifact, direction?, depth?}` → a slice selection, or what is wrong with it. */
function parseSlice(v: unknown): SliceSelection | string {
  const o = (v ?? {}) as Record<string, unknown>;
  const hex = (x: unknown, n: number): x is string => typeof x === 'string' && new RegExp(`^[0-9a-f]{${n}}$`).test(x);
  if (!hex(o.trace, 32)) return 'slice.trace must be a trace id of 32 lower-case hex characters';
  if (!hex(o.span, 16) && !hex(o.artifact, 32)) return 'slice needs span (16 hex) or artifact (32 hex)';
  const direction = o.direction ?? 'backward';
  if (direction !== 'backward' && direction !== 'forward') return 'slice.direction must be backward or forward';
  const depth = o.depth ?? 12;
  if (!Number.isInteger(depth) || (depth as number) < 1 || (depth as number) > 64) return 'slice.depth must be an integer from 1 to 64';
  return { traceId: o.trace, ...(hex(o.span, 16) ? { spanId: o.span } : {}), ...(hex(o.artifact, 32) ? { artifactId: o.artifact } : {}), direction, depth: depth as number };
}
