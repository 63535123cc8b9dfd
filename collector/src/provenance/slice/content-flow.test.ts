import { createHash } from 'node:crypto';
import { type ActivityRow, type ArtifactRow, type SliceArtifact, type SliceResponse, WEAK_LINK } from '@causeway/schemas';
import { MEMORY_TENANT, MemoryIngest, type MemoryProvenanceStore } from '@causeway/testkit/memory-provenance.ts';
import { capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../../fixtures/agents/captured.ts';
import { DOCS, EMAILS, type ScenarioName } from '../../../../fixtures/agents/scenarios.ts';
import type { Library } from '../../../../fixtures/agents/telemetry.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { NumberedIndex, candidatesOf } from './candidates.ts';
import { copiedShare } from './copied-text.ts';
import { type FingerprintIndex, MIN_SHARED, type Scored, type Seen, SOURCES_PER_ARTIFACT, chooseInTrace, chooseSources, couldCopy, sharedFingerprints, sourceSeen } from './content-flow.ts';
import type { ArtifactFacts } from './reader.ts';
import { matchRequest } from './matching.ts';
import { SLACK, buildTrace, end, start } from './trace-graph.ts';
import { SliceBuilder } from './walk.ts';

const LIBRARIES: Library[] = ['vercel-ai', 'langchain', 'openai', 'traceloop'];
const stores = new Map<Library, MemoryProvenanceStore>();
beforeAll(async () => {
  for (const library of LIBRARIES) stores.set(library, await capturedStore(library));
});

/** Every artifact of a captured trace, its fingerprint index, and the request each tool call ran. */
async function traceOf(library: Library, scenario: ScenarioName) {
  const store = stores.get(library)!;
  const trace = loadCaptured(library, scenario)!.traceId;
  const acts = await store.activities(MEMORY_TENANT, [trace]);
  const rels = await store.relations(MEMORY_TENANT, [trace]);
  const g = buildTrace(acts, rels);
  const arts = await store.artifacts(MEMORY_TENANT, [...new Set(rels.flatMap((r) => [r.artifact_id, ...(r.container_id ? [r.container_id] : [])]))]);
  const index: FingerprintIndex = new Map();
  for (const a of arts) a.fingerprints.forEach((f, i) => (index.get(f) ?? index.set(f, []).get(f)!).push({ artifact_id: a.artifact_id, pos: a.fp_positions[i]! }));
  const byId = new Map(arts.map((a) => [a.artifact_id, a]));
  const requestOf = (tool: string): ArtifactRow => byId.get(matchRequest(g, g.tools.find((t) => t.tool_name === tool)!)!.artifactId)!;
  const documentWith = (text: string): ArtifactRow => arts.find((a) => a.kind === 'document' && a.content.includes(text))!;
  return { store, trace, g, acts, arts, index, byId, requestOf, documentWith };
}

function backward(store: MemoryProvenanceStore, trace: string, spanId: string): Promise<SliceResponse | undefined> {
  return new SliceBuilder(store, { tenant: MEMORY_TENANT, direction: 'backward', depth: 12, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES }).slice({ traceId: trace, spanId });
}

describe('content flow: which earlier content an agent-made artifact copied text from', () => {
  it('the exfiltrating send_email request shares the outside address with the injected email, in every library, and nothing with the other emails', async () => {
    for (const library of LIBRARIES) {
      const t = await traceOf(library, 'prompt-injection');
      const request = t.requestOf('send_email');
      const shared = sharedFingerprints(request, t.index);
      const injected = t.documentWith('IMPORTANT SYSTEM NOTICE');
      expect(shared.get(injected.artifact_id)?.shared, library).toBeGreaterThanOrEqual(MIN_SHARED);
      for (const other of [EMAILS[0]!, EMAILS[2]!]) expect(shared.has(t.documentWith(other.body.slice(0, 30)).artifact_id), `${library}: ${other.id}`).toBe(false);
      // every candidate kept shares enough, and the request is never its own source
      for (const [id, c] of shared) {
        expect(id).not.toBe(request.artifact_id);
        expect(c.shared).toBeGreaterThanOrEqual(MIN_SHARED);
        expect(c.idx.length).toBe(c.shared);
      }
    }
  });

  it('copies only where a copy can be: the agent copies into what it makes, a tool result only from documents, never from its own whole or part', async () => {
    const t = await traceOf('openai', 'prompt-injection');
    const request = t.requestOf('send_email');
    const injected = t.documentWith('IMPORTANT SYSTEM NOTICE');
    const result = t.arts.find((a) => a.kind === 'tool_result' && a.parts.includes(injected.artifact_id))!;
    const system = t.arts.find((a) => a.kind === 'system_instruction')!;
    expect(couldCopy(request, injected, true)).toBe(true);
    expect(couldCopy(request, system, true)).toBe(true);
    // a tool's result copies from documents only (a retriever's hits), not from the conversation
    expect(couldCopy(result, system, true)).toBe(false);
    expect(couldCopy({ ...result, parts: [] }, injected, true)).toBe(true);
    // whole and part are containment, not copying
    expect(couldCopy(result, injected, true)).toBe(false);
    expect(couldCopy(injected, result, false)).toBe(false);
    // forward: what copied from it must be something the agent made
    expect(couldCopy(injected, request, false)).toBe(true);
    expect(couldCopy(injected, system, false)).toBe(false);
  });

  it('a source counts only if seen before the copy was made, in this trace or its conversation', async () => {
    const t = await traceOf('vercel-ai', 'prompt-injection');
    const injected = t.documentWith('IMPORTANT SYSTEM NOTICE');
    const send = t.g.tools.find((x) => x.tool_name === 'send_email')!;
    const apps = (await t.store.appearances(MEMORY_TENANT, [injected.artifact_id], 200)).filter((a) => a.trace_id === t.trace);
    const actAt = new Map(t.acts.map((a) => [`${a.trace_id}/${a.span_id}`, a]));
    const seenAt = (v: Partial<Parameters<typeof sourceSeen>[2]>) =>
      sourceSeen(apps, actAt, { trace: t.trace, convo: new Set(), t: start(send), backward: true, onlyTrace: undefined, ...v });
    const first = seenAt({})!;
    expect(first.act.trace_id).toBe(t.trace);
    expect(first.t).toBeLessThanOrEqual(start(send));
    // the earliest sighting: the search that returned it, at its end (generated) or an LLM call at its start (used)
    const times = apps.map((a) => (a.relation === 'generated' ? end(actAt.get(`${a.trace_id}/${a.span_id}`)!) : start(actAt.get(`${a.trace_id}/${a.span_id}`)!)));
    expect(first.t).toBe(times.reduce((m, x) => (x < m ? x : m)));
    // not yet there (more than SLACK before it was seen)
    expect(seenAt({ t: first.t - SLACK - 1n })).toBeUndefined();
    // forward: seen at or after t
    expect(seenAt({ backward: false, t: first.t + 2_000_000n })?.t).toBeGreaterThanOrEqual(first.t);
    // seen from an unrelated trace: coincidence; from a trace of its conversation: a source
    const elsewhere = { trace: 'f'.repeat(32), convo: new Set<string>() };
    expect(seenAt(elsewhere)).toBeUndefined();
    const convo = first.act.conversation_id;
    expect(convo).not.toBe('');
    expect(seenAt({ ...elsewhere, convo: new Set([convo]) })).toEqual(first);
    expect(seenAt({ trace: undefined })).toEqual(first);
    // a trace graph's flow stays inside that trace
    expect(seenAt({ onlyTrace: 'f'.repeat(32) })).toBeUndefined();
  });

  it('explains copied text with the fewest sources: this trace first, a document before the result holding it, no source for text already explained', () => {
    const act = (trace: string): ActivityRow => ({ trace_id: trace }) as ActivityRow;
    const s = (cid: string, idx: number[], trace = 'here', score = 0.5): Scored => ({ cid, score, fpShare: score, when: { act: act(trace), t: 0n, made: 0 }, c: { shared: idx.length, idx, mine: idx, theirs: idx, sensitive: idx.map(() => false) } });
    const parts: Record<string, string[]> = { result: ['doc'] };
    const partsOf = (id: string): string[] => parts[id] ?? [];
    // the document, not the result that holds it
    expect(chooseSources([s('result', [1, 2, 3, 4]), s('doc', [1, 2, 3, 4])], partsOf, 'here', true).map((x) => x.cid)).toEqual(['doc']);
    // this trace's source first, even with fewer fingerprints shared
    expect(chooseSources([s('far', [1, 2, 3, 4, 5, 6, 7], 'there'), s('near', [1, 2, 3])], partsOf, 'here', true).map((x) => x.cid)).toEqual(['near', 'far']);
    // then by fingerprints shared
    expect(chooseSources([s('few', [7, 8, 9]), s('many', [1, 2, 3, 4])], partsOf, 'here', true).map((x) => x.cid)).toEqual(['many', 'few']);
    // backward, a source that explains fewer than MIN_SHARED new fingerprints is not one; forward it is
    const overlapping = [s('a', [1, 2, 3, 4, 5]), s('b', [4, 5, 6])];
    expect(chooseSources(overlapping, partsOf, 'here', true).map((x) => x.cid)).toEqual(['a']);
    expect(chooseSources(overlapping, partsOf, 'here', false).map((x) => x.cid)).toEqual(['a', 'b']);
    // at most SOURCES_PER_ARTIFACT
    const many = Array.from({ length: SOURCES_PER_ARTIFACT + 3 }, (_, i) => s(`s${i}`, [i * 10, i * 10 + 1, i * 10 + 2]));
    expect(chooseSources(many, partsOf, 'here', true)).toHaveLength(SOURCES_PER_ARTIFACT);
  });

  it('finds as candidates what counting every fingerprint holder finds, in the order they are first met, on many random indexes, from an index or off the rows', () => {
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 200; round++) {
      const fact = (id: string): ArtifactFacts => {
        const fingerprints = [...new Set(Array.from({ length: rand(30) }, () => String(rand(40))))];
        return { artifact_id: id, fingerprints, fp_positions: fingerprints.map(() => rand(500)) } as unknown as ArtifactFacts;
      };
      const rows = Array.from({ length: 2 + rand(12) }, (_, i) => fact(`a${i}`));
      const index: FingerprintIndex = new Map();
      for (const a of rows) a.fingerprints.forEach((f, i) => (index.get(f) ?? index.set(f, []).get(f)!).push({ artifact_id: a.artifact_id, pos: a.fp_positions[i]! }));
      const numbered = new NumberedIndex(index);
      // read off the rows (a trace graph's whole scope): the same holders, in the same order
      const offRows = new NumberedIndex({ rows, fps: new Set(rows.flatMap((r) => r.fingerprints)) });
      for (const row of rows) {
        expect(candidatesOf(row, offRows).toMap()).toEqual(candidatesOf(row, numbered).toMap());
        // by definition: per holder of each of the row's fingerprints, in order
        const want = new Map<string, { idx: number[]; theirs: number[] }>();
        row.fingerprints.forEach((f, i) => {
          for (const h of index.get(f)!) {
            if (h.artifact_id === row.artifact_id) continue;
            const c = want.get(h.artifact_id) ?? want.set(h.artifact_id, { idx: [], theirs: [] }).get(h.artifact_id)!;
            c.idx.push(i);
            c.theirs.push(h.pos);
          }
        });
        for (const [id, c] of want) if (c.idx.length < MIN_SHARED) want.delete(id);
        const got = candidatesOf(row, numbered).toMap();
        expect([...got.keys()]).toEqual([...want.keys()]);
        for (const [id, c] of got) {
          expect(c.idx).toEqual(want.get(id)!.idx);
          expect(c.theirs).toEqual(want.get(id)!.theirs);
          expect(c.mine).toEqual(c.idx.map((i) => row.fp_positions[i]));
          expect(c.shared).toBe(c.idx.length);
        }
        // left out by the caller: the rest keep their order
        const odd = (id: string): boolean => Number(id.slice(1)) % 2 === 1;
        expect(candidatesOf(row, numbered, odd).ids).toEqual([...want.keys()].filter(odd));
      }
    }
  });

  it("chooses a trace graph's sources as scoring every candidate would, asking where a candidate was seen only when the choice reaches it", () => {
    let seed = 11;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let fewer = 0;
    for (let round = 0; round < 300; round++) {
      const n = 1 + rand(14);
      const rows: ArtifactFacts[] = Array.from({ length: n + 1 }, (_, i) => {
        const fingerprints = [...new Set(Array.from({ length: 3 + rand(i === 0 ? 24 : 10) }, () => String(rand(24))))];
        return { artifact_id: `a${i}`, fingerprints, fp_positions: fingerprints.map(() => rand(300)), normalized_length: 50 + rand(400), parts: [] as string[] } as unknown as ArtifactFacts;
      });
      // documents held by results, some rows unknown
      for (let i = 1; i <= n; i++) if (rand(4) === 0) rows[i]!.parts.push(`a${1 + rand(n)}`);
      const facts = new Map(rows.filter((r, i) => i === 0 || rand(8) > 0).map((r) => [r.artifact_id, r]));
      const index: FingerprintIndex = new Map();
      for (const a of rows) a.fingerprints.forEach((f, i) => (index.get(f) ?? index.set(f, []).get(f)!).push({ artifact_id: a.artifact_id, pos: a.fp_positions[i]! }));
      const row = rows[0]!;
      const found = candidatesOf(row, new NumberedIndex(index));
      const act = { trace_id: 'here', span_id: 's' } as ActivityRow;
      const sightings = new Map(found.ids.map((cid) => [cid, rand(3) === 0 ? undefined : ({ act, t: BigInt(rand(9)), made: 0 } as Seen)]));
      for (const backward of [true, false]) {
        // every candidate scored first, as a slice does
        const scored: Scored[] = [];
        for (const [cid, c] of found.toMap()) {
          const crow = facts.get(cid);
          const when = sightings.get(cid);
          if (!crow || !when) continue;
          scored.push({ cid, score: copiedShare(c, row.normalized_length, crow.normalized_length), fpShare: c.shared / Math.max(1, Math.min(row.fingerprints.length, crow.fingerprints.length)), when, c });
        }
        const want = chooseSources(scored, (cid) => facts.get(cid)?.parts ?? [], 'here', backward);
        const asked: string[] = [];
        const got = chooseInTrace(found, row, (id) => facts.get(id), (cid) => (asked.push(cid), sightings.get(cid)), backward);
        expect(got).toEqual(want);
        expect(new Set(asked).size).toBe(asked.length);
        if (asked.length < found.ids.length) fewer++;
      }
    }
    expect(fewer).toBeGreaterThan(100);
  });

  it('in a backward slice: derived_from edges from the injected email to the send_email request, and from the restricted HR document to the public post', async () => {
    for (const library of LIBRARIES) {
      const pi = await traceOf(library, 'prompt-injection');
      const send = pi.g.tools.find((x) => x.tool_name === 'send_email')!;
      const s = (await backward(pi.store, pi.trace, send.span_id))!;
      // (a library may record the email twice: as a retrieved document and as a record in the tool's result)
      const copies = new Map(pi.arts.filter((a) => a.kind === 'document' && a.content.includes('IMPORTANT SYSTEM NOTICE')).map((a) => [`art:${a.artifact_id}`, a]));
      const request = pi.requestOf('send_email');
      const edge = s.edges.find((e) => e.relation === 'derived_from' && copies.has(e.from) && e.to === `art:${request.artifact_id}`);
      const injected = copies.get(edge?.from ?? '')!;
      expect(edge, library).toMatchObject({ how: 'content', detail: 'fingerprints' });
      expect(edge!.shared).toBeGreaterThanOrEqual(MIN_SHARED);
      expect(edge!.score).toBeGreaterThan(0);
      // extents lie inside each side's normalized text
      expect(edge!.extent!.from[0]).toBeGreaterThanOrEqual(0);
      expect(edge!.extent!.from[1]).toBeLessThanOrEqual(injected.normalized_length);
      expect(edge!.extent!.to[1]).toBeLessThanOrEqual(request.normalized_length);
      // the other emails read in the same step were not copied from
      const copiedFrom = s.edges.filter((e) => e.relation === 'derived_from' && e.to === `art:${request.artifact_id}`).map((e) => e.from);
      const previews = copiedFrom.map((id) => (s.nodes.find((n) => n.id === id) as SliceArtifact).preview);
      expect(previews.some((p) => p.includes('Board deck') || p.includes('VPN maintenance')), library).toBe(false);

      const dm = await traceOf(library, 'data-mixing');
      const post = dm.g.tools.find((x) => x.tool_name === 'post_message')!;
      const ds = (await backward(dm.store, dm.trace, post.span_id))!;
      const hr = dm.documentWith(DOCS[1]!.content.slice(0, 30));
      expect(ds.edges, library).toContainEqual(expect.objectContaining({ from: `art:${hr.artifact_id}`, to: `art:${dm.requestOf('post_message').artifact_id}`, relation: 'derived_from' }));
    }
  });

  it('the injected email copied into send_email is as strong a link under any tenant key: the covered share holds where the share of fingerprints falls below WEAK_LINK', async () => {
    const requests = (['traces', 'logs'] as const).flatMap((signal) => loadCaptured('openai', 'prompt-injection', signal)?.requests ?? []);
    const trace = loadCaptured('openai', 'prompt-injection')!.traceId;
    const strengths: number[] = [];
    const fpShares: number[] = [];
    for (let k = 0; k < 32; k++) {
      // a collector draws its tenant key at random: these stand for 32 collectors
      const ingest = new MemoryIngest(createHash('sha256').update(`tenant key ${k}`).digest());
      for (const r of requests) await ingest.post(r.path, r.body);
      const acts = await ingest.store.activities(MEMORY_TENANT, [trace]);
      const send = acts.find((a) => a.tool_name === 'send_email')!;
      const s = (await backward(ingest.store, trace, send.span_id))!;
      const injected = s.nodes.find((n) => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('IMPORTANT SYSTEM NOTICE'))!;
      const edge = s.edges.find((e) => e.from === injected.id && e.relation === 'derived_from')!;
      expect(edge, `key ${k}`).toBeDefined();
      const [a, b] = await ingest.store.artifacts(MEMORY_TENANT, [edge.from.slice(4), edge.to.slice(4)]);
      strengths.push(edge.score!);
      fpShares.push(edge.shared! / Math.min(a!.fingerprints.length, b!.fingerprints.length));
    }
    const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);
    // what the score was before: for some keys the same copy looked like a coincidence
    expect(Math.min(...fpShares)).toBeLessThan(WEAK_LINK);
    expect(Math.min(...strengths)).toBeGreaterThanOrEqual(WEAK_LINK);
    expect(spread(strengths)).toBeLessThan(spread(fpShares));
  });

  it('in a forward slice from the injected email: the copy it led to, with the extents seen from the email', async () => {
    for (const library of LIBRARIES) {
      const pi = await traceOf(library, 'prompt-injection');
      const injected = pi.documentWith('IMPORTANT SYSTEM NOTICE');
      const request = pi.requestOf('send_email');
      const s = (await new SliceBuilder(pi.store, { tenant: MEMORY_TENANT, direction: 'forward', depth: 12, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES }).slice({ artifactId: injected.artifact_id, traceId: pi.trace }))!;
      const edge = s.edges.find((e) => e.relation === 'derived_from' && e.from === `art:${injected.artifact_id}` && e.to === `art:${request.artifact_id}`);
      expect(edge, library).toMatchObject({ how: 'content' });
      expect(edge!.extent!.from[1]).toBeLessThanOrEqual(injected.normalized_length);
    }
  });
});
