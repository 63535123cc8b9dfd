// Where a slice's time goes, on a kept store (issue 15's reads at scale): opens the store in this
// process (no collector may be running on it), picks seeds from the store itself (tool spans for
// backward slices, documents for forward ones, traces for their causal graph), runs the slice
// engine as the API does (without the submitter marks), and times every read the engine asks
// of the store: per kind of read, p50 / p95, and for the slowest walks the reads by method
// (calls, rows, ms) against the rest (JavaScript: building graphs, content flow, GC).
//
//   node --import tsx collector/bench/slice-reads.ts --store <dir> [--seeds 30] [--kinds backward,forward,graph] [--salt 1] [--repeat 1] [--detail] [--engine-stats] [--digests] [--trace <id>]
// --trace: the graph kind's seeds are that one trace (e.g. the soak's 3,252-span trace), --seeds times.
// --limit: the graph kind's node limit (default the API's, TRACE_GRAPH_LIMITS.default; the overview asks for .max).
// --engine-stats: reads through chDB's Session instead of the client, to have the engine's own
// time and rows read per query (by table), printed for the slowest walks.
// With --cpu-prof (node's own flag) its profile is the engine's alone.
import type { SliceResponse } from '@causeway/schemas';
import { SLICE_DEFAULTS, TRACE_GRAPH_LIMITS } from '@causeway/schemas/slice-query.ts';
import { SliceBuilder } from '../src/provenance/slice/index.ts';
import { APPEARANCES_PER_ARTIFACT } from '../src/provenance/slice/loader.ts';
import type { ProvenanceReader } from '../src/provenance/slice/index.ts';
import { DEFAULT_TRUST_RULES } from '../src/provenance/trust.ts';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CHDB_CACHE_ARGS, type ClickHouse, openClickHouse } from '../src/store/clickhouse.ts';
import { ProvenanceReads } from '../src/store/reads/provenance.ts';

const TENANT = 'default';
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Call {
  method: string;
  ms: number;
  rows: number;
  keys: number;
}

/** The reader with every call timed (wall time: calls made side by side overlap). */
function timed(q: ProvenanceReader, calls: Call[]): ProvenanceReader {
  return new Proxy(q, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (typeof v !== 'function') return v;
      return async (...a: unknown[]) => {
        const t0 = performance.now();
        const rows = (await (v as (...x: unknown[]) => Promise<unknown[]>).apply(target, a)) ?? [];
        calls.push({ method: String(prop), ms: performance.now() - t0, rows: rows.length, keys: Array.isArray(a[1]) ? a[1].length : 0 });
        return rows;
      };
    },
  });
}

interface Engine {
  table: string;
  elapsedMs: number;
  rowsRead: number;
  bytesRead: number;
}

/** A store read through chDB's Session: the answer's engine time and rows read are kept per query. */
async function engineWithStats(store: string, stats: Engine[]): Promise<Pick<ClickHouse, 'query' | 'queryCompact' | 'database' | 'close'>> {
  const { Session } = await import('chdb');
  const s = new Session(join(store, 'chdb'), { connectionArgs: CHDB_CACHE_ARGS });
  // JSON's and JSONCompact's statistics say how many rows the engine read (granules, not answers)
  const run = async <T>(sql: string, params: Record<string, unknown> | undefined, format: 'JSON' | 'JSONCompact'): Promise<T[]> => {
    const r = await s.queryBindAsync(`${sql} SETTINGS output_format_json_quote_64bit_integers = 1`, params ?? {}, { format });
    const j = JSON.parse(r.text()) as { data: T[]; statistics: { rows_read: number; bytes_read: number } };
    stats.push({ table: /FROM\s+(?:\w+\.(\w+)|(mergeTreeIndex)\()/.exec(sql)?.slice(1).find(Boolean) ?? '?', elapsedMs: r.elapsed * 1000, rowsRead: j.statistics.rows_read, bytesRead: j.statistics.bytes_read });
    return j.data;
  };
  return {
    database: 'causeway',
    query: <T>(sql: string, params?: Record<string, unknown>) => run<T>(sql, params, 'JSON'),
    queryCompact: <T extends unknown[]>(sql: string, params?: Record<string, unknown>) => run<T>(sql, params, 'JSONCompact'),
    async close(): Promise<void> {
      s.close();
    },
  };
}

interface Run {
  kind: string;
  seed: string;
  ms: number;
  nodes: number;
  truncated: boolean;
  calls: Call[];
  engine: Engine[];
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

/** Sums of `fields` per `key`, largest `ms` first. */
function totals<T>(xs: T[], key: (x: T) => string, fields: (x: T) => Record<string, number>): [string, Record<string, number>][] {
  const by = new Map<string, Record<string, number>>();
  for (const x of xs) {
    const b = by.get(key(x)) ?? { n: 0 };
    b.n = b.n! + 1;
    for (const [k, v] of Object.entries(fields(x))) b[k] = (b[k] ?? 0) + v;
    by.set(key(x), b);
  }
  return [...by.entries()].sort((a, b) => b[1].ms! - a[1].ms!);
}

function breakdown(r: Run): string {
  const reads = r.calls.reduce((s, c) => s + c.ms, 0);
  const parts = totals(r.calls, (c) => c.method, (c) => ({ ms: c.ms, rows: c.rows, keys: c.keys })).map(([m, b]) => `${m} ${b.n}x ${b.ms!.toFixed(0)} ms (${b.keys} keys, ${b.rows} rows)`);
  const engine = totals(r.engine, (e) => e.table, (e) => ({ ms: e.elapsedMs, rows: e.rowsRead, bytes: e.bytesRead })).map(([t, b]) => `${t} ${b.n}x ${b.ms!.toFixed(0)} ms, ${b.rows} rows / ${(b.bytes! / 2 ** 20).toFixed(1)} MB read`);
  return `${r.kind} ${r.seed}: ${r.ms.toFixed(0)} ms, ${r.nodes} nodes${r.truncated ? ' (cut)' : ''}; reads ${reads.toFixed(0)} ms in ${r.calls.length} calls, rest ${(r.ms - reads).toFixed(0)} ms\n    ${parts.join('\n    ')}${engine.length > 0 ? `\n    engine: ${engine.join('; ')}` : ''}`;
}

async function main(): Promise<void> {
  const store = arg('store', '');
  if (!store) throw new Error('--store <dir> is required');
  const seeds = Number(arg('seeds', '30'));
  const kinds = arg('kinds', 'backward,forward,graph').split(',');
  const salt = Number(arg('salt', '1'));
  const repeat = Number(arg('repeat', '1'));
  const engineStats: Engine[] = [];
  const ch = process.argv.includes('--engine-stats') ? await engineWithStats(store, engineStats) : await openClickHouse({ database: 'causeway', dataDir: store });
  try {
    const q = new ProvenanceReads(ch as ClickHouse, TENANT);
    const db = ch.database;
    // seeds from the store, in an order fixed by the salt (a bench-only scan)
    const tools = await ch.query<{ trace_id: string; span_id: string }>(
      `SELECT trace_id, span_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND kind = 'tool' ORDER BY cityHash64(trace_id, span_id, ${salt}) LIMIT ${seeds}`,
      { tenant: TENANT },
    );
    const docs = await ch.query<{ artifact_id: string }>(
      `SELECT artifact_id FROM ${db}.prov_artifacts WHERE tenant = {tenant:String} AND kind = 'document' ORDER BY cityHash64(artifact_id, ${salt}) LIMIT ${seeds}`,
      { tenant: TENANT },
    );
    const oneTrace = arg('trace', '');
    const traces = oneTrace ? Array.from({ length: seeds }, () => ({ trace_id: oneTrace })) : await ch.query<{ trace_id: string }>(
      `SELECT DISTINCT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} ORDER BY cityHash64(trace_id, ${salt}) LIMIT ${seeds}`,
      { tenant: TENANT },
    );
    const runs: Run[] = [];
    // as the API does after a walk: where its artifacts appear, for their submitters (from the
    // builder when it answers them, as it does since it remembers what its walk read)
    const marks = async (b: SliceBuilder, r: ProvenanceReader, s: SliceResponse | undefined): Promise<SliceResponse | undefined> => {
      const ids = (s?.nodes ?? []).flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
      const own = (b as unknown as { appearances?: (t: string, ids: string[], limit: number) => Promise<unknown[]> }).appearances;
      if (ids.length > 0) await (own ? own.call(b, TENANT, ids, APPEARANCES_PER_ARTIFACT) : r.appearances(TENANT, ids, APPEARANCES_PER_ARTIFACT));
      return s;
    };
    const one = async (kind: string, seed: string, go: (r: ProvenanceReader) => Promise<SliceResponse | undefined>): Promise<void> => {
      const calls: Call[] = [];
      const e0 = engineStats.length;
      const t0 = performance.now();
      const s = await go(timed(q, calls));
      runs.push({ kind, seed, ms: performance.now() - t0, nodes: s?.nodes.length ?? 0, truncated: !!s?.truncated, calls, engine: engineStats.slice(e0) });
      // --digests: one line per answer, to compare two versions of the engine on one store
      if (process.argv.includes('--digests')) process.stdout.write(`digest ${kind} ${seed} ${createHash('sha256').update(JSON.stringify(s ?? null)).digest('hex').slice(0, 16)}\n`);
    };
    const o = { tenant: TENANT, depth: SLICE_DEFAULTS.depth, maxNodes: SLICE_DEFAULTS.nodes, trustRules: DEFAULT_TRUST_RULES };
    // a few walks first: the engine's caches (marks, primary indexes) warm, as in a running collector
    for (const t of tools.slice(0, 3)) await new SliceBuilder(q, { ...o, direction: 'backward' }).slice({ traceId: t.trace_id, spanId: t.span_id });
    for (let k = 0; k < repeat; k++) {
      for (let i = 0; i < seeds; i++) {
        const t = tools[i];
        if (kinds.includes('backward') && t) await one('backward', `${t.trace_id}/${t.span_id}`, (r) => {
            const b = new SliceBuilder(r, { ...o, direction: 'backward' });
            return b.slice({ traceId: t.trace_id, spanId: t.span_id }).then((s) => marks(b, r, s));
          });
        const d = docs[i];
        if (kinds.includes('forward') && d) await one('forward', d.artifact_id, (r) => {
            const b = new SliceBuilder(r, { ...o, direction: 'forward' });
            return b.slice({ artifactId: d.artifact_id }).then((s) => marks(b, r, s));
          });
        const g = traces[i];
        if (kinds.includes('graph') && g) await one('graph', g.trace_id, (r) => {
            const b = new SliceBuilder(r, { ...o, direction: 'backward', depth: 1, maxNodes: Number(arg('limit', String(TRACE_GRAPH_LIMITS.default))) });
            return b.traceGraph(g.trace_id).then((s) => marks(b, r, s));
          });
      }
    }
    for (const kind of kinds) {
      const rs = runs.filter((r) => r.kind === kind);
      if (rs.length === 0) continue;
      const ms = rs.map((r) => r.ms);
      const reads = rs.map((r) => r.calls.reduce((s, c) => s + c.ms, 0));
      process.stdout.write(
        `${kind}: n ${rs.length}, p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; reads p50 ${pct(reads, 50).toFixed(0)} ms; ` +
          `nodes p50 ${pct(
            rs.map((r) => r.nodes),
            50,
          )}, cut ${rs.filter((r) => r.truncated).length}` +
          (engineStats.length > 0 ? `; engine rows read ${rs.reduce((n, r) => n + r.engine.reduce((m, e) => m + e.rowsRead, 0), 0)} (prov_artifacts ${rs.reduce((n, r) => n + r.engine.filter((e) => e.table === 'prov_artifacts').reduce((m, e) => m + e.rowsRead, 0), 0)})` : '') +
          '\n',
      );
    }
    if (process.argv.includes('--detail')) {
      for (const kind of kinds) {
        const slow = runs
          .filter((r) => r.kind === kind)
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 3);
        for (const r of slow) process.stdout.write(`  ${breakdown(r)}\n`);
      }
    }
  } finally {
    await ch.close();
  }
}

main().catch((e) => {
  log((e as Error).stack ?? String(e));
  process.exit(1);
});
