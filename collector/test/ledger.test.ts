// The tamper-evident log end to end: checkpoints and proofs verify with nothing but the public
// key; `causeway verify` passes on an honest store and names every row changed, dropped or added
// through a side door; a collector refuses to start on a ledger that no longer matches.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openCheckpoint } from '../src/ledger/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../src/ledger/merkle.ts';
import { TreeEdge, perfectRoot, tilePath } from '../src/ledger/tiles.ts';
import { type CollectorProcess, startCollector, storeEnv, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

interface CheckpointBody { logId: string; origin: string; treeSize: string; rootHash: string; publicKey: string; verifierKey: string; note: string }
interface InclusionBody { checkpoint: CheckpointBody; leaves: { leafIndex: string; leafHash: string; proof: string[] }[] }
interface ConsistencyBody { fromRoot: string; toRoot: string; proof: string[] }

function run(cmd: string, env: Record<string, string>, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, cmd), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A collector killed when the test ends, if it still runs then: a failed check leaves no 1 GB process behind. */
async function collector(opts: Parameters<typeof startCollector>[0]): Promise<CollectorProcess> {
  const cw = await startCollector(opts);
  onTestFinished(() => cw.kill9());
  return cw;
}

describe('ledger', () => {
  it('signs checkpoints, proves inclusion and consistency, verifies the store and names every side-door change', { timeout: 400_000 }, async () => {
    const dataDir = tempDataDir();
    const cw = await collector({ dataDir, env: { CAUSEWAY_CHECKPOINT_INTERVAL_MS: '200' } });
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
    const traces = [makeTrace(10), makeTrace(10), makeTrace(10)];
    for (const t of traces.slice(0, 2)) expect(await exportSpans(exporter, t)).toBe(true);
    // Every stored row is a leaf: the 20 spans, the provenance rows read from them and the
    // access-audit events (the credentials created at first start).
    const n1 = (await cw.settled()).store.insertedRows;
    expect(n1).toBeGreaterThanOrEqual(42);

    // A checkpoint over the first rows (signed by the timer, not by reading it) opens with the public key alone.
    const first = await cw.checkpoint<CheckpointBody>(n1);
    expect(first.treeSize).toBe(String(n1));
    const publicKey = b64(first.publicKey);
    const c1 = openCheckpoint(first.note, first.origin, publicKey);
    expect(c1.root.toString('base64')).toBe(first.rootHash);

    expect(await exportSpans(exporter, traces[2]!)).toBe(true);
    const n2 = (await cw.settled()).store.insertedRows;
    await cw.checkpoint(n2);
    const span = traces[2]![3]!.spanContext();
    const inc = (await cw.getJson<InclusionBody>(`/api/ledger/inclusion?trace=${span.traceId}&span=${span.spanId}`)).body;
    const c2 = openCheckpoint(inc.checkpoint.note, first.origin, publicKey);
    expect(c2.size).toBe(BigInt(n2));
    const leaf = inc.leaves[0]!;
    expect(verifyInclusion(BigInt(leaf.leafIndex), c2.size, b64(leaf.leafHash), leaf.proof.map(b64), c2.root)).toBe(true);
    expect(verifyInclusion(BigInt(leaf.leafIndex) ^ 1n, c2.size, b64(leaf.leafHash), leaf.proof.map(b64), c2.root)).toBe(false);
    const cons = (await cw.getJson<ConsistencyBody>(`/api/ledger/consistency?from=${n1}&to=${n2}`)).body;
    expect(verifyConsistency(BigInt(n1), BigInt(n2), c1.root, c2.root, cons.proof.map(b64))).toBe(true);

    // The same log as a C2SP tiled log: the signed note, and tiles from which anyone recomputes the root.
    // (Reading the inclusion proof was audited: one more leaf. The tiles are read at the checkpoint over it;
    // reading checkpoints and tiles is not audited, so nothing moves meanwhile.)
    const nt = (await cw.settled()).store.insertedRows;
    expect(nt).toBeGreaterThan(n2);
    const ct = openCheckpoint((await cw.checkpoint<CheckpointBody>(nt)).note, first.origin, publicKey);
    expect(ct.size).toBe(BigInt(nt));
    expect(verifyConsistency(BigInt(n2), ct.size, c2.root, ct.root, (await cw.getJson<ConsistencyBody>(`/api/ledger/consistency?from=${n2}&to=${nt}`)).body.proof.map(b64))).toBe(true);
    const note = await (await cw.fetch('/api/ledger/log/checkpoint')).text();
    expect(openCheckpoint(note, first.origin, publicKey)).toEqual(ct);
    // every leaf from the level-0 tiles: the full ones, then the partial right-hand one
    const edge = TreeEdge.empty();
    const full = Math.floor(nt / 256);
    for (let i = 0; i <= full; i++) {
      const width = i < full ? 256 : nt % 256;
      if (width === 0) break;
      const tile = Buffer.from(await (await cw.fetch(`/api/ledger/log/${tilePath(0, i, width)}`)).arrayBuffer());
      expect(tile.length).toBe(width * 32);
      edge.append(tile);
    }
    expect(edge.root().equals(ct.root)).toBe(true);
    if (nt % 256 !== 0) expect((await cw.fetch(`/api/ledger/log/${tilePath(0, full, 256)}`)).status).toBe(404); // not full yet
    // the tiles are evidence too: not without credentials
    expect((await fetch(`${cw.apiUrl}/api/ledger/log/${tilePath(0, 0, Math.min(nt, 256))}`)).status).toBe(401);

    // Log records are stored rows too: they join the log.
    const logs = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${cw.otlpUrl}/v1/logs`, headers: cw.ingestHeaders }) })] });
    const ctx = trace.setSpanContext(ROOT_CONTEXT, traces[0]![0]!.spanContext());
    for (const content of ['first prompt', 'second prompt']) logs.getLogger('t').emit({ context: ctx, eventName: 'gen_ai.user.message', body: { content } });
    await logs.shutdown();
    // (reading the inclusion proof was audited: one more leaf)
    const n3 = (await cw.settled()).store.insertedRows;
    expect(n3).toBeGreaterThanOrEqual(nt + 2);
    expect((await cw.checkpoint<CheckpointBody>(n3)).treeSize).toBe(String(n3));
    await cw.stop();

    // Provenance rows are stored without their row_hash (store/insert-lines.ts): the ledger holds
    // each once, as the row's leaf, and verify (and a bundle) rebuilds it from the stored columns.
    const hashFree = run(
      'testkit/tamper-store.ts',
      await storeEnv(dataDir, 'admin'),
      dataDir,
      ...['prov_activities', 'prov_relations', 'prov_artifacts'].map((t) => `SELECT throwIf(count() = 0 OR countIf(row_hash != toFixedString('', 64)) > 0, '${t}: no rows, or rows holding a row_hash') FROM causeway.${t}`),
    );
    expect(hashFree.code, hashFree.out).toBe(0);

    // An honest store verifies.
    const clean = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(clean.out).toMatch(new RegExp(`^verified: log [0-9a-f]{32}, ${n3} rows, ${n3} leaves, \\d+ signed checkpoints \\(newest size ${n3}\\)$`, 'm'));
    expect(clean.code).toBe(0);
    // Read in pieces of a few rows (by time and id ranges, by leaf index): the same verdict.
    const pieces = run('collector/src/main.ts', await storeEnv(dataDir), 'verify', '--piece-rows', '7');
    expect(pieces.out).toMatch(new RegExp(`^verified: log [0-9a-f]{32}, ${n3} rows, ${n3} leaves`, 'm'));

    // Four side doors, on four different spans.
    const [changed, dropped, copied, unlogged] = [traces[0]![2]!, traces[1]![5]!, traces[2]![7]!, traces[2]![8]!].map((s) => s.spanContext());
    const forgedSpanId = 'f0f0f0f0f0f0f0f0';
    const t = run(
      'testkit/tamper-store.ts',
      await storeEnv(dataDir, 'admin'),
      dataDir,
      `ALTER TABLE causeway.spans UPDATE name = 'innocent-looking name' WHERE span_id = '${changed!.spanId}'`,
      `ALTER TABLE causeway.spans DELETE WHERE span_id = '${dropped!.spanId}'`,
      // a forged span, even carrying the copied row's row_hash
      `INSERT INTO causeway.spans (tenant, trace_id, span_id, parent_span_id, name, kind, start_time_unix_nano, end_time_unix_nano, attributes, service_name, resource_attributes, row_hash)
       SELECT tenant, trace_id, '${forgedSpanId}', parent_span_id, 'forged', kind, start_time_unix_nano, end_time_unix_nano, attributes, service_name, resource_attributes, row_hash
       FROM causeway.spans WHERE span_id = '${copied!.spanId}'`,
      `ALTER TABLE causeway.ledger_entries DELETE WHERE span_id = unhex('${unlogged!.spanId}')`,
      `ALTER TABLE causeway.logs UPDATE severity_text = 'DEBUG' WHERE 1`,
      // provenance rows are ledgered rows too: relabel the changed span's activity
      `ALTER TABLE causeway.prov_activities UPDATE kind = 'approval' WHERE span_id = '${changed!.spanId}'`,
    );
    expect(t.code, t.out).toBe(0);
    const tampered = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(tampered.code).toBe(1);
    const problems = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('TAMPERED')).sort();
    expect(problems(run('collector/src/main.ts', await storeEnv(dataDir), 'verify', '--piece-rows', '7').out)).toEqual(problems(tampered.out));
    expect(tampered.out).toContain(`row changed: span ${changed!.traceId}/${changed!.spanId}`);
    expect(tampered.out).toContain(`row dropped: leaf`);
    expect(tampered.out).toMatch(new RegExp(`row dropped: leaf \\d+ \\(span ${dropped!.traceId}/${dropped!.spanId}\\)`));
    expect(tampered.out).toContain(`row added: span ${copied!.traceId}/${forgedSpanId} is not in the log`);
    expect(tampered.out).toMatch(/ledger leaf \d+ is missing/);
    expect(tampered.out).toContain(`prov_activities row added: a row of span ${changed!.traceId}/${changed!.spanId} is not in the log`);
    expect(tampered.out).toMatch(new RegExp(`prov_activities row dropped: leaf \\d+ \\(span ${changed!.traceId}/${changed!.spanId}\\)`));
    expect(tampered.out).toMatch(new RegExp(`row added: span ${unlogged!.traceId}/${unlogged!.spanId}`));
    expect(tampered.out).toMatch(new RegExp(`checkpoint ${n3}: the log has only \\d+ verifiable leaves`));
    expect(tampered.out.match(/log record added: a record of span [0-9a-f]{32}\/[0-9a-f]{16} is not in the log/g)).toHaveLength(2);
    // the two records' leaves come after the n2 leaves before them (where exactly depends on how the writer batched them)
    const droppedLogs = [...tampered.out.matchAll(/log record dropped: leaf (\d+) \(span [0-9a-f]{32}\/[0-9a-f]{16}\) has no stored record/g)].map((m) => Number(m[1]));
    expect(droppedLogs).toHaveLength(2);
    for (const i of droppedLogs) expect(i).toBeGreaterThanOrEqual(n2);

    // And the collector will not append to a log that no longer matches what it signed.
    await expect(startCollector({ dataDir })).rejects.toThrow(/ledger integrity: leaf \d+ of log [0-9a-f]+ is missing/);
  });
});

describe('ledger across restarts', () => {
  it('starts from the stored right edge; an interior change fails every proof through it; a changed edge or a rolled-back store stops the start', { timeout: 400_000 }, async () => {
    const dataDir = tempDataDir();
    const tamper = async (...sql: string[]): Promise<void> => {
      const t = run('testkit/tamper-store.ts', await storeEnv(dataDir, 'admin'), dataDir, ...sql);
      expect(t.code, t.out).toBe(0);
    };
    let cw = await collector({ dataDir, env: { CAUSEWAY_CHECKPOINT_INTERVAL_MS: '200' } });
    let exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
    const traces = Array.from({ length: 15 }, () => makeTrace(10));
    for (const t of traces) expect(await exportSpans(exporter, t)).toBe(true);
    // the timer's checkpoint over every stored row
    const first = await cw.checkpoint<CheckpointBody>((await cw.settled()).store.insertedRows);
    const n1 = Number(first.treeSize);
    expect(n1).toBeGreaterThan(300); // past one full tile of 256 leaves: level 1 exists
    const publicKey = b64(first.publicKey);
    await cw.stop();

    // A restart reads the right edge back; the log goes on from it.
    cw = await collector({ dataDir, env: { CAUSEWAY_CHECKPOINT_INTERVAL_MS: '200' } });
    exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
    expect(await exportSpans(exporter, makeTrace(10))).toBe(true);
    // (insertedRows counts this process's rows)
    await cw.checkpoint(n1 + (await cw.settled()).store.insertedRows);
    const inclusion = async (s: { traceId: string; spanId: string }): Promise<{ status: number; body: InclusionBody & { error?: string } }> =>
      cw.getJson<InclusionBody & { error?: string }>(`/api/ledger/inclusion?trace=${s.traceId}&span=${s.spanId}`);
    // The victim: a trace's first span's leaf. `early`: a span of another trace whose leaves all sit
    // in the victim's (full) level-0 tile, so every proof for it goes through the leaf changed
    // below, while its own rows still match their leaves. Which spans share a tile depends on how
    // the writer batched rows and audit events, so it is looked up.
    const leavesOf = async (s: { traceId: string; spanId: string }): Promise<InclusionBody & { error?: string }> => (await inclusion(s)).body;
    let victim = -1;
    let victimSpan: { traceId: string; spanId: string } | undefined;
    let early: { traceId: string; spanId: string } | undefined;
    let inc: (InclusionBody & { error?: string }) | undefined;
    search: for (const [i, t] of traces.entries()) {
      const v = t[0]!.spanContext();
      const index = Number((await leavesOf(v)).leaves[0]!.leafIndex);
      const tile = Math.floor(index / 256);
      if ((tile + 1) * 256 > n1) break; // only full tiles, never the right edge
      for (const span of traces.filter((_, j) => j !== i).flat()) {
        const candidate = await leavesOf(span.spanContext());
        if (candidate.leaves.every((l) => Math.floor(Number(l.leafIndex) / 256) === tile)) {
          [victim, victimSpan, early, inc] = [index, v, span.spanContext(), candidate];
          break search;
        }
      }
    }
    expect(early, 'a second span in the victim\'s tile').toBeDefined();
    const c2 = openCheckpoint(inc!.checkpoint.note, first.origin, publicKey);
    expect(Number(c2.size)).toBeGreaterThan(n1);
    for (const l of inc!.leaves) expect(verifyInclusion(BigInt(l.leafIndex), c2.size, b64(l.leafHash), l.proof.map(b64), c2.root)).toBe(true);
    const cons = (await cw.getJson<ConsistencyBody>(`/api/ledger/consistency?from=${n1}&to=${c2.size}`)).body;
    expect(verifyConsistency(BigInt(n1), c2.size, b64(first.rootHash), c2.root, cons.proof.map(b64))).toBe(true);
    // Served as C2SP tiles: the level-1 tile's first entry is the root of the full level-0 tile.
    const leafTile = Buffer.from(await (await cw.fetch('/api/ledger/log/tile/0/000')).arrayBuffer());
    const upper = Buffer.from(await (await cw.fetch('/api/ledger/log/tile/1/000.p/1')).arrayBuffer());
    expect(leafTile.length).toBe(256 * 32);
    expect(upper.equals(perfectRoot(leafTile, 0, 256))).toBe(true);
    await cw.stop();

    // An interior leaf changed: not on the right edge, so the collector starts, but every proof
    // through it fails, and the collector says so rather than hand it out.
    await tamper(`ALTER TABLE causeway.ledger_entries UPDATE leaf_hash = unhex(repeat('ab', 32)) WHERE leaf_index = ${victim}`);
    cw = await collector({ dataDir });
    const refused = await inclusion(early!);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/the stored log does not prove leaf \d+ against checkpoint \d+/);
    const bundle = await cw.fetch('/api/bundles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traceIds: [early!.traceId], exporter: 'test' }) });
    expect(bundle.status).toBe(409);
    expect(await bundle.text()).toMatch(/the stored log does not prove leaf \d+ against checkpoint \d+/);
    await cw.stop();
    const verify = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(verify.code).toBe(1);
    expect(verify.out).toContain('ledger tile 1/0 does not match the stored leaves');
    expect(verify.out).toMatch(/checkpoint \d+: root does not match the stored leaves/);
    expect(verify.out).toContain(`row changed: span ${victimSpan!.traceId}/${victimSpan!.spanId} no longer matches its leaf ${victim}`);

    // The right edge changed: the start recomputes the signed root from it, and refuses.
    await tamper(`ALTER TABLE causeway.ledger_tiles UPDATE hashes = unhex(repeat('cd', 32)) WHERE level = 1 AND idx = 0 AND width = 1`);
    await expect(startCollector({ dataDir })).rejects.toThrow(/ledger integrity: the stored tiles do not match checkpoint \d+ signed by this log/);

    // Signed history removed from ClickHouse: the data dir still holds the newest checkpoint.
    await tamper(`ALTER TABLE causeway.checkpoints DELETE WHERE tree_size > ${n1}`);
    await expect(startCollector({ dataDir })).rejects.toThrow(/ledger integrity: this log signed checkpoint \d+ .*but the newest in ClickHouse is \d+: signed history was removed/);
  });
});

describe('ledger of an older store', () => {
  it('copies leaves kept in ledger_leaves (one hex row per leaf) into the tiled log once, then verifies and proves as before', { timeout: 400_000 }, async () => {
    const dataDir = tempDataDir();
    let cw = await collector({ dataDir });
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: cw.ingestHeaders });
    const traces = Array.from({ length: 12 }, () => makeTrace(10));
    for (const t of traces) expect(await exportSpans(exporter, t)).toBe(true);
    // the timer's checkpoint over every stored row (reading it adds none: the shutdown signs the same size)
    const before = await cw.checkpoint<CheckpointBody>((await cw.settled()).store.insertedRows);
    await cw.stop();
    // The store as an earlier version left it: leaves only in ledger_leaves.
    const t = run(
      'testkit/tamper-store.ts',
      await storeEnv(dataDir, 'admin'),
      dataDir,
      `INSERT INTO causeway.ledger_leaves (log_id, leaf_index, leaf_hash, tbl, tenant, trace_id, span_id)
       SELECT log_id, leaf_index, lower(hex(leaf_hash)), tbl, tenant, if(trace_id = unhex(repeat('00', 16)), '', lower(hex(trace_id))), if(span_id = unhex(repeat('00', 8)), '', lower(hex(span_id))) FROM causeway.ledger_entries`,
      'TRUNCATE TABLE causeway.ledger_entries',
      'TRUNCATE TABLE causeway.ledger_tiles',
    );
    expect(t.code, t.out).toBe(0);

    cw = await collector({ dataDir });
    expect(cw.output()).toMatch(new RegExp(`ledger: copying the ${before.treeSize} leaves of log [0-9a-f]{32} from ledger_leaves into the tiled log \\(once\\)`));
    const span = traces[4]![2]!.spanContext();
    const inc = (await cw.getJson<InclusionBody>(`/api/ledger/inclusion?trace=${span.traceId}&span=${span.spanId}`)).body;
    expect(inc.checkpoint.treeSize).toBe(before.treeSize);
    expect(inc.leaves.length).toBeGreaterThan(0);
    for (const l of inc.leaves) expect(verifyInclusion(BigInt(l.leafIndex), BigInt(before.treeSize), b64(l.leafHash), l.proof.map(b64), b64(before.rootHash))).toBe(true);
    // the log goes on after the copied leaves: reading the proof was audited, a leaf appended to them
    const total = Number(before.treeSize) + (await cw.settled()).store.insertedRows;
    expect(total).toBeGreaterThan(Number(before.treeSize));
    await cw.stop();
    const verify = run('collector/src/main.ts', await storeEnv(dataDir), 'verify');
    expect(verify.out).toMatch(new RegExp(`^verified: log [0-9a-f]{32}, \\d+ rows, ${total} leaves, \\d+ signed checkpoints \\(newest size ${total}\\)$`, 'm'));
    expect(verify.code).toBe(0);
  });
});
