// Ledger API (README "Tamper evidence"): the latest signed checkpoint, inclusion proofs for
// stored spans, consistency proofs between tree sizes. The log is the collector's own (one
// per instance), so these answer the same for every tenant.
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

  app.get('/checkpoint', async (c) => {
    // Sign now if the log grew, so a proof never waits for the timer.
    const cp = await ledger.checkpoint();
    if (!cp) throw new HttpError(404, 'the log is empty: no checkpoint yet');
    return c.json(describe(cp));
  });

  app.get('/inclusion', async (c) => {
    const trace = traceIdParam(c.req.query('trace'), 'trace (a trace id)');
    const span = spanIdParam(c.req.query('span'), 'span (a span id)');
    const leaves = await ledger.leafIndices(trace, span);
    const cp = await ledger.checkpoint();
    if (leaves.length === 0 || !cp) throw new HttpError(404, `span ${trace}/${span} is not in the log (yet)`);
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
    const cp = await ledger.checkpoint();
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
