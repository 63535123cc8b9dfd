// GET /healthz: the store's write path (pending, inserted, the last error's class: store/insert-error.ts) for anyone, and what
// redaction replaced since start (every tenant's counts), each ingest worker's heap and busy
// time, and the process's memory (RSS and its anonymous / file split, main heap, embedded ClickHouse's share) for the callers
// `showRedaction` lets see it. Outside /api: no scope, nothing tenant-specific.
import type { EngineMemory, HealthResponse } from '@causeway/schemas';
import { type Context, Hono } from 'hono';
import type { RedactionStatsView } from '../processors/redact.ts';
import { processMemory } from './process-memory.ts';

export function healthApi(
  store: { health(): HealthResponse['store']; engineMemory?(): Promise<EngineMemory | undefined> },
  redaction: RedactionStatsView,
  showRedaction: (c: Context) => boolean | Promise<boolean> = () => true,
  ingestWorkers?: () => NonNullable<HealthResponse['ingestWorkers']>,
): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const s = store.health();
    // Degraded while acknowledged rows wait on a failing ClickHouse, or rows were set aside.
    const degraded = (s.lastError && s.pendingRows > 0) || s.deadLetteredRows > 0;
    const operator = await showRedaction(c);
    const body: HealthResponse = { status: degraded ? 'degraded' : 'ok', store: s };
    if (ingestWorkers) {
      const { workers, ...pool } = ingestWorkers();
      body.ingestWorkers = operator && workers ? { ...pool, workers } : pool;
    }
    if (operator) {
      body.redaction = redaction.snapshot();
      const engine = await store.engineMemory?.();
      body.memory = { ...processMemory(), ...(engine ? { engine } : {}) };
    }
    return c.json(body);
  });
  return app;
}
