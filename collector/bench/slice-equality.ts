// Are the slices the same bytes as before? Records the digest of every slice's JSON over a set of
// stores, or checks them against a recording: run it with --write on the version before a change
// to the slice engine and with --check after. Nothing here is timed.
//
//   node --import tsx collector/bench/slice-equality.ts --write <file> [--spans N] [--max-forward N]
//   node --import tsx collector/bench/slice-equality.ts --check <file> [--dump <file.jsonl>]
//       in-memory stores filled through the collector's pipeline: the captured fixtures (every
//       library, every scenario: backward and forward from every activity and artifact, cut
//       walks, trace graphs) and the generated agent workload of N spans (default 600; trace
//       graphs, backward from every tool call, forward from every document or the first N)
//   node --import tsx collector/bench/slice-equality.ts --make-store <dir> (--spans N | --library L)
//       a collector process on disk (chDB) fed the same generated workload, or one library's
//       captured fixtures with the in-memory stores' tenant key, then stopped
//   node --import tsx collector/bench/slice-equality.ts --store <dir> [--library L] (--write | --check) <file> [--spans N]
//       the same cases over that store, read through ProvenanceReads: the generated workload's,
//       or (--library) the fixtures', which --check compares with the in-memory recording itself
//       (so it also shows that the in-memory store reads as ClickHouse does)
//
//   node --import tsx collector/bench/slice-equality.ts --diff <old.jsonl> --against <new.jsonl> [--ignore key,key]
//       two --dump files: which slices differ once the named keys (a field a change added or
//       meant to change) are dropped everywhere; how to re-record a baseline knowingly
//
// The committed baseline of the equality test (collector/src/provenance/slice/same-slices.test.ts)
// is a recording of the first kind.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityRow, RelationRow } from '@causeway/schemas';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { MEMORY_TENANT_KEY } from '@causeway/testkit/memory-provenance.ts';
import {
  type SliceBaseline,
  type SliceCase,
  type SliceEngine,
  type StoreIndex,
  baselineStores,
  compare,
  digests,
  generatedWorkload,
  LIBRARIES,
  sliceCases,
} from '@causeway/testkit/slice-corpus.ts';
import { loadCaptured } from '../../fixtures/agents/captured.ts';
import { SCENARIOS } from '../../fixtures/agents/scenarios.ts';
import type { Library } from '../../fixtures/agents/telemetry.ts';
import type { ProvenanceReader } from '../src/provenance/slice/index.ts';
import { SliceBuilder } from '../src/provenance/slice/index.ts';
import { openClickHouse } from '../src/store/clickhouse.ts';
import { ProvenanceReads } from '../src/store/reads/provenance.ts';

const ENGINE: SliceEngine = {
  slice: (reader, o, seed) => new SliceBuilder(reader, o).slice(seed),
  traceGraph: (reader, o, traceId) => new SliceBuilder(reader, o).traceGraph(traceId),
};

const TENANT = 'default';

function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const m = /^--(write|check|spans|max-forward|dump|make-store|store|library|diff|against|ignore)$/.exec(a[i]!);
    if (!m || a[i + 1] === undefined) throw new Error(`unknown or incomplete argument "${a[i]}"; see the head of this file for usage`);
    out[m[1]!] = a[i + 1]!;
  }
  return out;
}

async function main(): Promise<void> {
  const o = args();
  const spans = Number(o.spans ?? 600);
  if (o.library && !(LIBRARIES as string[]).includes(o.library)) throw new Error(`--library must be one of ${LIBRARIES.join(', ')}`);
  const library = o.library as Library | undefined;
  if (o['make-store']) return makeStore(o['make-store'], spans, library);
  if (o.diff) return diffDumps(o.diff, o.against ?? '', new Set((o.ignore ?? '').split(',').filter(Boolean)));
  const file = o.write ?? o.check;
  if (!file) throw new Error('give --write <file> or --check <file>');
  const recorded = o.check ? (JSON.parse(readFileSync(o.check, 'utf8')) as SliceBaseline) : undefined;
  const generated = recorded?.generated ?? { spans, seed: 11, ...(o['max-forward'] ? { maxForward: Number(o['max-forward']) } : {}) };
  const out: SliceBaseline = { generated, slices: {} };
  const dump: string[] = [];
  let compared = 0;
  let differ = 0;
  const run = async (group: string, reader: ProvenanceReader, cases: SliceCase[]): Promise<void> => {
    const t0 = performance.now();
    const d = await digests(ENGINE, reader, cases, o.dump ? (key, json) => dump.push(JSON.stringify({ group, key, json })) : undefined);
    out.slices[group] = d;
    let line = `${group}: ${cases.length} slices (${((performance.now() - t0) / 1000).toFixed(1)} s)`;
    if (recorded) {
      const c = compare(recorded.slices[group] ?? {}, d);
      compared += c.compared;
      differ += c.differ.length + c.missing.length + c.added.length;
      line += `: ${c.compared} compared, ${c.compared - c.differ.length} identical, ${c.differ.length} differ, ${c.missing.length} missing, ${c.added.length} new`;
      for (const k of c.differ.slice(0, 10)) line += `\n  differs: ${k}`;
    }
    process.stdout.write(`${line}\n`);
  };
  if (o.store) {
    const ch = await openClickHouse({ database: 'causeway', dataDir: o.store });
    try {
      const q = new ProvenanceReads(ch, TENANT);
      if (library) {
        const traceIds = SCENARIOS.map((s) => loadCaptured(library, s)!.traceId);
        await run(library, q, sliceCases(await storeIndex(q, traceIds), true));
      } else {
        const { traceIds } = generatedWorkload(generated.spans, generated.seed);
        await run(`store-generated-${generated.spans}`, q, sliceCases(await storeIndex(q, traceIds), false, generated.maxForward ? { maxForward: generated.maxForward } : {}));
      }
    } finally {
      await ch.close();
    }
  } else {
    for await (const { group, store, cases } of baselineStores(generated)) await run(group, store, cases);
  }
  if (o.dump) writeFileSync(o.dump, `${dump.join('\n')}\n`);
  if (o.write) writeFileSync(o.write, `${JSON.stringify(out, null, 1)}\n`);
  const total = Object.values(out.slices).reduce((n, g) => n + Object.keys(g).length, 0);
  if (recorded) {
    process.stdout.write(`${compared} slices compared, ${compared - differ < 0 ? 0 : compared - differ} identical, ${differ} not\n`);
    if (differ > 0) process.exitCode = 1;
  } else process.stdout.write(`${total} slices recorded in ${o.write}\n`);
}

/** The index of a store on disk: the workload's traces as stored, activities in start order, artifacts in relation order. */
async function storeIndex(q: ProvenanceReads, traceIds: string[]): Promise<StoreIndex> {
  const sorted = [...traceIds].sort();
  const acts = new Map<string, ActivityRow[]>();
  for (const a of await q.activities(TENANT, sorted)) (acts.get(a.trace_id) ?? acts.set(a.trace_id, []).get(a.trace_id)!).push(a);
  const rels = new Map<string, RelationRow[]>();
  for (const r of await q.relations(TENANT, sorted)) (rels.get(r.trace_id) ?? rels.set(r.trace_id, []).get(r.trace_id)!).push(r);
  return {
    traces: sorted.map((traceId) => {
      const arts = new Map<string, string>();
      for (const r of rels.get(traceId) ?? []) if (!arts.has(r.artifact_id)) arts.set(r.artifact_id, r.artifact_kind);
      return {
        traceId,
        activities: (acts.get(traceId) ?? []).map((a) => ({ spanId: a.span_id, kind: a.kind })),
        artifacts: [...arts].map(([artifactId, kind]) => ({ artifactId, kind })),
      };
    }),
  };
}

/** Compares two dumps case by case, with the `ignore` keys dropped from every object. */
function diffDumps(oldFile: string, newFile: string, ignore: Set<string>): void {
  if (!newFile) throw new Error('give --against <new.jsonl>');
  const read = (f: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      const { group, key, json } = JSON.parse(line) as { group: string; key: string; json: string };
      m.set(`${group} ${key}`, JSON.stringify(JSON.parse(json, (k, v: unknown) => (ignore.has(k) ? undefined : v))));
    }
    return m;
  };
  const before = read(oldFile);
  const after = read(newFile);
  const differ = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  const missing = [...before.keys()].filter((k) => !after.has(k));
  const compared = [...after.keys()].filter((k) => before.has(k)).length;
  process.stdout.write(`${compared} slices compared${ignore.size ? ` without ${[...ignore].join(', ')}` : ''}: ${compared - differ.length} identical, ${differ.length} differ, ${missing.length} missing\n`);
  for (const k of differ.slice(0, 10)) process.stdout.write(`  differs: ${k}\n`);
  if (differ.length > 0 || missing.length > 0) process.exitCode = 1;
}

async function makeStore(dataDir: string, spans: number, library: Library | undefined): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dataDir, 'bench-tenant.key');
  writeFileSync(keyFile, MEMORY_TENANT_KEY.toString('hex'), { mode: 0o600 });
  const cw = await startCollector({ dataDir, env: { CAUSEWAY_TENANT_KEY_FILE: keyFile } });
  try {
    const requests = library
      ? SCENARIOS.flatMap((s) => (['traces', 'logs'] as const).flatMap((signal) => loadCaptured(library, s, signal)?.requests ?? [])).map((r) => ({ path: r.path, body: JSON.stringify(r.body) }))
      : generatedWorkload(spans).bodies.map((body) => ({ path: '/v1/traces', body: body as unknown as BodyInit }));
    for (const r of requests) {
      const res = await fetch(`${cw.otlpUrl}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: r.body });
      if (res.status !== 200) throw new Error(`POST ${r.path} answered ${res.status}: ${await res.text()}`);
    }
    await cw.settled(600_000);
    process.stdout.write(`${requests.length} requests stored in ${dataDir}\n`);
  } finally {
    await cw.stop();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`slice-equality failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
