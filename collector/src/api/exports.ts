// GET /api/exports: the chain of custody, every evidence bundle exported (who, when, what, the
// bundle's SHA-256), newest first, at most 1000.
import type { ExportListResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { ApiEnv } from './scope.ts';

export function exportsApi(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/', async (c) => {
    const body: ExportListResponse = { exports: await c.var.reads.exports.list() };
    return c.json(body);
  });
  return app;
}
