// Ledger API (README "Tamper evidence"): the latest signed checkpoint, inclusion proofs for
// stored spans, consistency proofs between tree sizes. The log is the collector's own (one
// per instance); an inclusion proof is only for a span of the caller's tenant. Checkpoints are
// signed by the timer (CAUSEWAY_CHECKPOINT_INTERVAL_MS), at an export and at shutdown: never
// because someone read one.
import type { CheckpointResponse, ConsistencyResponse, InclusionResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import type { LedgerStore, SignedCheckpoint } from '../store/ledger-store.ts';
import { HttpError, spanIdParam, traceIdParam } from './params.ts';
import type { ApiEnv } from './scope.ts';

export function ledgerApi(ledger: LedgerStore): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const b64 = (h: Buffer): string => h.toString('base64');

  const describe = (c: SignedCheckpoint): CheckpointResponse => ({
    logId: ledger.logId,
    origin: c.origin,
    treeSize: String(c.size),
    rootHash: b64(c.root),
    verifierKey: ledger.verifierKey,
    publicKey: b64(ledger.key.publicKey),
    note: c.note,
  });

  app.get('/checkpoint', (c) => {
    const cp = ledger.latestCheckpoint;
    if (!cp) throw new HttpError(404, 'no signed checkpoint yet: the log is empty, or its first checkpoint is a few seconds away');
    return c.json(describe(cp));
  });

  app.get('/inclusion', async (c) => {
    const trace = traceIdParam(c.req.query('trace'), 'trace (a trace id)');
    const span = spanIdParam(c.req.query('span'), 'span (a span id)');
    // another tenant's span does not exist for this caller
    const leaves = (await ledger.leafIndices(trace, span)).filter((l) => l.tenant === c.var.scope.tenant);
    const cp = ledger.latestCheckpoint;
    if (leaves.length === 0 || !cp || !leaves.some((l) => l.leaf_index < Number(cp.size))) {
      throw new HttpError(404, `span ${trace}/${span} is not in the log, or not yet under a signed checkpoint`);
    }
    const size = Number(cp.size);
    const body: InclusionResponse = {
      checkpoint: describe(cp),
      leaves: leaves
        .filter((l) => l.leaf_index < size)
        .map((l) => ({ leafIndex: String(l.leaf_index), leafHash: b64(Buffer.from(l.leaf_hash, 'hex')), proof: ledger.log.inclusionProof(l.leaf_index, size).map(b64) })),
    };
    return c.json(body);
  });

  app.get('/consistency', async (c) => {
    const size = ledger.log.size;
    const range = `from and to must be tree sizes with 1 ≤ from ≤ to ≤ ${size}`;
    if (size < 1) throw new HttpError(400, `${range}: the log is empty`);
    const from = treeSize(c.req.query('from'), size, range);
    const cp = ledger.latestCheckpoint;
    const to = c.req.query('to') === undefined ? Number(cp?.size ?? 0) : treeSize(c.req.query('to'), size, range);
    if (from > to) throw new HttpError(400, range);
    const body: ConsistencyResponse = {
      from: String(from),
      to: String(to),
      fromRoot: b64(ledger.log.root(from)),
      toRoot: b64(ledger.log.root(to)),
      proof: ledger.log.consistencyProof(from, to).map(b64),
    };
    return c.json(body);
  });

  return app;
}

function treeSize(v: string | undefined, max: number, reason: string): number {
  const n = v !== undefined && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new HttpError(400, reason);
  return n;
}
