// GET /api/exports[?incident=<id>]: the chain of custody, every evidence bundle exported (who,
// when, what, the bundle's SHA-256, the incident it was exported from), newest first, at most 1000.
import type { ExportListResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import { incidentIdParam } from './params.ts';
import type { ApiEnv } from './scope.ts';

export function exportsApi(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/', async (c) => {
    const incident = c.req.query('incident');
    const body: ExportListResponse = { exports: await c.var.reads.exports.list(1000, incident === undefined ? undefined : incidentIdParam(incident)) };
    return c.json(body);
  });
  return app;
}
