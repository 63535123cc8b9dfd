// POST /api/bundles: an evidence bundle (zip) for a set of traces. The export is recorded in
// the store; the response carries the bundle's SHA-256 in a header.
import type { ApiError } from '@causeway/schemas';
import { Hono } from 'hono';
import { ExportError, exportBundle } from '../bundle/export.ts';
import { READ_SETTINGS } from '../store/clickhouse.ts';
import type { SpanStore } from '../store/span-store.ts';

export function bundlesApi(store: SpanStore, tenant: string, redactionPolicySha256: string): Hono {
  const app = new Hono();
  app.post('/api/bundles', async (c) => {
    let body: { traceIds?: unknown; exporter?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json<ApiError>({ error: 'body must be JSON: {"traceIds": ["<32 hex>", …], "exporter": "<who>"}' }, 400);
    }
    const ids = body.traceIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((t) => typeof t === 'string' && /^[0-9a-fA-F]{32}$/.test(t))) {
      return c.json<ApiError>({ error: 'traceIds must be 1 to 1000 trace ids of 32 hex characters' }, 400);
    }
    const exporter = typeof body.exporter === 'string' && body.exporter ? body.exporter.slice(0, 200) : (c.req.header('x-causeway-user') ?? 'anonymous');
    try {
      const b = await exportBundle(store, { tenant, traceIds: ids as string[], exporter, redactionPolicySha256 });
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
