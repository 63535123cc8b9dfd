// The provenance bench's store, read back in its own process once the collector has stopped
// (chDB binds one data directory per process): row counts and bytes on disk per table, and the
// latency of each query behind a slice, called directly on sample traces (no HTTP, no JSON of
// the answer), so a slow slice can be pinned on the query that makes it slow.
//
//   node --import tsx collector/bench/prov-store-stats.ts <collector data dir> <samples.json>
//
// samples.json: { traces: [{ traceId, tools: [span id…] }…], slices: n }. Besides the single
// queries, it builds n backward slices, n forward slices and n trace graphs with the API's own
// SliceBuilder over a ProvenanceReads that times every call: where a slice's time goes.
// Prints one JSON line (StoreStats) on stdout.
import { readFileSync } from 'node:fs';
import { SLICE_DEFAULTS, type SliceArtifact } from '@causeway/schemas';
import { SliceBuilder } from '../src/provenance/slice/index.ts';
import { loadTrustRules } from '../src/provenance/trust.ts';
import type { SliceBreakdown, StoreStats } from './provenance.ts';
import { type ClickHouse, openClickHouse } from '../src/store/clickhouse.ts';
import { ProvenanceReads } from '../src/store/reads/provenance.ts';
import { TraceReads } from '../src/store/reads/traces.ts';
import { median } from './decode.ts';

const TENANT = 'default';

async function main(): Promise<void> {
  const [dataDir, samplesFile] = process.argv.slice(2);
  if (!dataDir || !samplesFile) throw new Error('usage: prov-store-stats.ts <data dir> <samples.json>');
  const samples = JSON.parse(readFileSync(samplesFile, 'utf8')) as { traces: { traceId: string; tools: string[] }[]; slices: number };
  const ch = await openClickHouse({ database: 'causeway', dataDir });
  try {
    const stats = await counts(ch);
    stats.queries = await timings(ch, samples.traces.map((t) => t.traceId));
    stats.slices = await sliceBreakdown(ch, samples.traces, samples.slices);
    process.stdout.write(`${JSON.stringify(stats)}\n`);
  } finally {
    await ch.close();
  }
}

function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return ch.query<T>(query);
}

async function one(ch: ClickHouse, query: string): Promise<Record<string, number>> {
  const [r] = await rows<Record<string, string>>(ch, query);
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v)]));
}

async function counts(ch: ClickHouse): Promise<StoreStats> {
  const db = ch.database;
  const spans = await one(ch, `SELECT count() AS n, uniqExact(trace_id) AS traces FROM ${db}.spans`);
  const n = async (table: string): Promise<number> => (await one(ch, `SELECT count() AS n FROM ${db}.${table}`)).n!;
  const arts = await one(ch, `SELECT count() AS n, uniqExact(artifact_id) AS ids FROM ${db}.prov_artifacts`);
  const byKind = await rows<{ kind: string; n: string }>(ch, `SELECT kind, uniqExact(artifact_id) AS n FROM ${db}.prov_artifacts GROUP BY kind ORDER BY n DESC`);
  const fps = await one(
    ch,
    // rows per fingerprint, not distinct artifacts: bounded memory on 100M rows (an artifact written twice counts twice)
    `SELECT count() AS distinct_fps, countIf(r > 1) AS shared, sum(r) AS rows, max(r) AS max_rows FROM (SELECT fp, count() AS r FROM ${db}.prov_fingerprints GROUP BY fp)`,
  );
  const disk = await rows<{ table: string; bytes: string }>(
    ch,
    `SELECT table, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = '${db}' AND active GROUP BY table ORDER BY bytes DESC`,
  );
  return {
    spans: spans.n!,
    traces: spans.traces!,
    activities: await n('prov_activities'),
    relations: await n('prov_relations'),
    appearances: await n('prov_appearances_fine'),
    artifactRows: arts.n!,
    artifacts: arts.ids!,
    artifactsByKind: Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)])),
    fingerprintRows: fps.rows!,
    distinctFingerprints: fps.distinct_fps!,
    sharedFingerprints: fps.shared!,
    maxRowsPerFingerprint: fps.max_rows!,
    ledgerLeaves: await n('ledger_entries'),
    bytesOnDisk: Object.fromEntries(disk.filter((d) => Number(d.bytes) > 1e6).map((d) => [d.table, Number(d.bytes)])),
    queries: [],
    slices: [],
  };
}

/** Slices built in this process, every ProvenanceReads call timed: calls and ms per slice, by query. */
async function sliceBreakdown(ch: ClickHouse, traces: { traceId: string; tools: string[] }[], n: number): Promise<SliceBreakdown[]> {
  const q = new ProvenanceReads(ch, TENANT);
  const trustRules = loadTrustRules(undefined);
  const out: SliceBreakdown[] = [];
  const run = async (kind: string, build: (q: ProvenanceReads, i: number) => Promise<unknown>): Promise<void> => {
    const byQuery: Record<string, { calls: number; ms: number }> = {};
    const timed = new Proxy(q, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            const s = (byQuery[String(prop)] ??= { calls: 0, ms: 0 });
            s.calls++;
            s.ms += performance.now() - t0;
          }
        };
      },
    });
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await build(timed, i);
      ms.push(performance.now() - t0);
    }
    const total = ms.reduce((a, b) => a + b, 0);
    out.push({
      kind,
      n,
      p50: median(ms),
      meanMs: total / n,
      byQuery: Object.entries(byQuery)
        .map(([name, s]) => ({ name, callsPerSlice: s.calls / n, msPerSlice: s.ms / n }))
        .sort((a, b) => b.msPerSlice - a.msPerSlice),
    });
  };
  const withTools = traces.filter((t) => t.tools.length > 0);
  const opts = (direction: 'backward' | 'forward') => ({ tenant: TENANT, direction, depth: SLICE_DEFAULTS.depth, maxNodes: SLICE_DEFAULTS.nodes, trustRules });
  await run('backward slice from a tool span', (tq, i) => {
    const t = withTools[i % withTools.length]!;
    return new SliceBuilder(tq, opts('backward')).slice({ traceId: t.traceId, spanId: t.tools[i % t.tools.length]! });
  });
  // documents of the sample traces, as the API bench picks them (from the trace graph)
  const docs: string[] = [];
  await run('trace causal graph', async (tq, i) => {
    const g = await new SliceBuilder(tq, { ...opts('backward'), depth: 1, maxNodes: SLICE_DEFAULTS.maxNodes }).traceGraph(traces[i % traces.length]!.traceId);
    const d = (g?.nodes ?? []).filter((x): x is SliceArtifact => x.type === 'artifact' && x.kind === 'document');
    if (d.length > 0) docs.push(d[i % d.length]!.artifactId);
  });
  if (docs.length > 0) await run('forward slice from a document', (tq, i) => new SliceBuilder(tq, opts('forward')).slice({ artifactId: docs[i % docs.length]! }));
  return out;
}

async function timings(ch: ClickHouse, traces: string[]): Promise<StoreStats['queries']> {
  const q = new ProvenanceReads(ch, TENANT);
  const spans = new TraceReads(ch, TENANT);
  const acc = new Map<string, { ms: number[]; rows: number[] }>();
  const time = async <T>(name: string, f: () => Promise<T[]>): Promise<T[]> => {
    const t0 = performance.now();
    const r = await f();
    const ms = performance.now() - t0;
    let a = acc.get(name);
    if (!a) acc.set(name, (a = { ms: [], rows: [] }));
    a.ms.push(ms);
    a.rows.push(r.length);
    return r;
  };
  // one warm-up pass, not counted
  await q.activities(TENANT, [traces[0]!]);
  await q.relations(TENANT, [traces[0]!]);
  await spans.trace(traces[0]!);
  for (const trace of traces) {
    await time('activities(trace)', () => q.activities(TENANT, [trace]));
    const rels = await time('relations(trace)', () => q.relations(TENANT, [trace]));
    const ids = [...new Set(rels.map((r) => r.artifact_id))];
    const arts = await time('artifacts(ids of the trace)', () => q.artifacts(TENANT, ids));
    await time('appearances(ids of the trace, 8 each)', () => q.appearances(TENANT, ids, 8));
    const doc = rels.find((r) => r.artifact_kind === 'document');
    if (doc) {
      const apps = await time('appearances(one document, 200)', () => q.appearances(TENANT, [doc.artifact_id], 200));
      await time('activitiesAt(those appearances)', () => q.activitiesAt(TENANT, apps));
    }
    const copier = arts.find((a) => a.kind === 'tool_request' && a.fingerprints.length > 0) ?? arts.find((a) => a.fingerprints.length > 0);
    if (copier) await time('fingerprintHits(one artifact)', () => q.fingerprintHits(TENANT, copier.fingerprints));
    const fps = [...new Set(arts.flatMap((a) => a.fingerprints))];
    if (fps.length > 0) await time('fingerprintHits(all artifacts of the trace)', () => q.fingerprintHits(TENANT, fps));
    await time('TraceReads.trace (trace by id)', () => spans.trace(trace));
  }
  return [...acc.entries()].map(([name, a]) => {
    const s = [...a.ms].sort((x, y) => x - y);
    return { name, n: s.length, p50: median(s), p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!, rows: a.rows.reduce((x, y) => x + y, 0) / a.rows.length };
  });
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`prov-store-stats failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
