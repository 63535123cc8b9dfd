// Causal slices: a walk over the provenance relations from a seed, backward ("why did this
// happen?") or forward ("what did this lead to?"), across traces. Counterpart relations are
// resolved here, at read time, by joins on stored keys, so the graph never depends on the
// order in which spans arrived or on what one process remembered:
//  - executed: a tool request → the tool span that ran it (call id, else name + arguments,
//    else order among same-named calls in the trace);
//  - derived_from: shared winnowing fingerprints between an earlier and a later artifact;
//  - an artifact used in a trace comes from its nearest earlier producer in that trace, else
//    from the nearest earlier producer anywhere (content carried across traces).
import type {
  ActivityRow,
  ArtifactRow,
  HowKnown,
  RelationName,
  RelationRow,
  SliceActivity,
  SliceArtifact,
  SliceEdge,
  SliceNode,
  SliceResponse,
  TaintPath,
} from '@causeway/schemas';
import type { Appearance } from '@causeway/schemas';
import { activityNodeId, artifactNodeId, artifactOfNode, isActivityNode, isArtifactNode, traceOfNode } from '@causeway/schemas/node-id.ts';
import type { ProvenanceReader } from './reader.ts';
import { K } from './fingerprint.ts';
import { type TrustRule, trustOf } from './trust.ts';

export interface SliceOptions {
  tenant: string;
  direction: 'backward' | 'forward';
  depth: number;
  maxNodes: number;
  trustRules: TrustRule[];
}

export type SliceSeed = { traceId: string; spanId: string } | { artifactId: string; traceId?: string };

/** Three shared fingerprints ≈ a shared run of 20-odd characters (an address, a name): less is boilerplate. */
const MIN_SHARED = 3;
const SOURCES_PER_ARTIFACT = 4;
const APPEARANCES_PER_ARTIFACT = 200;
/** Other traces of a conversation searched for the sources of copied text (newest first). */
const CONVERSATION_TRACES = 50;
const PREVIEW = 280;

interface TraceGraph {
  acts: Map<string, ActivityRow>;
  bySpan: Map<string, RelationRow[]>;
  producers: Map<string, { act: ActivityRow; rel: RelationRow }[]>;
  consumers: Map<string, { act: ActivityRow; rel: RelationRow }[]>;
  containers: Map<string, string[]>;
  tools: ActivityRow[];
}

interface Item {
  node: string;
  depth: number;
  /** artifacts: the trace and time they are seen from */
  trace?: string;
  t?: bigint;
  prefer?: string;
  /** backward: the activity that used it (span id) */
  reader?: string;
  /** forward: the activity that generated it (span id) */
  maker?: string;
}


const start = (a: ActivityRow): bigint => BigInt(a.start_time_unix_nano);
const end = (a: ActivityRow): bigint => BigInt(a.end_time_unix_nano);
/** Content an activity used was there at its start; what it generated exists from its end. */
const at = (a: ActivityRow, relation: string): bigint => (relation === 'generated' ? end(a) : start(a));
/**
 * Two instants closer than this are not ordered by their timestamps: SDKs stamp span starts in
 * whole milliseconds (ends are finer), and clocks jitter by a millisecond either way. Within it,
 * structure decides (see matchRequest, producerIn).
 */
const SLACK = 3_000_000n;

/** Whether `a` encloses `b` (walks b's parents; bounded by the trace's size, so no cycle loops). */
function isAncestor(g: TraceGraph, a: ActivityRow, b: ActivityRow): boolean {
  let cur = b.parent_span_id;
  for (let i = 0; cur !== '' && i <= g.acts.size; i++) {
    if (cur === a.span_id) return true;
    cur = g.acts.get(cur)?.parent_span_id ?? '';
  }
  return false;
}

/**
 * The latest of some items by a time, where "latest" tolerates SLACK: every item within SLACK of
 * the latest counts as tied, and ties go to `tie` (structure), never to the clock.
 */
function latestBy<T>(items: T[], time: (x: T) => bigint, tie: (a: T, b: T) => number): T | undefined {
  if (items.length === 0) return undefined;
  let max = time(items[0]!);
  for (const x of items) if (time(x) > max) max = time(x);
  return items.filter((x) => time(x) + SLACK >= max).sort(tie)[0];
}

/** Items in time order, where runs of items each within SLACK of the previous are ordered by `tie` instead. */
function inOrder<T>(items: T[], time: (x: T) => bigint, tie: (a: T, b: T) => number): T[] {
  const sorted = [...items].sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : tie(a, b)));
  const out: T[] = [];
  let run: T[] = [];
  for (const x of sorted) {
    if (run.length > 0 && time(x) - time(run[run.length - 1]!) > SLACK) {
      out.push(...run.sort(tie));
      run = [];
    }
    run.push(x);
  }
  return [...out, ...run.sort(tie)];
}

/** Model calls decide; an agent run or chain only repeats what they decided. */
const KIND_RANK: Record<string, number> = { llm: 0, tool: 1, retrieval: 1, approval: 1, agent: 2, other: 3 };
const rankOf = (a: ActivityRow): number => KIND_RANK[a.kind] ?? 3;
/** Kinds the agent produced: the ones whose text may have been copied from somewhere. */
const COPIES = new Set(['tool_request', 'model_output', 'outcome', 'tool_result']);

/** Whether `target` may have copied text from `source` (backward: `target` is what the agent made). */
function couldCopy(target: ArtifactRow, source: ArtifactRow, backward: boolean): boolean {
  // already linked as whole and part: that is containment, not copying
  if (source.parts.includes(target.artifact_id) || target.parts.includes(source.artifact_id)) return false;
  // a tool's result copies from documents (a retriever's hits), not from the conversation
  if (backward) return target.kind !== 'tool_result' || source.kind === 'document';
  return COPIES.has(source.kind);
}

export class SliceBuilder {
  private readonly traces = new Map<string, Promise<TraceGraph>>();
  private readonly scopes = new Map<string, Promise<string[]>>();
  private readonly artifactRows = new Map<string, ArtifactRow>();
  private readonly nodes = new Map<string, SliceNode>();
  private readonly edges = new Map<string, SliceEdge>();
  private readonly visited = new Set<string>();
  private readonly producerNames = new Map<string, Set<string>>();
  private readonly afterCache = new Map<string, Set<string>>();
  private readonly children = new WeakMap<TraceGraph, Map<string, string[]>>();
  private truncatedReason: string | undefined;

  constructor(
    private readonly q: ProvenanceReader,
    private readonly o: SliceOptions,
  ) {}

  async slice(seed: SliceSeed): Promise<SliceResponse | undefined> {
    let frontier: Item[];
    let seedId: string;
    if ('spanId' in seed) {
      const g = await this.trace(seed.traceId);
      const act = g.acts.get(seed.spanId);
      if (!act) return undefined;
      seedId = this.addActivity(act, 0);
      this.visited.add(`${seedId}@`);
      frontier = [{ node: seedId, depth: 0 }];
    } else {
      const [row] = await this.q.artifacts(this.o.tenant, [seed.artifactId]);
      if (!row) return undefined;
      this.artifactRows.set(row.artifact_id, row);
      seedId = this.addArtifact(row.artifact_id, 0);
      // An artifact seed is seen from everywhere it appears (or from one trace when given).
      this.visited.add(`${seedId}@${seed.traceId ?? ''}`);
      frontier = [{ node: seedId, depth: 0, ...(seed.traceId ? { trace: seed.traceId } : {}), t: this.o.direction === 'forward' ? 0n : BigInt('18446744073709551615') }];
    }
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth >= this.o.depth) {
        this.truncatedReason ??= `depth limit ${this.o.depth} reached`;
        break;
      }
      const next: Item[] = [];
      const levelTraces = frontier.flatMap((i) => (i.trace ? [i.trace] : isActivityNode(i.node) ? [traceOfNode(i.node)] : []));
      if (this.o.direction === 'forward') {
        // one lookup per level for where this level's artifacts appear (forward crosses traces by it)
        const arts = frontier.filter((i) => isArtifactNode(i.node)).map((i) => artifactOfNode(i.node));
        await this.prefetchAppearances(arts);
        // Those traces load with the level's own, as many as nodes are still allowed, so a slice
        // near its limit does not load traces it will never show (the rest load when reached).
        const across = new Set(arts.flatMap((a) => (this.appearanceCache.get(a) ?? []).map((x) => x.trace_id)));
        levelTraces.push(...[...across].slice(0, Math.max(0, this.o.maxNodes - this.nodes.size)));
      }
      // one load for the graphs of every trace this level touches
      await this.prefetchTraces(levelTraces);
      for (const item of frontier) {
        if (this.full()) break;
        if (isActivityNode(item.node)) await this.expandActivity(item, next);
        else await this.expandArtifact(item, next);
      }
      if (!this.full()) await this.contentStep(frontier.filter((i) => isArtifactNode(i.node)), next);
      frontier = next;
      if (this.full() && frontier.length > 0) this.truncatedReason ??= `node limit ${this.o.maxNodes} reached`;
      if (this.full()) break;
    }
    return this.result(seedId, this.o.direction);
  }

  /** The causal graph of one whole trace: every activity, its artifacts and the links between them. */
  async traceGraph(traceId: string): Promise<SliceResponse | undefined> {
    const g = await this.trace(traceId);
    if (g.acts.size === 0) return undefined;
    const items: Item[] = [];
    for (const act of g.acts.values()) {
      if (this.full()) break;
      items.push({ node: this.addActivity(act, 0), depth: 0 });
    }
    const arts: Item[] = [];
    for (const act of g.acts.values()) {
      if (this.full()) break;
      const id = activityNodeId(act.trace_id, act.span_id);
      for (const rel of g.bySpan.get(act.span_id) ?? []) {
        if (rel.relation === 'part_of') continue;
        const art = this.addArtifact(rel.artifact_id, 1);
        if (rel.relation === 'used') this.addEdge(art, id, 'used', 'explicit', rel.role);
        else this.addEdge(id, art, 'generated', 'explicit', rel.role);
        arts.push({ node: art, depth: 1, trace: traceId, t: at(act, rel.relation) });
      }
      if (act.kind === 'tool') {
        const m = this.matchRequest(g, act);
        if (m) this.addEdge(this.addArtifact(m.artifactId, 1), id, 'executed', m.how, m.detail);
      }
      if (act.parent_span_id && g.acts.has(act.parent_span_id)) this.addEdge(activityNodeId(traceId, act.parent_span_id), id, 'child_of', 'structural');
    }
    await this.loadArtifacts([...this.nodes.keys()].filter(isArtifactNode).map(artifactOfNode));
    for (const a of [...this.artifactRows.values()]) {
      for (const p of a.parts) if (this.nodes.has(artifactNodeId(p)) || !this.full()) this.addEdge(this.addArtifact(p, 1), artifactNodeId(a.artifact_id), 'part_of', 'explicit');
    }
    // Content flow inside the trace only: the explorer asks for slices to cross traces.
    await this.contentStep(
      arts.filter((i, k, all) => all.findIndex((j) => j.node === i.node) === k),
      [],
      traceId,
    );
    if (g.acts.size > this.o.maxNodes) this.truncatedReason = `node limit ${this.o.maxNodes} reached`;
    return this.result(`trace:${traceId}`, 'trace');
  }

  // ---------------------------------------------------------------------------------------------
  // walking

  private async expandActivity(item: Item, next: Item[]): Promise<void> {
    const node = this.nodes.get(item.node) as SliceActivity;
    const g = await this.trace(node.traceId);
    const act = g.acts.get(node.spanId)!;
    const rels = g.bySpan.get(act.span_id) ?? [];
    if (this.o.direction === 'backward') {
      const m = act.kind === 'tool' ? this.matchRequest(g, act) : undefined;
      for (const rel of rels) {
        if (rel.relation !== 'used') continue;
        const art = this.addArtifact(rel.artifact_id, item.depth + 1);
        this.addEdge(art, item.node, 'used', 'explicit', rel.role);
        // the request a tool ran comes from the call that asked for it (found by matching)
        const prefer = m && rel.artifact_id === m.artifactId ? { prefer: m.producer.span_id } : {};
        this.push(next, { node: art, depth: item.depth + 1, trace: act.trace_id, t: start(act), reader: act.span_id, ...prefer });
      }
      if (m) {
        const art = this.addArtifact(m.artifactId, item.depth + 1);
        this.addEdge(art, item.node, 'executed', m.how, m.detail);
        this.push(next, { node: art, depth: item.depth + 1, trace: act.trace_id, t: start(act), reader: act.span_id, prefer: m.producer.span_id });
      }
      for (const link of act.links) {
        const [traceId, spanId] = link.split('/') as [string, string];
        const lg = await this.trace(traceId);
        const linked = lg.acts.get(spanId);
        if (!linked) continue;
        const id = this.addActivity(linked, item.depth + 1);
        this.addEdge(id, item.node, 'linked', 'explicit', 'span link');
        this.push(next, { node: id, depth: item.depth + 1 });
      }
    } else {
      for (const rel of rels) {
        if (rel.relation !== 'generated') continue;
        const art = this.addArtifact(rel.artifact_id, item.depth + 1);
        this.addEdge(item.node, art, 'generated', 'explicit', rel.role);
        this.push(next, { node: art, depth: item.depth + 1, trace: act.trace_id, t: end(act), maker: act.span_id });
      }
    }
  }

  private async expandArtifact(item: Item, next: Item[]): Promise<void> {
    const id = artifactOfNode(item.node);
    const t = item.t ?? 0n;
    const d = item.depth + 1;
    if (this.o.direction === 'backward') {
      // where it came from: its producer in this trace, else the nearest earlier one anywhere
      const producer = item.trace ? await this.producerIn(item.trace, id, t, item.prefer, item.reader) : undefined;
      const chosen = producer ?? (await this.producerElsewhere(id, t, item.trace));
      if (chosen) {
        const a = this.addActivity(chosen, d);
        this.addEdge(a, item.node, 'generated', 'explicit');
        this.push(next, { node: a, depth: d });
      }
      // the documents it holds
      await this.loadArtifacts([id]);
      for (const p of this.artifactRows.get(id)?.parts ?? []) {
        const part = this.addArtifact(p, d);
        this.addEdge(part, item.node, 'part_of', 'explicit');
        this.push(next, { node: part, depth: d, ...(item.trace ? { trace: item.trace } : {}), t });
      }
      return;
    }
    // forward: who used it after it was produced, in this trace and (with no producer of their own) in others
    const consumers: { act: ActivityRow; role: string; via?: string }[] = [];
    const seenTraces = new Set<string>();
    if (item.trace) {
      const g = await this.trace(item.trace);
      seenTraces.add(item.trace);
      for (const c of g.consumers.get(id) ?? []) if (start(c.act) + SLACK >= t) consumers.push({ act: c.act, role: c.rel.role });
      // a tool request leads to the tool span that ran it: the one matching says ran this
      // producer's request (a streamed call's tools start before it ends), else any that ran it later
      for (const tool of g.tools) {
        const m = this.matchRequest(g, tool);
        if (m?.artifactId !== id) continue;
        if (item.maker ? m.producer.span_id === item.maker : start(tool) + SLACK >= t) {
          const a = this.addActivity(tool, d);
          this.addEdge(item.node, a, 'executed', m.how, m.detail);
          this.push(next, { node: a, depth: d });
        }
      }
      for (const c of g.containers.get(id) ?? []) {
        const cont = this.addArtifact(c, d);
        this.addEdge(item.node, cont, 'part_of', 'explicit');
        this.push(next, { node: cont, depth: d, trace: item.trace, t });
      }
    }
    const apps = await this.appearancesOf(id);
    const others = [...new Set(apps.map((a) => a.trace_id))].filter((x) => !seenTraces.has(x));
    await this.prefetchTraces(others);
    for (const traceId of others) {
      if (this.full()) break;
      const g = await this.trace(traceId);
      const produced = (g.producers.get(id) ?? []).map((p) => end(p.act));
      for (const c of g.consumers.get(id) ?? []) {
        // content that trace produced itself did not come from here
        if (start(c.act) + SLACK < t || produced.some((p) => p <= start(c.act) + SLACK)) continue;
        consumers.push({ act: c.act, role: c.rel.role, via: 'across traces' });
      }
      if (item.trace === undefined) {
        // an artifact seed: everywhere it appears counts, including what held it
        for (const c of g.containers.get(id) ?? []) {
          const cont = this.addArtifact(c, d);
          this.addEdge(item.node, cont, 'part_of', 'explicit');
          this.push(next, { node: cont, depth: d, trace: traceId, t: 0n });
        }
        for (const p of g.producers.get(id) ?? []) {
          const a = this.addActivity(p.act, d);
          this.addEdge(a, item.node, 'generated', 'explicit', p.rel.role);
        }
      }
    }
    for (const c of consumers) {
      if (this.full()) break;
      const a = this.addActivity(c.act, d);
      this.addEdge(item.node, a, 'used', 'explicit', c.via ? `${c.role} (${c.via})` : c.role);
      this.push(next, { node: a, depth: d });
    }
  }

  /**
   * Content flow for a level's artifacts: which other artifacts share text with them. Backward:
   * earlier artifacts each one copied from; forward: later artifacts that copied from it.
   */
  private async contentStep(levelItems: Item[], next: Item[], onlyTrace?: string): Promise<void> {
    let items = levelItems;
    if (items.length === 0) return;
    await this.loadArtifacts([...new Set(items.map((i) => artifactOfNode(i.node)))]);
    // Backward, only what the agent produced can have copied; forward, anything can be copied from.
    const backwardish = this.o.direction === 'backward' || onlyTrace !== undefined;
    if (backwardish) items = items.filter((i) => COPIES.has(this.artifactRows.get(artifactOfNode(i.node))?.kind ?? ''));
    const ids = [...new Set(items.map((i) => artifactOfNode(i.node)))];
    if (ids.length === 0) return;
    const fps = new Set<string>();
    for (const id of ids) for (const f of this.artifactRows.get(id)?.fingerprints ?? []) fps.add(f);
    if (fps.size === 0) return;
    // Sources of a copy made in a trace can only be in that trace or its conversation (the
    // filter below): their artifacts are compared in memory. Only a seed with no trace (an
    // artifact) searches the whole store's fingerprint index.
    const byFp = items.every((i) => i.trace !== undefined) ? await this.fingerprintsInScope(items, fps) : await this.fingerprintsInStore(fps);
    // candidates per target
    const cands = new Map<string, Map<string, { shared: number; idx: number[]; mine: number[]; theirs: number[] }>>();
    for (const id of ids) {
      const row = this.artifactRows.get(id);
      if (!row) continue;
      const m = new Map<string, { shared: number; idx: number[]; mine: number[]; theirs: number[] }>();
      row.fingerprints.forEach((f, i) => {
        for (const h of byFp.get(f) ?? []) {
          if (h.artifact_id === id) continue;
          let c = m.get(h.artifact_id);
          if (!c) m.set(h.artifact_id, (c = { shared: 0, idx: [], mine: [], theirs: [] }));
          c.shared++;
          c.idx.push(i);
          c.mine.push(row.fp_positions[i]!);
          c.theirs.push(h.pos);
        }
      });
      for (const [k, c] of m) if (c.shared < MIN_SHARED) m.delete(k);
      cands.set(id, m);
    }
    const allCands = [...new Set([...cands.values()].flatMap((m) => [...m.keys()]))];
    if (allCands.length === 0) return;
    await this.loadArtifacts(allCands);
    // only candidates some target could copy from are worth asking where they appear
    for (const [id, m] of cands) {
      const row = this.artifactRows.get(id)!;
      for (const cid of [...m.keys()]) {
        const crow = this.artifactRows.get(cid);
        if (!crow || !couldCopy(row, crow, backwardish)) m.delete(cid);
      }
    }
    const candIds = [...new Set([...cands.values()].flatMap((m) => [...m.keys()]))];
    if (candIds.length === 0) return;
    // When and where each candidate appears. Items seen from a trace: in the traces of their
    // scope, already loaded (a store-wide lookup is capped per artifact, and a popular artifact's
    // appearances in this very trace could fall outside the cap).
    const scoped = items.every((i) => i.trace !== undefined);
    const { apps, actAt } = scoped ? await this.appearancesInScope(items, new Set(candIds)) : await this.appearancesInStore(candIds);
    for (const item of items) {
      const id = artifactOfNode(item.node);
      const row = this.artifactRows.get(id);
      const m = cands.get(id);
      if (!row || !m) continue;
      const convo = item.trace ? await this.conversations(item.trace) : new Set<string>();
      // Backward, a source must predate the start of the activity that produced this content.
      const producer = backwardish && item.trace ? await this.producerIn(item.trace, id, item.t ?? 0n, item.prefer, item.reader) : undefined;
      const t = producer ? start(producer) : (item.t ?? 0n);
      const after = backwardish && item.trace ? this.downstreamOf(await this.trace(item.trace), producer) : () => false;
      const scored: { cid: string; score: number; when: { act: ActivityRow; t: bigint; made: number }; c: { shared: number; idx: number[]; mine: number[]; theirs: number[] } }[] = [];
      for (const [cid, c] of m) {
        const crow = this.artifactRows.get(cid);
        if (!crow) continue;
        const when = apps
          .filter((a) => a.artifact_id === cid && (!onlyTrace || a.trace_id === onlyTrace))
          .map((a) => ({ act: actAt.get(`${a.trace_id}/${a.span_id}`), relation: a.relation }))
          .filter((a): a is { act: ActivityRow; relation: string } => a.act !== undefined && !after(a.act, a.relation))
          .map((a) => ({ act: a.act, t: at(a.act, a.relation), made: a.relation === 'generated' ? 0 : 1 }))
          .filter((a) => (backwardish ? a.t <= t + SLACK : a.t + SLACK >= t))
          // this trace or its conversation: identical phrases in unrelated traces are coincidence
          .filter((a) => item.trace === undefined || a.act.trace_id === item.trace || (a.act.conversation_id !== '' && convo.has(a.act.conversation_id)))
          // seen from where it was made (its producer) rather than from its first reader, then the earliest
          .sort((a, b) => (a.act.trace_id === item.trace ? -1 : 0) - (b.act.trace_id === item.trace ? -1 : 0) || a.made - b.made || Number(a.t - b.t) || a.act.span_id.localeCompare(b.act.span_id));
        if (when.length === 0) continue;
        const score = c.shared / Math.max(1, Math.min(row.fingerprints.length, crow.fingerprints.length));
        scored.push({ cid, score, when: when[0]!, c });
      }
      // the most specific source: a document rather than the result that holds it
      const keep = scored.filter((s) => !scored.some((o) => o !== s && this.artifactRows.get(s.cid)?.parts.includes(o.cid)));
      // Explain the copied text with as few sources as possible, this trace's first: a source
      // counts only for fingerprints no better source already explains.
      const local = (x: (typeof keep)[number]): number => (x.when.act.trace_id === item.trace ? 1 : 0);
      keep.sort((a, b) => local(b) - local(a) || b.c.shared - a.c.shared || b.score - a.score);
      const covered = new Set<number>();
      const chosen: typeof keep = [];
      for (const s of keep) {
        const fresh = s.c.idx.filter((i) => !covered.has(i));
        if (backwardish && fresh.length < MIN_SHARED) continue;
        for (const i of fresh) covered.add(i);
        chosen.push(s);
        if (chosen.length >= SOURCES_PER_ARTIFACT) break;
      }
      for (const s of chosen) {
        if (this.full()) break;
        const cn = this.addArtifact(s.cid, item.depth + 1);
        const extent = {
          from: [Math.min(...s.c.theirs), Math.max(...s.c.theirs) + K] as [number, number],
          to: [Math.min(...s.c.mine), Math.max(...s.c.mine) + K] as [number, number],
        };
        const edge = backwardish
          ? this.addEdge(cn, item.node, 'derived_from', 'content', 'fingerprints')
          : this.addEdge(item.node, cn, 'derived_from', 'content', 'fingerprints', { from: extent.to, to: extent.from });
        edge.score = Math.round(s.score * 1000) / 1000;
        edge.shared = s.c.shared;
        if (backwardish) edge.extent = extent;
        // forward, a copy seen where it was made leads on from its maker (the tools its requests ran)
        const maker = !backwardish && s.when.made === 0 ? { maker: s.when.act.span_id } : {};
        this.push(next, { node: cn, depth: item.depth + 1, trace: s.when.act.trace_id, t: s.when.t, ...maker });
      }
    }
  }

  private async fingerprintsInStore(fps: Set<string>): Promise<Map<string, { artifact_id: string; pos: number }[]>> {
    const byFp = new Map<string, { artifact_id: string; pos: number }[]>();
    for (const h of await this.q.fingerprintHits(this.o.tenant, [...fps])) {
      let l = byFp.get(h.fp);
      if (!l) byFp.set(h.fp, (l = []));
      l.push(h);
    }
    return byFp;
  }

  /**
   * Activities that, by the trace's structure, started after `p` had begun, however close the
   * clocks: those inside it, and those that read something only it produced (and anything inside
   * those), unless they enclose it.
   */
  private after(g: TraceGraph, p: ActivityRow): Set<string> {
    const key = `${p.trace_id}/${p.span_id}`;
    const known = this.afterCache.get(key);
    if (known) return known;
    const readers: ActivityRow[] = [];
    for (const rel of g.bySpan.get(p.span_id) ?? []) {
      if (rel.relation !== 'generated' || (g.producers.get(rel.artifact_id) ?? []).some((x) => x.act.span_id !== p.span_id)) continue;
      for (const c of g.consumers.get(rel.artifact_id) ?? []) if (c.act.span_id !== p.span_id && !isAncestor(g, c.act, p)) readers.push(c.act);
    }
    // everything inside p and inside the readers, and the readers: one walk down the span tree
    const kids = this.childrenOf(g);
    const out = new Set<string>(readers.map((r) => r.span_id));
    const queue = [p.span_id, ...out];
    for (let i = 0; i < queue.length; i++) {
      for (const c of kids.get(queue[i]!) ?? []) {
        if (out.has(c)) continue;
        out.add(c);
        queue.push(c);
      }
    }
    this.afterCache.set(key, out);
    return out;
  }

  private childrenOf(g: TraceGraph): Map<string, string[]> {
    let m = this.children.get(g);
    if (!m) {
      m = new Map();
      for (const a of g.acts.values()) if (a.parent_span_id) (m.get(a.parent_span_id) ?? m.set(a.parent_span_id, []).get(a.parent_span_id)!).push(a.span_id);
      this.children.set(g, m);
    }
    return m;
  }

  /**
   * Appearances that cannot show where artifact `id` (made by `producer`) was copied from: what
   * the producer generated, what activities enclosing it generated (reported when they end), and
   * anything that by structure came after the producer (see after()).
   */
  private downstreamOf(g: TraceGraph, producer: ActivityRow | undefined): (a: ActivityRow, relation: string) => boolean {
    if (!producer) return () => false;
    const later = this.after(g, producer);
    return (a, relation) =>
      a.trace_id === producer.trace_id &&
      (later.has(a.span_id) || (relation === 'generated' && (a.span_id === producer.span_id || isAncestor(g, a, producer))));
  }

  private async appearancesInStore(ids: string[]): Promise<{ apps: Appearance[]; actAt: Map<string, ActivityRow> }> {
    const apps = await this.q.appearances(this.o.tenant, ids, APPEARANCES_PER_ARTIFACT);
    const acts = await this.q.activitiesAt(
      this.o.tenant,
      apps.map((a) => ({ trace_id: a.trace_id, span_id: a.span_id })),
    );
    return { apps, actAt: new Map(acts.map((a) => [`${a.trace_id}/${a.span_id}`, a])) };
  }

  /** Where `ids` appear in the items' traces and their conversations (loaded by fingerprintsInScope). */
  private async appearancesInScope(items: Item[], ids: Set<string>): Promise<{ apps: Appearance[]; actAt: Map<string, ActivityRow> }> {
    const traces = new Set<string>();
    for (const t of new Set(items.map((i) => i.trace!))) for (const x of await this.scope(t)) traces.add(x);
    const apps: Appearance[] = [];
    const actAt = new Map<string, ActivityRow>();
    for (const t of traces) {
      const g = await this.trace(t);
      for (const [span, rels] of g.bySpan) {
        for (const r of rels) {
          if (!ids.has(r.artifact_id)) continue;
          apps.push({ artifact_id: r.artifact_id, trace_id: t, span_id: span, relation: r.relation, container_id: r.container_id });
          actAt.set(`${t}/${span}`, g.acts.get(span)!);
        }
      }
    }
    return { apps, actAt };
  }

  /** The fingerprints in `fps` held by any artifact of the items' traces and their conversations. */
  private async fingerprintsInScope(items: Item[], fps: Set<string>): Promise<Map<string, { artifact_id: string; pos: number }[]>> {
    const own = [...new Set(items.map((i) => i.trace!))];
    await this.prefetchScopes(own);
    const traces = new Set<string>();
    for (const t of own) for (const x of await this.scope(t)) traces.add(x);
    await this.prefetchTraces([...traces]);
    const ids = new Set<string>();
    for (const t of traces) {
      for (const rels of (await this.trace(t)).bySpan.values()) {
        for (const r of rels) {
          ids.add(r.artifact_id);
          if (r.container_id) ids.add(r.container_id);
        }
      }
    }
    await this.loadArtifacts([...ids]);
    const byFp = new Map<string, { artifact_id: string; pos: number }[]>();
    for (const id of ids) {
      const row = this.artifactRows.get(id);
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

  /** The scopes of several traces with one query for all their conversations (registered before any await). */
  private async prefetchScopes(traceIds: string[]): Promise<void> {
    const missing = [...new Set(traceIds)].filter((t) => !this.scopes.has(t));
    if (missing.length === 0) return;
    const loaded = (async () => {
      await this.prefetchTraces(missing);
      const convos = new Map<string, string[]>();
      for (const t of missing) convos.set(t, [...(await this.conversations(t))].sort());
      const rows = await this.q.conversationTraces(this.o.tenant, [...new Set([...convos.values()].flat())], CONVERSATION_TRACES);
      const byConvo = new Map<string, string[]>();
      for (const r of rows) (byConvo.get(r.conversation_id) ?? byConvo.set(r.conversation_id, []).get(r.conversation_id)!).push(r.trace_id);
      // this trace first, then the others of its conversations, newest first
      return (t: string): string[] => [t, ...new Set(convos.get(t)!.flatMap((c) => byConvo.get(c) ?? []).filter((x) => x !== t))];
    })();
    for (const t of missing) this.scopes.set(t, loaded.then((of) => of(t)));
    await loaded;
  }

  /** A trace and the other traces of its conversations: where copied text in it may come from. */
  private async scope(traceId: string): Promise<string[]> {
    await this.prefetchScopes([traceId]);
    return this.scopes.get(traceId)!;
  }

  // ---------------------------------------------------------------------------------------------
  // matching

  /**
   * The tool request a tool activity executed, and the model call that asked for it. A request
   * counts from its producer's start, not its end: a streamed model call is still open when the
   * tools it asked for start. Candidates: producers of a matching request (call id, else name +
   * arguments, else the n-th run of a tool pairs with its n-th request) that started before the
   * tool and are not the tool or inside it; model calls before other activities (an agent run's
   * output repeats its model calls' requests), the call the tool runs inside before others, then
   * the latest to start, ties within SLACK decided by structure (same parent, stream order, id).
   */
  private matchRequest(g: TraceGraph, tool: ActivityRow): { artifactId: string; producer: ActivityRow; how: HowKnown; detail: string } | undefined {
    type Req = { artifactId: string; act: ActivityRow; rel: RelationRow };
    const later = this.after(g, tool);
    const eligible = (p: { act: ActivityRow }): boolean => p.act.span_id !== tool.span_id && start(p.act) <= start(tool) + SLACK && !later.has(p.act.span_id);
    const requests: Req[] = [...g.producers.entries()].flatMap(([artifactId, ps]) =>
      ps.filter((p) => p.rel.artifact_kind === 'tool_request' && eligible(p)).map((p) => ({ artifactId, ...p })),
    );
    const structure = (a: Req, b: Req): number =>
      Number(b.act.parent_span_id === tool.parent_span_id) - Number(a.act.parent_span_id === tool.parent_span_id) ||
      a.rel.seq - b.rel.seq ||
      a.act.span_id.localeCompare(b.act.span_id);
    const best = (l: Req[]): Req | undefined => {
      const rank = Math.min(...l.map((r) => rankOf(r.act)));
      const top = l.filter((r) => rankOf(r.act) === rank);
      const enclosing = top.filter((r) => isAncestor(g, r.act, tool));
      return latestBy(enclosing.length > 0 ? enclosing : top, (r) => start(r.act), structure);
    };
    if (tool.call_id) {
      const m = best(requests.filter((r) => r.rel.call_id === tool.call_id));
      if (m) return { artifactId: m.artifactId, producer: m.act, how: 'explicit', detail: 'call_id' };
    }
    if (tool.request_id) {
      const m = best(requests.filter((r) => r.artifactId === tool.request_id));
      if (m) return { artifactId: m.artifactId, producer: m.act, how: 'explicit', detail: 'name+arguments' };
    }
    if (!tool.tool_name) return undefined;
    // order within the step: the n-th run of a tool pairs with the n-th request for it
    const sameName = requests.filter((r) => r.rel.tool_name === tool.tool_name);
    const rank = Math.min(...sameName.map((r) => rankOf(r.act)));
    const reqs = inOrder(sameName.filter((r) => rankOf(r.act) === rank), (r) => start(r.act), (a, b) => a.act.span_id.localeCompare(b.act.span_id) || a.rel.seq - b.rel.seq);
    const runs = inOrder(g.tools.filter((x) => x.tool_name === tool.tool_name), start, (a, b) => a.span_id.localeCompare(b.span_id));
    const n = runs.findIndex((x) => x.span_id === tool.span_id);
    const m = reqs[n] ?? reqs.at(-1);
    return m ? { artifactId: m.artifactId, producer: m.act, how: 'structural', detail: 'order' } : undefined;
  }

  /**
   * Where artifact `id`, seen in a trace at time `t` (by activity `from`, when one used it), came
   * from: the producer matching already chose (`prefer`); else its latest producer that had
   * finished by then; else one still running that started before (a streamed model call), model
   * calls first. Never the reader itself or an activity inside it. Ties within SLACK: not an
   * enclosing activity, then by kind, then by span id.
   */
  private async producerIn(traceId: string, id: string, t: bigint, prefer?: string, from?: string): Promise<ActivityRow | undefined> {
    const g = await this.trace(traceId);
    const reader = from ? g.acts.get(from) : undefined;
    const later = reader ? this.after(g, reader) : new Set<string>();
    const all = (g.producers.get(id) ?? []).map((p) => p.act).filter((a) => a.span_id !== from && !later.has(a.span_id));
    const preferred = all.find((a) => a.span_id === prefer);
    if (preferred) return preferred;
    const enclosing = (a: ActivityRow): number => (reader && isAncestor(g, a, reader) ? 1 : 0);
    const tie = (a: ActivityRow, b: ActivityRow): number => enclosing(a) - enclosing(b) || rankOf(a) - rankOf(b) || a.span_id.localeCompare(b.span_id);
    const done = all.filter((a) => end(a) <= t + SLACK);
    if (done.length > 0) return latestBy(done, end, tie);
    const running = all.filter((a) => start(a) <= t + SLACK);
    const rank = Math.min(...running.map(rankOf));
    return latestBy(running.filter((a) => rankOf(a) === rank), start, tie);
  }

  /**
   * A producer in another trace of the same conversation (a chat whose turns are separate
   * traces): identical content produced in unrelated traces is not where this came from, and
   * copying across unrelated traces is what content edges are for.
   */
  private async producerElsewhere(id: string, t: bigint, from?: string): Promise<ActivityRow | undefined> {
    if (!from) return undefined;
    const related = new Set((await this.scope(from)).filter((x) => x !== from));
    if (related.size === 0) return undefined;
    const apps = (await this.q.appearances(this.o.tenant, [id], APPEARANCES_PER_ARTIFACT, ['generated'])).filter((a) => related.has(a.trace_id));
    const acts = (await this.q.activitiesAt(this.o.tenant, apps)).filter((a) => end(a) <= t + SLACK);
    return acts.sort((a, b) => Number(end(a) - end(b))).at(-1);
  }

  private async conversations(traceId: string): Promise<Set<string>> {
    const g = await this.trace(traceId);
    return new Set([...g.acts.values()].map((a) => a.conversation_id).filter((c) => c !== ''));
  }

  // ---------------------------------------------------------------------------------------------
  // loading

  private async trace(traceId: string): Promise<TraceGraph> {
    await this.prefetchTraces([traceId]);
    return this.traces.get(traceId)!;
  }

  /** Loads the graphs of several traces with one query per table (registered before any await, so each loads once). */
  private async prefetchTraces(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((t) => !this.traces.has(t));
    if (missing.length === 0) return;
    const loaded = Promise.all([this.q.activities(this.o.tenant, missing), this.q.relations(this.o.tenant, missing)]).then(([acts, rels]) => {
      const byTrace = new Map<string, { acts: ActivityRow[]; rels: RelationRow[] }>(missing.map((t) => [t, { acts: [], rels: [] }]));
      for (const a of acts) byTrace.get(a.trace_id)?.acts.push(a);
      for (const r of rels) byTrace.get(r.trace_id)?.rels.push(r);
      return byTrace;
    });
    for (const t of missing) this.traces.set(t, loaded.then((m) => this.buildTrace(m.get(t)!.acts, m.get(t)!.rels)));
    await loaded;
  }

  private buildTrace(acts: ActivityRow[], rels: RelationRow[]): TraceGraph {
    const g: TraceGraph = { acts: new Map(), bySpan: new Map(), producers: new Map(), consumers: new Map(), containers: new Map(), tools: [] };
    for (const a of acts) {
      g.acts.set(a.span_id, a);
      if (a.kind === 'tool') g.tools.push(a);
    }
    const add = <V>(m: Map<string, V[]>, k: string, v: V): void => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    for (const r of rels) {
      const act = g.acts.get(r.span_id);
      if (!act) continue; // content for a span not stored yet: it joins once the span arrives
      add(g.bySpan, r.span_id, r);
      if (r.relation === 'generated') {
        add(g.producers, r.artifact_id, { act, rel: r });
        this.noteProducer(r.artifact_id, act, r);
      } else if (r.relation === 'used') add(g.consumers, r.artifact_id, { act, rel: r });
      else if (r.relation === 'part_of') {
        if (!(g.containers.get(r.artifact_id) ?? []).includes(r.container_id)) add(g.containers, r.artifact_id, r.container_id);
        this.noteProducer(r.artifact_id, act, r);
      }
    }
    return g;
  }

  private noteProducer(id: string, act: ActivityRow, rel: RelationRow): void {
    let s = this.producerNames.get(id);
    if (!s) this.producerNames.set(id, (s = new Set()));
    for (const n of [act.tool_name, act.name, act.data_source, rel.tool_name]) if (n) s.add(n);
  }

  private readonly appearanceCache = new Map<string, Appearance[]>();

  private async prefetchAppearances(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((i) => !this.appearanceCache.has(i));
    if (missing.length === 0) return;
    for (const i of missing) this.appearanceCache.set(i, []);
    for (const a of await this.q.appearances(this.o.tenant, missing, APPEARANCES_PER_ARTIFACT)) this.appearanceCache.get(a.artifact_id)!.push(a);
  }

  private async appearancesOf(id: string): Promise<Appearance[]> {
    await this.prefetchAppearances([id]);
    return this.appearanceCache.get(id)!;
  }

  private async loadArtifacts(ids: string[]): Promise<void> {
    const missing = ids.filter((i) => !this.artifactRows.has(i));
    for (const row of await this.q.artifacts(this.o.tenant, missing)) this.artifactRows.set(row.artifact_id, row);
  }

  // ---------------------------------------------------------------------------------------------
  // the graph being built

  private full(): boolean {
    return this.nodes.size >= this.o.maxNodes;
  }

  private push(next: Item[], item: Item): void {
    const key = `${item.node}@${item.trace ?? ''}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    next.push(item);
  }

  private addActivity(a: ActivityRow, depth: number): string {
    const id = activityNodeId(a.trace_id, a.span_id);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, {
        id,
        type: 'activity',
        traceId: a.trace_id,
        spanId: a.span_id,
        parentSpanId: a.parent_span_id,
        kind: a.kind,
        name: a.name,
        operation: a.operation,
        convention: a.convention,
        agent: a.agent_name,
        toolName: a.tool_name,
        callId: a.call_id,
        service: a.service_name,
        start: a.start_time_unix_nano,
        end: a.end_time_unix_nano,
        status: Number(a.status_code),
        depth,
        tainted: false,
      });
    }
    return id;
  }

  private addArtifact(artifactId: string, depth: number): string {
    const id = artifactNodeId(artifactId);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, {
        id,
        type: 'artifact',
        artifactId,
        kind: 'document',
        trust: 'unknown',
        trustWhy: '',
        preview: '',
        contentLength: 0,
        toolName: '',
        documentId: '',
        source: '',
        traces: [],
        depth,
        tainted: false,
      });
    }
    return id;
  }

  private addEdge(from: string, to: string, relation: RelationName, how: HowKnown, detail?: string, extent?: SliceEdge['extent']): SliceEdge {
    const key = `${from}|${to}|${relation}`;
    let e = this.edges.get(key);
    if (!e) {
      e = { from, to, relation, how, ...(detail ? { detail } : {}), ...(extent ? { extent } : {}) };
      this.edges.set(key, e);
    }
    return e;
  }

  private async result(seed: string, direction: SliceResponse['direction']): Promise<SliceResponse> {
    const artifactIds = [...this.nodes.values()].filter((n): n is SliceArtifact => n.type === 'artifact').map((n) => n.artifactId);
    await this.loadArtifacts(artifactIds);
    const apps = await this.q.appearances(this.o.tenant, artifactIds, 8);
    const tracesOf = new Map<string, Set<string>>();
    for (const a of apps) {
      let s = tracesOf.get(a.artifact_id);
      if (!s) tracesOf.set(a.artifact_id, (s = new Set()));
      s.add(a.trace_id);
    }
    for (const n of this.nodes.values()) {
      if (n.type !== 'artifact') continue;
      const row = this.artifactRows.get(n.artifactId);
      if (row) {
        n.kind = row.kind;
        n.preview = row.content.length > PREVIEW ? `${row.content.slice(0, PREVIEW)}…` : row.content;
        n.contentLength = row.content_length;
        n.toolName = row.tool_name;
        n.documentId = row.document_id;
        n.source = row.source;
      }
      n.traces = [...(tracesOf.get(n.artifactId) ?? [])];
      const producers = [...(this.producerNames.get(n.artifactId) ?? []), ...(row?.tool_name ? [row.tool_name] : [])];
      const label = trustOf(this.o.trustRules, { kind: n.kind, producers, source: n.source, documentId: n.documentId });
      n.trust = label.trust;
      n.trustWhy = label.why;
    }
    const nodes = [...this.nodes.values()];
    const edges = [...this.edges.values()].filter((e) => this.nodes.has(e.from) && this.nodes.has(e.to));
    const taintPaths = this.taint(nodes, edges, seed, direction);
    return {
      seed,
      direction,
      depth: this.o.depth,
      nodes,
      edges,
      taintPaths,
      truncated: this.truncatedReason !== undefined,
      ...(this.truncatedReason ? { truncatedReason: this.truncatedReason } : {}),
    };
  }

  /**
   * Marks everything reachable from untrusted content, and the shortest path from each
   * untrusted artifact to the seed (backward) or to each tool call it reached (forward, trace).
   */
  private taint(nodes: SliceNode[], edges: SliceEdge[], seed: string, direction: SliceResponse['direction']): TaintPath[] {
    const out = new Map<string, SliceEdge[]>();
    for (const e of edges) {
      if (e.relation === 'child_of') continue; // containment of spans is not influence
      const l = out.get(e.from);
      if (l) l.push(e);
      else out.set(e.from, [e]);
    }
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const sources = nodes.filter((n) => n.type === 'artifact' && n.trust === 'untrusted').map((n) => n.id);
    const targets = new Set(direction === 'backward' ? [seed] : nodes.filter((n) => n.type === 'activity' && n.kind === 'tool').map((n) => n.id));
    const paths: TaintPath[] = [];
    for (const s of sources) {
      const prev = new Map<string, string>([[s, '']]);
      const queue = [s];
      for (let i = 0; i < queue.length; i++) {
        const cur = queue[i]!;
        byId.get(cur)!.tainted = true;
        for (const e of out.get(cur) ?? []) {
          if (prev.has(e.to)) continue;
          prev.set(e.to, cur);
          queue.push(e.to);
        }
      }
      for (const t of targets) {
        if (!prev.has(t) || t === s) continue;
        const path = [t];
        for (let p = prev.get(t)!; p; p = prev.get(p)!) path.unshift(p);
        paths.push({ source: s, nodes: path });
      }
    }
    return paths.sort((a, b) => a.nodes.length - b.nodes.length).slice(0, 100);
  }
}
