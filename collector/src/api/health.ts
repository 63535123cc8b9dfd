// GET /healthz: the store's write path (pending, inserted, last error) and what redaction
// replaced since start. Outside /api: no scope, nothing tenant-specific.
import type { HealthResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { RedactionStatsView } from '../processors/redact.ts';

export function healthApi(store: { health(): HealthResponse['store'] }, redaction: RedactionStatsView): Hono {
  const app = new Hono();
  app.get('/', (c) => {
    const s = store.health();
    // Degraded while acknowledged rows wait on a failing ClickHouse, or rows were set aside.
    const degraded = (s.lastError && s.pendingRows > 0) || s.deadLetteredRows > 0;
    const body: HealthResponse = { status: degraded ? 'degraded' : 'ok', store: s, redaction: redaction.snapshot() };
    return c.json(body);
  });
  return app;
}
