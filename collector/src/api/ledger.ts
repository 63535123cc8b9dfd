// Ledger API: the latest signed checkpoint, inclusion proofs for stored spans, consistency
// proofs between tree sizes. Hashes are base64 (as in C2SP checkpoints and the RFC vectors).
import type { ApiError } from '@causeway/schemas';
import { Hono } from 'hono';
import type { SpanStore } from '../store/span-store.ts';

export function ledgerApi(store: SpanStore, tenant: string): Hono {
  const app = new Hono();
  const ledger = store.ledger;
  const b64 = (h: Buffer): string => h.toString('base64');

  const describe = (c: NonNullable<typeof ledger.latestCheckpoint>) => ({
    logId: ledger.logId,
    origin: c.origin,
    treeSize: String(c.size),
    rootHash: b64(c.root),
    verifierKey: ledger.verifierKey,
    publicKey: b64(ledger.key.publicKey),
    note: c.note,
  });

  // Checkpoints are signed by the timer (CAUSEWAY_CHECKPOINT_INTERVAL_MS), never by a read.
  app.get('/api/ledger/checkpoint', (c) => {
    const cp = ledger.latestCheckpoint;
    if (!cp) return c.json<ApiError>({ error: 'no signed checkpoint yet: the log is empty, or its first checkpoint is a few seconds away' }, 404);
    return c.json(describe(cp));
  });

  app.get('/api/ledger/inclusion', async (c) => {
    const trace = (c.req.query('trace') ?? '').toLowerCase();
    const span = (c.req.query('span') ?? '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(trace) || !/^[0-9a-f]{16}$/.test(span)) return c.json<ApiError>({ error: 'trace (32 hex) and span (16 hex) are required' }, 400);
    // another tenant's span does not exist for this caller
    const leaves = (await ledger.leafIndices(trace, span)).filter((l) => l.tenant === tenant);
    const cp = ledger.latestCheckpoint;
    if (leaves.length === 0 || !cp || !leaves.some((l) => l.leaf_index < Number(cp.size))) {
      return c.json<ApiError>({ error: `span ${trace}/${span} is not in the log, or not yet under a signed checkpoint` }, 404);
    }
    const size = Number(cp.size);
    return c.json({
      checkpoint: describe(cp),
      leaves: leaves
        .filter((l) => l.leaf_index < size)
        .map((l) => ({ leafIndex: String(l.leaf_index), leafHash: b64(Buffer.from(l.leaf_hash, 'hex')), proof: ledger.log.inclusionProof(l.leaf_index, size).map(b64) })),
    });
  });

  app.get('/api/ledger/consistency', (c) => {
    const from = Number(c.req.query('from'));
    const cp = ledger.latestCheckpoint;
    const to = c.req.query('to') === undefined ? Number(cp?.size ?? 0) : Number(c.req.query('to'));
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || from > to || to > ledger.log.size) {
      return c.json<ApiError>({ error: `from and to must be tree sizes with 1 ≤ from ≤ to ≤ ${ledger.log.size}` }, 400);
    }
    return c.json({
      from: String(from),
      to: String(to),
      fromRoot: b64(ledger.log.root(from)),
      toRoot: b64(ledger.log.root(to)),
      proof: ledger.log.consistencyProof(from, to).map(b64),
    });
  });

  return app;
}
