// GET /healthz: the store's write path (pending, inserted, last error) and what redaction
// replaced since start. Outside /api: no scope, nothing tenant-specific.
import type { HealthResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { RedactionStatsView } from '../processors/redact.ts';

export function healthApi(store: { health(): HealthResponse['store'] }, redaction: RedactionStatsView): Hono {
  const app = new Hono();
  app.get('/', (c) => {
    const s = store.health();
    const body: HealthResponse = { status: s.lastError && s.pendingRows > 0 ? 'degraded' : 'ok', store: s, redaction: redaction.snapshot() };
    return c.json(body);
  });
  return app;
}
