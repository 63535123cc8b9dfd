// GET /api/redactions: per redaction rule, values replaced and spans affected, over everything stored.
import type { RedactionSummaryResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { ApiEnv } from './scope.ts';

export function redactionsApi(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/', async (c) => {
    const body: RedactionSummaryResponse = { rules: await c.var.reads.traces.redactionSummary() };
    return c.json(body);
  });
  return app;
}
