// Every slice worth comparing over a provenance store, and the stores to compare them on: the
// captured fixtures (one store per library, every scenario) and a generated agent workload.
// The slice engine is passed in, so the same corpus runs against any version of it; each
// answer is its JSON as the API sends it (JSON.stringify), so "the same slice" means the same bytes.
import { createHash } from 'node:crypto';
import type { SliceResponse } from '@causeway/schemas';
import { loadCaptured } from '../fixtures/agents/captured.ts';
import { SCENARIOS } from '../fixtures/agents/scenarios.ts';
import type { Library } from '../fixtures/agents/telemetry.ts';
import { AgentTraceGenerator } from '../collector/bench/agent-traces.ts';
import { DEFAULT_TRUST_RULES, type TrustRule } from '../collector/src/provenance/trust.ts';
import { MEMORY_TENANT, MemoryIngest, type MemoryProvenanceStore } from './memory-provenance.ts';

export const LIBRARIES: Library[] = ['vercel-ai', 'langchain', 'openai', 'traceloop'];

export interface CorpusOptions {
  tenant: string;
  direction: 'backward' | 'forward';
  depth: number;
  maxNodes: number;
  trustRules: TrustRule[];
}
export type CorpusSeed = { traceId: string; spanId: string } | { artifactId: string; traceId?: string };

/** Any version of the slice engine, seen from outside. */
export interface SliceEngine {
  slice(reader: ProvenanceReaderLike, o: CorpusOptions, seed: CorpusSeed): Promise<SliceResponse | undefined>;
  traceGraph(reader: ProvenanceReaderLike, o: CorpusOptions, traceId: string): Promise<SliceResponse | undefined>;
}
/** The reads a slice makes (structurally the engine's ProvenanceReader). */
export type ProvenanceReaderLike = Pick<MemoryProvenanceStore, 'activities' | 'activitiesAt' | 'relations' | 'artifacts' | 'appearances' | 'conversationTraces' | 'fingerprintHits' | 'artifactFacts' | 'artifactContents'>;

export interface SliceCase {
  key: string;
  run(engine: SliceEngine, reader: ProvenanceReaderLike): Promise<SliceResponse | undefined>;
}

/** What the corpus needs to know about a store: its traces, their activities and artifacts. */
export interface StoreIndex {
  traces: { traceId: string; activities: { spanId: string; kind: string }[]; artifacts: { artifactId: string; kind: string }[] }[];
}

// The API's defaults (api/provenance.ts) and the explorer's limits (explorer/src/api.ts).
const DEFAULT = { depth: 12, maxNodes: 500 };
const EXPLORER_SLICE = { depth: 12, maxNodes: 2000 };
const TRACE_GRAPH = { depth: 1, maxNodes: 20_000 };
const CUT = { depth: 2, maxNodes: 8 };

const opts = (direction: 'backward' | 'forward', b: { depth: number; maxNodes: number }, trustRules: TrustRule[]): CorpusOptions => ({
  tenant: MEMORY_TENANT,
  direction,
  trustRules,
  ...b,
});

/**
 * Every case over a store. `thorough` (the fixtures): every activity and every artifact, both
 * directions, artifacts with and without their trace, plus cut-short walks. Otherwise (a large
 * generated store): what the explorer and the bench ask most: trace graphs, backward from every
 * tool call, forward from every document (or the first `maxForward`).
 */
export function sliceCases(index: StoreIndex, thorough: boolean, o: { trustRules?: TrustRule[]; maxForward?: number } = {}): SliceCase[] {
  const trustRules = o.trustRules ?? DEFAULT_TRUST_RULES;
  const cases: SliceCase[] = [];
  const forwardDocs = new Set<string>();
  for (const t of index.traces) {
    const tr = t.traceId;
    cases.push({ key: `trace ${tr}`, run: (e, r) => e.traceGraph(r, opts('backward', TRACE_GRAPH, trustRules), tr) });
    for (const a of t.activities) {
      const seed = { traceId: tr, spanId: a.spanId };
      if (a.kind === 'tool' || thorough) cases.push({ key: `backward act:${tr}/${a.spanId}`, run: (e, r) => e.slice(r, opts('backward', DEFAULT, trustRules), seed) });
      if (!thorough) continue;
      cases.push({ key: `forward act:${tr}/${a.spanId}`, run: (e, r) => e.slice(r, opts('forward', EXPLORER_SLICE, trustRules), seed) });
      if (a.kind === 'tool') cases.push({ key: `backward-cut act:${tr}/${a.spanId}`, run: (e, r) => e.slice(r, opts('backward', CUT, trustRules), seed) });
    }
    for (const a of t.artifacts) {
      const id = a.artifactId;
      if (!thorough) {
        if (a.kind !== 'document' || forwardDocs.has(id) || forwardDocs.size >= (o.maxForward ?? Infinity)) continue;
        forwardDocs.add(id);
        cases.push({ key: `forward art:${id}`, run: (e, r) => e.slice(r, opts('forward', DEFAULT, trustRules), { artifactId: id }) });
        continue;
      }
      for (const direction of ['backward', 'forward'] as const) {
        cases.push({ key: `${direction} art:${id}@${tr}`, run: (e, r) => e.slice(r, opts(direction, DEFAULT, trustRules), { artifactId: id, traceId: tr }) });
        if (forwardDocs.has(`${direction}/${id}`)) continue;
        forwardDocs.add(`${direction}/${id}`);
        cases.push({ key: `${direction} art:${id}`, run: (e, r) => e.slice(r, opts(direction, EXPLORER_SLICE, trustRules), { artifactId: id }) });
      }
    }
  }
  return cases;
}

/** The index of a memory store: traces in id order, activities in start order, artifacts in the order of their first relation. */
export function indexOf(store: MemoryProvenanceStore): StoreIndex {
  return {
    traces: store.traceIds().map((traceId) => {
      const arts = new Map<string, string>();
      // relations in the store's order: by span, then seq
      const rels = [...store.relationsOf(traceId)].sort((a, b) => (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : a.seq - b.seq));
      for (const r of rels) if (!arts.has(r.artifact_id)) arts.set(r.artifact_id, r.artifact_kind);
      const acts = [...store.activitiesOf(traceId)].sort((a, b) => Number(BigInt(a.start_time_unix_nano) - BigInt(b.start_time_unix_nano)) || (a.span_id < b.span_id ? -1 : 1));
      return {
        traceId,
        activities: acts.map((a) => ({ spanId: a.span_id, kind: a.kind })),
        artifacts: [...arts].map(([artifactId, kind]) => ({ artifactId, kind })),
      };
    }),
  };
}

/** The captured fixtures of one library, every scenario, as a collector would have stored them. */
export async function capturedStore(library: Library): Promise<MemoryProvenanceStore> {
  const ingest = new MemoryIngest();
  for (const scenario of SCENARIOS) {
    // as the end-to-end test posts them: trace requests, then log requests
    for (const signal of ['traces', 'logs'] as const) for (const r of loadCaptured(library, scenario, signal)?.requests ?? []) await ingest.post(r.path, r.body);
  }
  return ingest.store;
}

/** A generated agent workload (bench/agent-traces.ts): its requests, the same every run, and its traces. */
export function generatedWorkload(spans: number, seed = 11): { bodies: Buffer[]; traceIds: string[] } {
  const gen = new AgentTraceGenerator({ spans, seed, batchSpans: 128, startUnixNano: 1_767_225_600_000_000_000n });
  const bodies: Buffer[] = [];
  for (let r = gen.next(); r; r = gen.next()) bodies.push(r.body);
  return { bodies, traceIds: gen.traces.map((t) => t.traceId) };
}

/** That workload, as a collector would have stored it. */
export async function generatedStore(spans: number, seed = 11): Promise<MemoryProvenanceStore> {
  const ingest = new MemoryIngest();
  for (const body of generatedWorkload(spans, seed).bodies) await ingest.post('/v1/traces', body);
  return ingest.store;
}

/** Runs every case; the digest of each answer's JSON (64 bits of SHA-256: equal digests mean equal bytes). */
export async function digests(engine: SliceEngine, reader: ProvenanceReaderLike, cases: SliceCase[], keep?: (key: string, json: string) => void): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of cases) {
    const json = JSON.stringify((await c.run(engine, reader)) ?? null);
    keep?.(c.key, json);
    out[c.key] = createHash('sha256').update(json).digest('hex').slice(0, 16);
  }
  return out;
}

/** Recorded digests of every case, per store, and how the generated store was made. */
export interface SliceBaseline {
  generated: { spans: number; seed: number; maxForward?: number };
  slices: Record<string, Record<string, string>>;
}

/** The stores of a baseline: each library's captured fixtures, then the generated workload. */
export async function* baselineStores(generated: SliceBaseline['generated']): AsyncGenerator<{ group: string; store: MemoryProvenanceStore; cases: SliceCase[] }> {
  for (const library of LIBRARIES) {
    const store = await capturedStore(library);
    yield { group: library, store, cases: sliceCases(indexOf(store), true) };
  }
  const store = await generatedStore(generated.spans, generated.seed);
  yield { group: `generated-${generated.spans}`, store, cases: sliceCases(indexOf(store), false, generated.maxForward ? { maxForward: generated.maxForward } : {}) };
}

export interface Comparison {
  compared: number;
  /** cases whose JSON differs, and cases only one side has */
  differ: string[];
  missing: string[];
  added: string[];
}

export function compare(expected: Record<string, string>, actual: Record<string, string>): Comparison {
  const differ = Object.keys(actual).filter((k) => k in expected && expected[k] !== actual[k]);
  return {
    compared: Object.keys(actual).filter((k) => k in expected).length,
    differ,
    missing: Object.keys(expected).filter((k) => !(k in actual)),
    added: Object.keys(actual).filter((k) => !(k in expected)),
  };
}
