// Content flow (derived_from): which artifacts share text with a level's artifacts, found by
// keyed winnowing fingerprints. Backward: the earlier artifacts an artifact the agent produced
// copied from; forward: the later artifacts that copied from it. The rules:
//  - a candidate shares at least MIN_SHARED fingerprints (≈ a shared run of 20-odd characters:
//    an address, a name; fewer is boilerplate) and is not the same artifact, nor its whole or part;
//  - backward, only what the agent produced (COPIES) can have copied, and a tool's result copies
//    only from documents (a retriever's hits), not from the conversation;
//  - the source was there before: backward, seen (used from its activity's start, generated from
//    its end) by the start of the activity that produced the copy (+ SLACK); forward, after it;
//  - in this trace or another trace of its conversation (identical phrases in unrelated traces
//    are coincidence); only a seed with no trace (an artifact) looks store-wide;
//  - fingerprints over a low-entropy redacted value (marked by the fingerprinter) count only
//    between artifacts of one trace: across traces they would confirm a guessed value;
//  - the copied text is explained with as few sources as possible, this trace's first, then by
//    fingerprints shared: a source counts only for fingerprints no better source explains, and a
//    document is preferred to the result that holds it; at most SOURCES_PER_ARTIFACT per artifact.
import type { ActivityRow, Appearance, ArtifactRow } from '@causeway/schemas';
import { artifactOfNode } from '@causeway/schemas/node-id.ts';
import { isSensitive, K } from '../fingerprint.ts';
import type { Item, SliceGraph } from './graph.ts';
import { APPEARANCES_PER_ARTIFACT, type SliceLoader } from './loader.ts';
import { producerIn } from './matching.ts';
import { SLACK, at, start } from './trace-graph.ts';

export const MIN_SHARED = 3;
export const SOURCES_PER_ARTIFACT = 4;
/** Kinds the agent produced: the ones whose text may have been copied from somewhere. */
const COPIES = new Set(['tool_request', 'model_output', 'outcome', 'tool_result']);

/** Fingerprint → the artifacts holding it and where in their text. */
export type FingerprintIndex = Map<string, { artifact_id: string; pos: number }[]>;

/** What one artifact shares with a candidate source: how many fingerprints, which of its own (by index), where on each side. */
export interface Shared {
  shared: number;
  idx: number[];
  mine: number[];
  theirs: number[];
  /** per shared fingerprint: whether its gram touched a low-entropy (redacted) value */
  sensitive: boolean[];
}

/** The shared fingerprints without those whose gram touched a low-entropy value. */
export function withoutSensitive(c: Shared): Shared {
  const pick = <T>(xs: T[]): T[] => xs.filter((_, i) => !c.sensitive[i]);
  const idx = pick(c.idx);
  return { shared: idx.length, idx, mine: pick(c.mine), theirs: pick(c.theirs), sensitive: idx.map(() => false) };
}

export interface Scored {
  cid: string;
  score: number;
  /** where and when the source was seen */
  when: { act: ActivityRow; t: bigint };
  c: Shared;
}

/** Whether `target` may have copied text from `source` (backward: `target` is what the agent made). */
export function couldCopy(target: ArtifactRow, source: ArtifactRow, backward: boolean): boolean {
  // already linked as whole and part: that is containment, not copying
  if (source.parts.includes(target.artifact_id) || target.parts.includes(source.artifact_id)) return false;
  // a tool's result copies from documents (a retriever's hits), not from the conversation
  if (backward) return target.kind !== 'tool_result' || source.kind === 'document';
  return COPIES.has(source.kind);
}

/** The artifacts sharing at least MIN_SHARED of `row`'s fingerprints, in the index's order. */
export function sharedFingerprints(row: ArtifactRow, byFp: FingerprintIndex): Map<string, Shared> {
  const m = new Map<string, Shared>();
  row.fingerprints.forEach((f, i) => {
    const sensitive = isSensitive(f);
    for (const h of byFp.get(f) ?? []) {
      if (h.artifact_id === row.artifact_id) continue;
      let c = m.get(h.artifact_id);
      if (!c) m.set(h.artifact_id, (c = { shared: 0, idx: [], mine: [], theirs: [], sensitive: [] }));
      c.shared++;
      c.idx.push(i);
      c.mine.push(row.fp_positions[i]!);
      c.theirs.push(h.pos);
      c.sensitive.push(sensitive);
    }
  });
  for (const [k, c] of m) if (c.shared < MIN_SHARED) m.delete(k);
  return m;
}

export interface Viewpoint {
  /** the trace the copy is seen from (none: an artifact seed, seen from everywhere) */
  trace: string | undefined;
  /** the conversations of that trace */
  convo: Set<string>;
  /** when the copy was made (backward) or the source appeared (forward) */
  t: bigint;
  backward: boolean;
  /** trace graphs: sources in this trace only */
  onlyTrace: string | undefined;
}

/** Where a candidate was seen that fits the rules (this trace first, then earliest), if anywhere. */
export function sourceSeen(apps: Appearance[], actAt: Map<string, ActivityRow>, v: Viewpoint): { act: ActivityRow; t: bigint } | undefined {
  return apps
    .filter((a) => !v.onlyTrace || a.trace_id === v.onlyTrace)
    .map((a) => ({ act: actAt.get(`${a.trace_id}/${a.span_id}`), relation: a.relation }))
    .filter((a): a is { act: ActivityRow; relation: string } => a.act !== undefined)
    .map((a) => ({ act: a.act, t: at(a.act, a.relation) }))
    .filter((a) => (v.backward ? a.t <= v.t + SLACK : a.t + SLACK >= v.t))
    // this trace or its conversation: identical phrases in unrelated traces are coincidence
    .filter((a) => v.trace === undefined || a.act.trace_id === v.trace || (a.act.conversation_id !== '' && v.convo.has(a.act.conversation_id)))
    .sort((a, b) => (a.act.trace_id === v.trace ? -1 : 0) - (b.act.trace_id === v.trace ? -1 : 0) || Number(a.t - b.t))[0];
}

/** The sources that explain the copied text: fewest, this trace's first, documents before the results holding them. */
export function chooseSources(scored: Scored[], partsOf: (id: string) => string[], trace: string | undefined, backward: boolean): Scored[] {
  // the most specific source: a document rather than the result that holds it
  const keep = scored.filter((s) => !scored.some((o) => o !== s && partsOf(s.cid).includes(o.cid)));
  const local = (x: Scored): number => (x.when.act.trace_id === trace ? 1 : 0);
  keep.sort((a, b) => local(b) - local(a) || b.c.shared - a.c.shared || b.score - a.score);
  // a source counts only for fingerprints no better source already explains
  const covered = new Set<number>();
  const chosen: Scored[] = [];
  for (const s of keep) {
    const fresh = s.c.idx.filter((i) => !covered.has(i));
    if (backward && fresh.length < MIN_SHARED) continue;
    for (const i of fresh) covered.add(i);
    chosen.push(s);
    if (chosen.length >= SOURCES_PER_ARTIFACT) break;
  }
  return chosen;
}

/** The copied extent on each side: [first, last + K) of the shared fingerprints' positions. */
export function copiedExtent(c: Shared): { from: [number, number]; to: [number, number] } {
  return { from: span(c.theirs), to: span(c.mine) };
}

function span(positions: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of positions) {
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  return [lo, hi + K];
}

/**
 * Content flow for a level's artifacts: adds derived_from edges and queues the sources (backward)
 * or copies (forward) found. `onlyTrace`: a trace graph's flow, inside that trace.
 */
export async function contentStep(loader: SliceLoader, graph: SliceGraph, direction: 'backward' | 'forward', levelItems: Item[], next: Item[], onlyTrace?: string): Promise<void> {
  let items = levelItems;
  if (items.length === 0) return;
  await loader.loadArtifacts([...new Set(items.map((i) => artifactOfNode(i.node)))]);
  // Backward, only what the agent produced can have copied; forward, anything can be copied from.
  const backward = direction === 'backward' || onlyTrace !== undefined;
  if (backward) items = items.filter((i) => COPIES.has(loader.artifact(artifactOfNode(i.node))?.kind ?? ''));
  const ids = [...new Set(items.map((i) => artifactOfNode(i.node)))];
  if (ids.length === 0) return;
  const fps = new Set<string>();
  for (const id of ids) for (const f of loader.artifact(id)?.fingerprints ?? []) fps.add(f);
  if (fps.size === 0) return;
  // Sources of a copy made in a trace can only be in that trace or its conversation: their
  // artifacts are compared in memory. Only a seed with no trace (an artifact) searches the
  // whole store's fingerprint index.
  const byFp = items.every((i) => i.trace !== undefined) ? await fingerprintsInScope(loader, items, fps) : await fingerprintsInStore(loader, fps);
  const cands = new Map<string, Map<string, Shared>>();
  for (const id of ids) {
    const row = loader.artifact(id);
    if (row) cands.set(id, sharedFingerprints(row, byFp));
  }
  const allCands = [...new Set([...cands.values()].flatMap((m) => [...m.keys()]))];
  if (allCands.length === 0) return;
  await loader.loadArtifacts(allCands);
  // only candidates some target could copy from are worth asking where they appear
  for (const [id, m] of cands) {
    const row = loader.artifact(id)!;
    for (const cid of [...m.keys()]) {
      const crow = loader.artifact(cid);
      if (!crow || !couldCopy(row, crow, backward)) m.delete(cid);
    }
  }
  const candIds = [...new Set([...cands.values()].flatMap((m) => [...m.keys()]))];
  if (candIds.length === 0) return;
  // when and where each candidate appears
  const apps = await loader.appearances(candIds, APPEARANCES_PER_ARTIFACT);
  const appsOf = new Map<string, Appearance[]>();
  for (const a of apps) (appsOf.get(a.artifact_id) ?? appsOf.set(a.artifact_id, []).get(a.artifact_id)!).push(a);
  const acts = await loader.activitiesAt(apps.map((a) => ({ trace_id: a.trace_id, span_id: a.span_id })));
  const actAt = new Map(acts.map((a) => [`${a.trace_id}/${a.span_id}`, a]));
  for (const item of items) {
    const id = artifactOfNode(item.node);
    const row = loader.artifact(id);
    const m = cands.get(id);
    if (!row || !m) continue;
    const convo = item.trace ? await loader.conversations(item.trace) : new Set<string>();
    // Backward, a source must predate the start of the activity that produced this content.
    const producer = backward && item.trace ? producerIn(await loader.trace(item.trace), id, item.t ?? 0n) : undefined;
    const v: Viewpoint = { trace: item.trace, convo, t: producer ? start(producer) : (item.t ?? 0n), backward, onlyTrace };
    const scored: Scored[] = [];
    for (const [cid, all] of m) {
      const crow = loader.artifact(cid);
      if (!crow) continue;
      const when = sourceSeen(appsOf.get(cid) ?? [], actAt, v);
      if (!when) continue;
      // Grams over a low-entropy value (an address, a card) link only within one trace: from
      // another trace they could confirm a guessed value (redaction/redactor.ts, no oracle).
      const c = item.trace !== undefined && when.act.trace_id === item.trace ? all : withoutSensitive(all);
      if (c.shared < MIN_SHARED) continue;
      scored.push({ cid, score: c.shared / Math.max(1, Math.min(row.fingerprints.length, crow.fingerprints.length)), when, c });
    }
    for (const s of chooseSources(scored, (cid) => loader.artifact(cid)?.parts ?? [], item.trace, backward)) {
      if (graph.full()) break;
      const cn = graph.addArtifact(s.cid, item.depth + 1);
      const extent = copiedExtent(s.c);
      const edge = backward
        ? graph.addEdge(cn, item.node, 'derived_from', 'content', 'fingerprints')
        : graph.addEdge(item.node, cn, 'derived_from', 'content', 'fingerprints', { from: extent.to, to: extent.from });
      edge.score = Math.round(s.score * 1000) / 1000;
      edge.shared = s.c.shared;
      if (backward) edge.extent = extent;
      graph.push(next, { node: cn, depth: item.depth + 1, trace: s.when.act.trace_id, t: s.when.t });
    }
  }
}

async function fingerprintsInStore(loader: SliceLoader, fps: Set<string>): Promise<FingerprintIndex> {
  const byFp: FingerprintIndex = new Map();
  for (const h of await loader.fingerprintHits([...fps])) {
    let l = byFp.get(h.fp);
    if (!l) byFp.set(h.fp, (l = []));
    l.push(h);
  }
  return byFp;
}

/** The fingerprints in `fps` held by any artifact of the items' traces and their conversations. */
async function fingerprintsInScope(loader: SliceLoader, items: Item[], fps: Set<string>): Promise<FingerprintIndex> {
  const own = [...new Set(items.map((i) => i.trace!))];
  await loader.prefetchScopes(own);
  const traces = new Set<string>();
  for (const t of own) for (const x of await loader.scope(t)) traces.add(x);
  await loader.prefetchTraces([...traces]);
  const ids = new Set<string>();
  for (const t of traces) {
    for (const rels of (await loader.trace(t)).bySpan.values()) {
      for (const r of rels) {
        ids.add(r.artifact_id);
        if (r.container_id) ids.add(r.container_id);
      }
    }
  }
  await loader.loadArtifacts([...ids]);
  const byFp: FingerprintIndex = new Map();
  for (const id of ids) {
    const row = loader.artifact(id);
    if (!row) continue;
    row.fingerprints.forEach((f, i) => {
      if (!fps.has(f)) return;
      let l = byFp.get(f);
      if (!l) byFp.set(f, (l = []));
      l.push({ artifact_id: id, pos: row.fp_positions[i]! });
    });
  }
  return byFp;
}
