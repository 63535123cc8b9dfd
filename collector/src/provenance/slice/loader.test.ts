import { MEMORY_TENANT, type MemoryProvenanceStore } from '@causeway/testkit/memory-provenance.ts';
import { capturedStore, generatedStore, indexOf, sliceCases } from '@causeway/testkit/slice-corpus.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { producersOf } from '../labels.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { SliceLoader } from './loader.ts';
import type { ProvenanceReader } from './reader.ts';
import { SliceBuilder } from './walk.ts';

/** Keys a read was asked for more than once. */
function askedTwice(store: MemoryProvenanceStore, method: 'activities' | 'relations'): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const c of store.calls) {
    if (c.method !== method) continue;
    for (const k of c.keys) {
      if (seen.has(k)) twice.push(k);
      seen.add(k);
    }
  }
  return twice;
}

let generated: MemoryProvenanceStore;
beforeAll(async () => {
  generated = await generatedStore(600);
});

describe('slice loader', () => {
  it('callers that overlap share one load: a trace, its scope and a batch holding it are read once', async () => {
    const store = generated;
    const [a, b, c] = store.traceIds();
    const load = new SliceLoader(store, MEMORY_TENANT);
    store.resetCalls();
    await Promise.all([load.prefetchTraces([a!, b!]), load.trace(a!), load.scope(a!), load.prefetchScopes([a!, c!]), load.conversations(b!)]);
    await load.trace(b!);
    expect(store.calls.filter((x) => x.method === 'activities').map((x) => x.keys)).toEqual([[a, b], [c]]);
    expect(store.calls.filter((x) => x.method === 'relations').map((x) => x.keys)).toEqual([[a, b], [c]]);
  });

  it('artifacts whose facts a scope read are completed with their content alone, as the whole rows the reader gives', async () => {
    const store = generated;
    const [a, b] = store.traceIds();
    const load = new SliceLoader(store, MEMORY_TENANT);
    await load.scopeArtifacts([a!]);
    const inScope = [...new Set(store.relationsOf(a!).map((r) => r.artifact_id))];
    const elsewhere = [...new Set(store.relationsOf(b!).map((r) => r.artifact_id))].filter((i) => !inScope.includes(i));
    expect(inScope.length).toBeGreaterThan(1);
    expect(elsewhere.length).toBeGreaterThan(0);
    // unsorted, and mixed with artifacts read for the first time
    const ids = [...inScope].reverse().concat(elsewhere);
    store.resetCalls();
    await load.loadArtifacts(ids);
    expect(store.calls.find((c) => c.method === 'artifactContents')?.keys.sort()).toEqual([...inScope].sort());
    expect(store.calls.find((c) => c.method === 'artifacts')?.keys.sort()).toEqual([...elsewhere].sort());
    expect(JSON.stringify(load.loadedArtifacts())).toBe(JSON.stringify(await store.artifacts(MEMORY_TENANT, ids)));
  });

  it('no slice reads a trace twice, over captured libraries and the generated workload', async () => {
    for (const store of [await capturedStore('openai'), await capturedStore('vercel-ai'), generated]) {
      for (const c of sliceCases(indexOf(store), true).slice(0, 150)) {
        store.resetCalls();
        await c.run({ slice: (r, o, s) => new SliceBuilder(r, o).slice(s), traceGraph: (r, o, t) => new SliceBuilder(r, o).traceGraph(t) }, store);
        expect(askedTwice(store, 'activities'), c.key).toEqual([]);
        expect(askedTwice(store, 'relations'), c.key).toEqual([]);
      }
    }
  });

  it('a forward walk reads a level\'s traces in one batch, with the traces its artifacts appear in', async () => {
    const store = generated;
    // the most widely retrieved document: the walk from it crosses into every trace that retrieved it
    const counts = new Map<string, number>();
    for (const t of store.traceIds()) for (const r of store.relationsOf(t)) if (r.artifact_kind === 'document' && r.relation === 'generated') counts.set(r.artifact_id, (counts.get(r.artifact_id) ?? 0) + 1);
    const popular = [...counts].sort((x, y) => y[1] - x[1])[0]![0];
    const appearsIn = new Set((await store.appearances(MEMORY_TENANT, [popular], 200)).map((a) => a.trace_id));
    expect(appearsIn.size).toBeGreaterThan(2);
    store.resetCalls();
    const s = (await new SliceBuilder(store, { tenant: MEMORY_TENANT, direction: 'forward', depth: 12, maxNodes: 5000, trustRules: DEFAULT_TRUST_RULES }).slice({ artifactId: popular }))!;
    const reads = store.calls.filter((c) => c.method === 'activities');
    expect(new Set(reads[0]!.keys)).toEqual(appearsIn);
    expect(reads.length).toBeLessThan(new Set(reads.flatMap((c) => c.keys)).size);
    expect(new Set(s.nodes.flatMap((n) => (n.type === 'activity' ? [n.traceId] : []))).size).toBeGreaterThanOrEqual(appearsIn.size);
    // where the level's artifacts appear: one lookup per level (and one for the answer's trace lists)
    const levels = Math.max(...s.nodes.map((n) => n.depth)) + 1;
    expect(store.calls.filter((c) => c.method === 'appearances').length).toBeLessThanOrEqual(2 * levels + 1);
  });

  it('a forward walk reads whole only the traces where a user counts; the others tell only who produced the answer\'s artifacts, and the answers are those of reading them whole', async () => {
    const store = generated;
    // a reader that answers every relation of a trace even when asked for the producers of a few
    // artifacts (the contract allows more): what the walk read when it loaded every trace whole
    const whole: ProvenanceReader = new Proxy(store, { get: (t, p) => (p === 'relations' ? (tenant: string, traces: string[]) => store.relations(tenant, traces) : Reflect.get(t, p)) });
    // a label that names an artifact's first producer noted: it shows which traces named them, and in what order
    const o = { tenant: MEMORY_TENANT, direction: 'forward' as const, depth: 12, maxNodes: 500, trustRules: [{ id: 'first-producer', producer: '.', trust: 'untrusted' as const, why: 'any producer' }] };
    let narrowed = 0;
    let unread = 0;
    // forward from each tool and retriever, seen from its trace: the same results are made again elsewhere
    const seeds = store.traceIds().flatMap((t) => store.activitiesOf(t).filter((a) => a.kind === 'tool' || a.kind === 'retrieval'));
    expect(seeds.length).toBeGreaterThan(20);
    for (const a of seeds.slice(0, 40)) {
      store.resetCalls();
      const b = new SliceBuilder(store, o);
      const s = await b.slice({ traceId: a.trace_id, spanId: a.span_id });
      const load = (b as unknown as { load: SliceLoader }).load;
      const readWhole = new Set(store.calls.filter((c) => c.method === 'relations' && !c.producing).flatMap((c) => c.keys));
      const onlyProducers = store.calls.filter((c) => c.method === 'relations' && c.producing).flatMap((c) => c.keys);
      narrowed += onlyProducers.length;
      unread += onlyProducers.filter((t) => !readWhole.has(t)).length;
      expect(s, `${a.trace_id}/${a.span_id}`).toEqual(await new SliceBuilder(whole, o).slice({ traceId: a.trace_id, spanId: a.span_id }));
      // every answer artifact's producers are those every trace the walk asked for names
      const asked = [...new Set(store.calls.filter((c) => c.method === 'relations').flatMap((c) => c.keys))];
      const all = producersOf(
        asked.flatMap((t) => store.relationsOf(t)),
        asked.flatMap((t) => store.activitiesOf(t)),
      );
      const ids = s!.nodes.flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
      expect(ids.map((id) => [...all.of(id)].sort()), `${a.trace_id}/${a.span_id}`).toEqual(ids.map((id) => [...load.producers.of(id)].sort()));
    }
    expect(narrowed).toBeGreaterThan(0);
    expect(unread).toBe(narrowed);
  });

  it('appearances the walk read answer its trace lists and submitter marks as the reader would, each artifact read once', async () => {
    const store = generated;
    for (const c of sliceCases(indexOf(store), true).slice(0, 60)) {
      let builder: SliceBuilder | undefined;
      const make = (r: ProvenanceReader, o: ConstructorParameters<typeof SliceBuilder>[1]): SliceBuilder => (builder = new SliceBuilder(r, o));
      store.resetCalls();
      const s = await c.run({ slice: (r, o, seed) => make(r, o).slice(seed), traceGraph: (r, o, t) => make(r, o).traceGraph(t) }, store);
      const ids = (s?.nodes ?? []).flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
      // the marks ask for the answer's artifacts again: the answer's trace lists read them all already
      store.resetCalls();
      const marks = await builder!.appearances(MEMORY_TENANT, ids, 200);
      expect(store.calls, c.key).toEqual([]);
      expect(marks, c.key).toEqual(await store.appearances(MEMORY_TENANT, ids, 200));
      expect(await builder!.appearances(MEMORY_TENANT, [...ids].reverse(), 8), c.key).toEqual(await store.appearances(MEMORY_TENANT, ids, 8));
    }
    await expect(new SliceBuilder(store, { tenant: MEMORY_TENANT, direction: 'backward', depth: 1, maxNodes: 10, trustRules: DEFAULT_TRUST_RULES }).appearances('other', [], 8)).rejects.toThrow(/tenant/);
  });

  it('a failed read fails the slice once and leaves no unhandled rejection behind', async () => {
    const down = async (): Promise<never> => {
      throw new Error('store down');
    };
    const failing: ProvenanceReader = { activities: down, activitiesAt: down, relations: down, artifacts: down, appearances: down, conversationTraces: down, fingerprintHits: down, artifactFacts: down, artifactContents: down };
    const unhandled: unknown[] = [];
    const note = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      const o = { tenant: MEMORY_TENANT, direction: 'backward' as const, depth: 12, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES };
      const trace = generated.traceIds()[0]!;
      await expect(new SliceBuilder(failing, o).slice({ traceId: trace, spanId: '0'.repeat(16) })).rejects.toThrow('store down');
      await expect(new SliceBuilder(failing, o).traceGraph(trace)).rejects.toThrow('store down');
      const load = new SliceLoader(failing, MEMORY_TENANT);
      await expect(Promise.all([load.prefetchScopes([trace, 'f'.repeat(32)]), load.scope(trace)])).rejects.toThrow('store down');
      // unhandled rejections are reported once the microtasks of this turn have run
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });
});
