// Causal slices: a walk over the provenance relations from a seed, level by level, backward
// ("why did this happen?") or forward ("what did this lead to?"), across traces; and the causal
// graph of one whole trace. Counterpart relations are resolved at read time (matching.ts,
// content-flow.ts), so the graph never depends on the order in which spans arrived.
import type { ActivityRow, Appearance, SliceActivity, SliceResponse } from '@causeway/schemas';
import { activityNodeId, artifactNodeId, artifactOfNode, isActivityNode, isArtifactNode, traceOfNode } from '@causeway/schemas/node-id.ts';
import type { TrustRule } from '../trust.ts';
import { contentStep } from './content-flow.ts';
import { type Item, SliceGraph } from './graph.ts';
import { APPEARANCES_PER_ARTIFACT, SliceLoader } from './loader.ts';
import { matchRequest, producerElsewhere, producerIn } from './matching.ts';
import type { ProvenanceReader } from './reader.ts';
import { relativeTo } from './structure.ts';
import { sliceResult } from './result.ts';
import { SLACK, at, end, start } from './trace-graph.ts';

export interface SliceOptions {
  tenant: string;
  direction: 'backward' | 'forward';
  depth: number;
  maxNodes: number;
  trustRules: TrustRule[];
}

export type SliceSeed = { traceId: string; spanId: string } | { artifactId: string; traceId?: string };

/** Seen from everywhere, backward: later than any time. */
const END_OF_TIME = BigInt('18446744073709551615');

export class SliceBuilder {
  private readonly load: SliceLoader;
  private readonly graph: SliceGraph;

  constructor(
    q: ProvenanceReader,
    private readonly o: SliceOptions,
  ) {
    this.load = new SliceLoader(q, o.tenant);
    this.graph = new SliceGraph(o.maxNodes);
  }

  async slice(seed: SliceSeed): Promise<SliceResponse | undefined> {
    const { load, graph } = this;
    let frontier: Item[];
    let seedId: string;
    if ('spanId' in seed) {
      const g = await load.trace(seed.traceId);
      const act = g.acts.get(seed.spanId);
      if (!act) return undefined;
      seedId = graph.addActivity(act, 0);
      graph.visit(seedId);
      frontier = [{ node: seedId, depth: 0 }];
    } else {
      await load.loadArtifacts([seed.artifactId]);
      const row = load.artifact(seed.artifactId);
      if (!row) return undefined;
      seedId = graph.addArtifact(row.artifact_id, 0);
      // An artifact seed is seen from everywhere it appears (or from one trace when given).
      graph.visit(seedId, seed.traceId ?? '');
      frontier = [{ node: seedId, depth: 0, ...(seed.traceId ? { trace: seed.traceId } : {}), t: this.o.direction === 'forward' ? 0n : END_OF_TIME }];
    }
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth >= this.o.depth) {
        graph.truncatedReason ??= `depth limit ${this.o.depth} reached`;
        break;
      }
      const next: Item[] = [];
      const levelTraces = frontier.flatMap((i) => (i.trace ? [i.trace] : isActivityNode(i.node) ? [traceOfNode(i.node)] : []));
      if (this.o.direction === 'forward') {
        // one lookup per level for where this level's artifacts appear (forward crosses traces by it)
        const arts = frontier.filter((i) => isArtifactNode(i.node)).map((i) => artifactOfNode(i.node));
        await load.prefetchAppearances(arts);
        // Those traces load with the level's own, as many as nodes are still allowed, so a slice
        // near its limit does not load traces it will never show (the rest load when reached);
        // of those, only the ones where an artifact can lead on (leadsOn): the others are only
        // marked as asked for, in the same order (what they say of producers may still count).
        const across = new Set(arts.flatMap((a) => load.knownAppearances(a).map((x) => x.trace_id)));
        const asked = [...across].slice(0, Math.max(0, this.o.maxNodes - graph.nodes.size));
        await this.probeUsers(frontier);
        const leading = new Set(frontier.filter((i) => isArtifactNode(i.node)).flatMap((i) => [...this.leadsOn(i)]));
        load.defer([...new Set([...levelTraces, ...asked])]);
        levelTraces.push(...asked.filter((t) => leading.has(t)));
      }
      // one load for the graphs of every trace this level touches, and for the level's artifact rows
      await load.prefetchTraces(levelTraces);
      // backward: the level's artifact rows and where those with no producer here came from, side by side
      if (this.o.direction === 'backward') await Promise.all([load.loadFacts([...new Set(frontier.filter((i) => isArtifactNode(i.node)).map((i) => artifactOfNode(i.node)))]), this.prefetchProducersElsewhere(frontier)]);
      for (const item of frontier) {
        if (graph.full()) break;
        if (isActivityNode(item.node)) await this.expandActivity(item, next);
        else await this.expandArtifact(item, next);
      }
      if (!graph.full()) await contentStep(load, graph, this.o.direction, frontier.filter((i) => isArtifactNode(i.node)), next);
      frontier = next;
      if (graph.full() && frontier.length > 0) graph.truncatedReason ??= `node limit ${this.o.maxNodes} reached`;
      if (graph.full()) break;
    }
    await load.settleProducers([...graph.nodes.keys()].filter(isArtifactNode).map(artifactOfNode));
    return sliceResult(load, graph, this.o, seedId, this.o.direction, seed.traceId);
  }

  /**
   * Where artifacts appear, as the reader answers, from what this builder's walk read when it
   * can (for marks made on its answer: the submitters of its artifacts).
   */
  async appearances(tenant: string, ids: string[], limit: number): Promise<Appearance[]> {
    if (tenant !== this.o.tenant) throw new Error(`a slice of tenant ${this.o.tenant} asked for appearances of tenant ${tenant}`);
    return this.load.appearances(ids, limit);
  }

  /** The causal graph of one whole trace: every activity, its artifacts and the links between them. */
  async traceGraph(traceId: string): Promise<SliceResponse | undefined> {
    const { load, graph } = this;
    const g = await load.trace(traceId);
    if (g.acts.size === 0) return undefined;
    for (const act of g.acts.values()) {
      if (graph.full()) break;
      graph.addActivity(act, 0);
    }
    const arts: Item[] = [];
    let linked = 0;
    for (const act of g.acts.values()) {
      if (graph.full()) break;
      linked++;
      const id = activityNodeId(act.trace_id, act.span_id);
      for (const rel of g.bySpan.get(act.span_id) ?? []) {
        if (rel.relation === 'part_of') continue;
        const art = graph.addArtifact(rel.artifact_id, 1);
        if (rel.relation === 'used') graph.addEdge(art, id, 'used', 'explicit', rel.role);
        else graph.addEdge(id, art, 'generated', 'explicit', rel.role);
        arts.push({ node: art, depth: 1, trace: traceId, t: at(act, rel.relation) });
      }
      if (act.kind === 'tool') {
        const m = matchRequest(g, act);
        if (m) graph.addEdge(graph.addArtifact(m.artifactId, 1), id, 'executed', m.how, m.detail);
      }
      if (act.parent_span_id && g.acts.has(act.parent_span_id)) graph.addEdge(activityNodeId(traceId, act.parent_span_id), id, 'child_of', 'structural');
    }
    await load.loadArtifacts([...graph.nodes.keys()].filter(isArtifactNode).map(artifactOfNode));
    for (const a of load.loadedArtifacts()) {
      for (const p of a.parts) if (graph.nodes.has(artifactNodeId(p)) || !graph.full()) graph.addEdge(graph.addArtifact(p, 1), artifactNodeId(a.artifact_id), 'part_of', 'explicit');
    }
    // Content flow inside the trace only: the explorer asks for slices to cross traces. Each
    // artifact once, where first met (a Set: findIndex over 10,000 uses was quadratic).
    const once = new Set<string>();
    await contentStep(
      load,
      graph,
      this.o.direction,
      arts.filter((i) => !once.has(i.node) && once.add(i.node)),
      [],
      traceId,
    );
    // cut short when activities alone pass the limit, or their artifacts filled it before every activity's links were added
    if (g.acts.size > this.o.maxNodes || linked < g.acts.size) graph.truncatedReason = `node limit ${this.o.maxNodes} reached`;
    return sliceResult(load, graph, this.o, `trace:${traceId}`, 'trace', traceId);
  }

  private async expandActivity(item: Item, next: Item[]): Promise<void> {
    const { load, graph } = this;
    const node = graph.nodes.get(item.node) as SliceActivity;
    const g = await load.trace(node.traceId);
    const act = g.acts.get(node.spanId)!;
    const rels = g.bySpan.get(act.span_id) ?? [];
    const d = item.depth + 1;
    if (this.o.direction === 'forward') {
      // what it generated
      for (const rel of rels) {
        if (rel.relation !== 'generated') continue;
        const art = graph.addArtifact(rel.artifact_id, d);
        graph.addEdge(item.node, art, 'generated', 'explicit', rel.role);
        graph.push(next, { node: art, depth: d, trace: act.trace_id, t: end(act), maker: act.span_id });
      }
      return;
    }
    // backward: what it used, the request it executed, the spans it links to
    const m = act.kind === 'tool' ? matchRequest(g, act) : undefined;
    for (const rel of rels) {
      if (rel.relation !== 'used') continue;
      const art = graph.addArtifact(rel.artifact_id, d);
      graph.addEdge(art, item.node, 'used', 'explicit', rel.role);
      // a tool that also records the request it ran as used: that request came from the call matching chose
      const prefer = m && rel.artifact_id === m.artifactId ? { prefer: m.producer.span_id } : {};
      graph.push(next, { node: art, depth: d, trace: act.trace_id, t: start(act), reader: act.span_id, ...prefer });
    }
    if (m) {
      const art = graph.addArtifact(m.artifactId, d);
      graph.addEdge(art, item.node, 'executed', m.how, m.detail);
      graph.push(next, { node: art, depth: d, trace: act.trace_id, t: start(act), reader: act.span_id, prefer: m.producer.span_id });
    }
    for (const link of act.links) {
      const [traceId, spanId] = link.split('/') as [string, string];
      const linked = (await load.trace(traceId)).acts.get(spanId);
      if (!linked) continue;
      const id = graph.addActivity(linked, d);
      graph.addEdge(id, item.node, 'linked', 'explicit', 'span link');
      graph.push(next, { node: id, depth: d });
    }
  }

  private async expandArtifact(item: Item, next: Item[]): Promise<void> {
    const { load, graph } = this;
    const id = artifactOfNode(item.node);
    const t = item.t ?? 0n;
    const d = item.depth + 1;
    if (this.o.direction === 'backward') {
      // where it came from: its producer in this trace, else the nearest earlier one in its conversation
      const producer = item.trace ? producerIn(await load.trace(item.trace), id, t, item.prefer, item.reader) : undefined;
      const chosen = producer ?? (await this.producerInConversation(id, t, item.trace));
      if (chosen) {
        const a = graph.addActivity(chosen, d);
        graph.addEdge(a, item.node, 'generated', 'explicit');
        graph.push(next, { node: a, depth: d });
      }
      // the documents it holds
      await load.loadFacts([id]);
      for (const p of load.facts(id)?.parts ?? []) {
        const part = graph.addArtifact(p, d);
        graph.addEdge(part, item.node, 'part_of', 'explicit');
        graph.push(next, { node: part, depth: d, ...(item.trace ? { trace: item.trace } : {}), t });
      }
      return;
    }
    // forward: who used it after it was produced, in this trace and (with no producer of their own) in others
    const consumers: { act: ActivityRow; role: string; via?: string }[] = [];
    const seenTraces = new Set<string>();
    if (item.trace) {
      const g = await load.trace(item.trace);
      seenTraces.add(item.trace);
      // those downstream of its maker read it however early (a streamed call's tools start before it ends)
      const downstream = item.maker && g.acts.has(item.maker) ? relativeTo(g, g.acts.get(item.maker)!).downstream : undefined;
      for (const c of g.consumers.get(id) ?? []) if (start(c.act) + SLACK >= t || downstream?.has(c.act.span_id)) consumers.push({ act: c.act, role: c.rel.role });
      // A tool request leads to the tool spans that ran it from then on, and, seen from the call
      // that made it, those matching says ran this call's request (a streamed call's tools start
      // before it ends).
      for (const tool of g.tools) {
        const m = matchRequest(g, tool);
        if (m?.artifactId !== id) continue;
        if (m.producer.span_id !== item.maker && start(tool) + SLACK < t) continue;
        const a = graph.addActivity(tool, d);
        graph.addEdge(item.node, a, 'executed', m.how, m.detail);
        graph.push(next, { node: a, depth: d });
      }
      for (const c of g.containers.get(id) ?? []) {
        const cont = graph.addArtifact(c, d);
        graph.addEdge(item.node, cont, 'part_of', 'explicit');
        graph.push(next, { node: cont, depth: d, trace: item.trace, t });
      }
    }
    const apps = await load.appearancesOf(id);
    const others = [...new Set(apps.map((a) => a.trace_id))].filter((x) => !seenTraces.has(x));
    // seen from a trace, only traces where it was used can add to the slice: the rest are not read
    const leads = this.leadsOn(item);
    load.defer(others);
    await load.prefetchTraces(others.filter((x) => leads.has(x)));
    for (const traceId of others) {
      if (graph.full()) break;
      if (!leads.has(traceId)) continue;
      const g = await load.trace(traceId);
      const produced = (g.producers.get(id) ?? []).map((p) => end(p.act));
      for (const c of g.consumers.get(id) ?? []) {
        // content that trace produced itself did not come from here (an artifact seed: it did)
        if (item.trace !== undefined && !usedFromHere(c.act, t, produced)) continue;
        consumers.push({ act: c.act, role: c.rel.role, via: 'across traces' });
      }
      if (item.trace === undefined) {
        // an artifact seed: everywhere it appears counts, including what held it and the tools that ran it
        for (const tool of g.tools) {
          const m = matchRequest(g, tool);
          if (m?.artifactId !== id) continue;
          const a = graph.addActivity(tool, d);
          graph.addEdge(item.node, a, 'executed', m.how, m.detail);
          graph.push(next, { node: a, depth: d });
        }
        for (const c of g.containers.get(id) ?? []) {
          const cont = graph.addArtifact(c, d);
          graph.addEdge(item.node, cont, 'part_of', 'explicit');
          graph.push(next, { node: cont, depth: d, trace: traceId, t: 0n });
        }
        for (const p of g.producers.get(id) ?? []) {
          const a = graph.addActivity(p.act, d);
          graph.addEdge(a, item.node, 'generated', 'explicit', p.rel.role);
        }
      }
    }
    for (const c of consumers) {
      if (graph.full()) break;
      const a = graph.addActivity(c.act, d);
      graph.addEdge(item.node, a, 'used', 'explicit', c.via ? `${c.role} (${c.via})` : c.role);
      graph.push(next, { node: a, depth: d });
    }
  }

  /**
   * Forward: the traces, among those its appearances name, where an artifact item can lead on.
   * An artifact seed: all of them (its producers, holders and the tools that ran it are shown).
   * Seen from a trace, only its users elsewhere are: the traces where it appears as used, and the
   * last trace of a list cut at APPEARANCES_PER_ARTIFACT (its rows there may be cut too).
   */
  private leadsOn(item: Item): Set<string> {
    const { load } = this;
    const apps = load.knownAppearances(artifactOfNode(item.node));
    if (item.trace === undefined) return new Set(apps.map((a) => a.trace_id));
    const t = item.t ?? 0n;
    const byTrace = new Map<string, Appearance[]>();
    for (const a of apps) (byTrace.get(a.trace_id) ?? byTrace.set(a.trace_id, []).get(a.trace_id)!).push(a);
    const leads = new Set<string>();
    if (apps.length >= APPEARANCES_PER_ARTIFACT) leads.add(apps[apps.length - 1]!.trace_id);
    for (const [traceId, rows] of byTrace) {
      if (!rows.some((a) => a.relation === 'used')) continue;
      // as expandArtifact decides from the trace's graph: a user there counts if it started by
      // `t` (+ SLACK) and that trace did not produce the artifact itself before (activities not
      // read: the trace is read whole)
      const acts = load.activitiesRead(traceId);
      if (!acts) {
        leads.add(traceId);
        continue;
      }
      const users = rows.flatMap((a) => (a.relation === 'used' ? (acts.get(a.span_id) ?? []) : []));
      const produced = rows.flatMap((a) => (a.relation === 'generated' ? (acts.get(a.span_id) ?? []) : [])).map(end);
      if (users.some((u) => usedFromHere(u, t, produced))) leads.add(traceId);
    }
    return leads;
  }

  /**
   * Forward: the activities of the other traces where a level's artifacts (seen from a trace) were
   * used, in one read for the level: enough to tell (leadsOn) which of those traces has a user that
   * counts, without reading their relations to find none (at 1M spans a popular document's walk
   * read ~500 whole traces, ~26,000 relation rows each, for users in 7).
   */
  private async probeUsers(frontier: Item[]): Promise<void> {
    const traces = new Set<string>();
    for (const item of frontier) {
      if (item.trace === undefined || !isArtifactNode(item.node)) continue;
      for (const a of this.load.knownAppearances(artifactOfNode(item.node))) if (a.relation === 'used' && a.trace_id !== item.trace) traces.add(a.trace_id);
    }
    await this.load.prefetchActivities([...traces]);
  }

  /** The producer of content in another trace of the same conversation (a chat whose turns are separate traces). */
  private async producerInConversation(id: string, t: bigint, from?: string): Promise<ActivityRow | undefined> {
    if (!from) return undefined;
    const related = new Set((await this.load.scope(from)).filter((x) => x !== from));
    if (related.size === 0) return undefined;
    const apps = (await this.load.generatedAppearances(id)).filter((a) => related.has(a.trace_id));
    return producerElsewhere(await this.load.activitiesAtOnce(apps), t);
  }

  /**
   * What producerInConversation will read for a backward level's artifacts, in three queries for
   * the whole level (scopes, where they were generated, those activities) instead of up to three
   * per artifact: each query costs tens of ms however small (backward slices on a 100k-span
   * store made 10-25 of them). Reads only: the walk asks the same and gets the same rows.
   */
  private async prefetchProducersElsewhere(frontier: Item[]): Promise<void> {
    const { load } = this;
    const items = frontier.filter((i) => i.trace !== undefined && isArtifactNode(i.node));
    if (items.length === 0) return;
    const wanted: { id: string; from: string }[] = [];
    for (const item of items) {
      const id = artifactOfNode(item.node);
      if (!producerIn(await load.trace(item.trace!), id, item.t ?? 0n, item.prefer, item.reader)) wanted.push({ id, from: item.trace! });
    }
    if (wanted.length === 0) return;
    await load.prefetchScopes(wanted.map((w) => w.from));
    const asked: { id: string; related: Set<string> }[] = [];
    for (const w of wanted) {
      const related = new Set((await load.scope(w.from)).filter((x) => x !== w.from));
      if (related.size > 0) asked.push({ id: w.id, related });
    }
    await load.prefetchGenerated(asked.map((w) => w.id));
    const pairs: Appearance[] = [];
    for (const w of asked) for (const a of await load.generatedAppearances(w.id)) if (w.related.has(a.trace_id)) pairs.push(a);
    await load.activitiesAtOnce(pairs);
  }
}

/**
 * Whether a user in another trace took an artifact from here: it started by `t` (+ SLACK) and its
 * trace had not produced the artifact itself before (`producedEnds`). One rule for expandArtifact
 * and for leadsOn, which decides from activities alone whether a trace is worth reading.
 */
function usedFromHere(user: ActivityRow, t: bigint, producedEnds: bigint[]): boolean {
  const s = start(user) + SLACK;
  return s >= t && !producedEnds.some((p) => p <= s);
}
