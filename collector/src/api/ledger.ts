// Ledger API (README "Tamper evidence"): the latest signed checkpoint, inclusion proofs for
// stored spans, consistency proofs between tree sizes. The log is the collector's own (one
// per instance), so these answer the same for every tenant.
import type { CheckpointResponse, ConsistencyResponse, InclusionResponse } from '@causeway/schemas';
import { Hono } from 'hono';
import { verifyInclusion } from '../ledger/merkle.ts';
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
    const cp = await ledger.checkpoint();
    const size = Number(cp?.size ?? 0);
    const leaves = (await ledger.leavesOf(trace, span)).filter((l) => l.leafIndex < size);
    if (leaves.length === 0 || !cp) throw new HttpError(404, `span ${trace}/${span} is not in the log (yet)`);
    const proofs = await ledger.log.inclusionProofs(
      leaves.map((l) => l.leafIndex),
      size,
    );
    // Proofs are read from stored tiles: one that does not reach the signed root means the store was changed.
    const broken = leaves.find((l, i) => !verifyInclusion(BigInt(l.leafIndex), cp.size, Buffer.from(l.leafHash, 'hex'), proofs[i]!, cp.root));
    if (broken) throw new HttpError(409, `the stored log does not prove leaf ${broken.leafIndex} against checkpoint ${size}: its leaves or tiles were changed; run \`causeway verify\``);
    const body: InclusionResponse = {
      checkpoint: describe(cp),
      leaves: leaves.map((l, i) => ({ leafIndex: String(l.leafIndex), leafHash: b64(Buffer.from(l.leafHash, 'hex')), table: l.table, proof: proofs[i]!.map(b64) })),
    };
    return c.json(body);
  });

  app.get('/consistency', async (c) => {
    const size = ledger.size;
    const range = `from and to must be tree sizes with 1 ≤ from ≤ to ≤ ${size}`;
    if (size < 1) throw new HttpError(400, `${range}: the log is empty`);
    const from = treeSize(c.req.query('from'), size, range);
    const cp = await ledger.checkpoint();
    const to = c.req.query('to') === undefined ? Number(cp?.size ?? 0) : treeSize(c.req.query('to'), size, range);
    if (from > to) throw new HttpError(400, range);
    const body: ConsistencyResponse = {
      from: String(from),
      to: String(to),
      fromRoot: b64(await ledger.log.root(from)),
      toRoot: b64(await ledger.log.root(to)),
      proof: (await ledger.log.consistencyProof(from, to)).map(b64),
    };
    return c.json(body);
  });

  // The log as a C2SP tiled log (c2sp.org/tlog-tiles) under /api/ledger/log: the signed
  // checkpoint and the hash tiles, for monitors and tlog clients that check it on their own.
  app.get('/log/checkpoint', async (c) => {
    const cp = await ledger.checkpoint();
    if (!cp) return c.text('the log is empty: no checkpoint yet\n', 404);
    return c.text(cp.note, 200, { 'cache-control': 'no-store' });
  });
  app.get('/log/tile/*', async (c) => {
    const m = /\/log\/tile\/(\d{1,2})\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(c.req.path);
    if (!m) return c.text('not a tile path: tile/<L>/<N>[.p/<W>]\n', 404);
    const index = Number(m[2]!.replace(/x/g, '').replace(/\//g, ''));
    const width = m[3] === undefined ? 256 : Number(m[3]);
    if (m[3] !== undefined && (width < 1 || width > 255)) return c.text('a partial tile is 1 to 255 hashes wide\n', 404);
    const tile = await ledger.tile(Number(m[1]), index, width);
    if (!tile) return c.text('no such tile in this log (yet)\n', 404);
    return c.body(new Uint8Array(tile), 200, { 'content-type': 'application/octet-stream', 'cache-control': m[3] === undefined ? 'public, max-age=31536000, immutable' : 'no-store' });
  });

  return app;
}

function treeSize(v: string | undefined, max: number, reason: string): number {
  const n = v !== undefined && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new HttpError(400, reason);
  return n;
}
