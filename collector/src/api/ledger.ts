// Ledger API: the latest signed checkpoint, inclusion proofs for stored spans, consistency
// proofs between tree sizes. Hashes are base64 (as in C2SP checkpoints and the RFC vectors).
import type { ApiError } from '@causeway/schemas';
import { Hono } from 'hono';
import { verifyInclusion } from '../ledger/merkle.ts';
import type { SpanStore } from '../store/span-store.ts';

export function ledgerApi(store: SpanStore): Hono {
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

  app.get('/api/ledger/checkpoint', async (c) => {
    // Sign now if the log grew, so a proof never waits for the timer.
    const cp = await ledger.checkpoint();
    if (!cp) return c.json<ApiError>({ error: 'the log is empty: no checkpoint yet' }, 404);
    return c.json(describe(cp));
  });

  app.get('/api/ledger/inclusion', async (c) => {
    const trace = (c.req.query('trace') ?? '').toLowerCase();
    const span = (c.req.query('span') ?? '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(trace) || !/^[0-9a-f]{16}$/.test(span)) return c.json<ApiError>({ error: 'trace (32 hex) and span (16 hex) are required' }, 400);
    const cp = await ledger.checkpoint();
    const size = Number(cp?.size ?? 0);
    const leaves = (await ledger.leavesOf(trace, span)).filter((l) => l.leafIndex < size);
    if (leaves.length === 0 || !cp) return c.json<ApiError>({ error: `span ${trace}/${span} is not in the log (yet)` }, 404);
    const proofs = await ledger.log.inclusionProofs(
      leaves.map((l) => l.leafIndex),
      size,
    );
    // Proofs are read from stored tiles: one that does not reach the signed root means the store was changed.
    const broken = leaves.find((l, i) => !verifyInclusion(BigInt(l.leafIndex), cp.size, Buffer.from(l.leafHash, 'hex'), proofs[i]!, cp.root));
    if (broken) return c.json<ApiError>({ error: `the stored log does not prove leaf ${broken.leafIndex} against checkpoint ${size}: its leaves or tiles were changed; run \`causeway verify\`` }, 409);
    return c.json({
      checkpoint: describe(cp),
      leaves: leaves.map((l, i) => ({ leafIndex: String(l.leafIndex), leafHash: b64(Buffer.from(l.leafHash, 'hex')), table: l.table, proof: proofs[i]!.map(b64) })),
    });
  });

  app.get('/api/ledger/consistency', async (c) => {
    const from = Number(c.req.query('from'));
    const cp = await ledger.checkpoint();
    const to = c.req.query('to') === undefined ? Number(cp?.size ?? 0) : Number(c.req.query('to'));
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to || to > ledger.size) {
      return c.json<ApiError>({ error: `from and to must be tree sizes with 1 ≤ from ≤ to ≤ ${ledger.size}` }, 400);
    }
    return c.json({
      from: String(from),
      to: String(to),
      fromRoot: b64(await ledger.log.root(from)),
      toRoot: b64(await ledger.log.root(to)),
      proof: (await ledger.log.consistencyProof(from, to)).map(b64),
    });
  });

  // The log as a C2SP tiled log (c2sp.org/tlog-tiles) under /api/ledger/log: the signed
  // checkpoint and the hash tiles, for monitors and tlog clients that check it on their own.
  app.get('/api/ledger/log/checkpoint', async (c) => {
    const cp = await ledger.checkpoint();
    if (!cp) return c.text('the log is empty: no checkpoint yet\n', 404);
    return c.text(cp.note, 200, { 'cache-control': 'no-store' });
  });
  app.get('/api/ledger/log/tile/*', async (c) => {
    const m = /^\/api\/ledger\/log\/tile\/(\d{1,2})\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(c.req.path);
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
