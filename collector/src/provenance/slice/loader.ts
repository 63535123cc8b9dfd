// Everything one slice reads, loaded in batches and remembered for the rest of the walk. What
// makes a slice fast on a large store lives here (measured on 200k–1M-span stores):
//  - a walk level loads the graphs of every trace it touches in one query per table, not one
//    per trace (backward slice on 1M spans 4.7 s → 0.5 s, 7ace16e);
//  - each trace, scope and appearance list loads once: a batch registers its promise for every
//    key before it awaits, so callers that overlap share it (e7dc387, b291673);
//  - one conversation lookup for all the traces of a level (95651bc);
//  - long key lists are split into sorted chunks by the store (95651bc: 64k keys in one query
//    took 320 s, chunked 0.2 s), so a batch here can be as large as a level.
import { type ActivityRow, type Appearance, type ArtifactRow, type FingerprintHit, type RelationRow, byCodeUnits } from '@causeway/schemas';
import { Producers } from '../labels.ts';
import { FingerprintHolders } from './holders.ts';
import type { ArtifactFacts, ProvenanceReader } from './reader.ts';
import { type TraceGraph, buildTrace } from './trace-graph.ts';

/** Appearances read per artifact: where it came from or went to, across traces. */
export const APPEARANCES_PER_ARTIFACT = 200;
/** Other traces of a conversation searched for the sources of copied text (newest first). */
export const CONVERSATION_TRACES = 50;

export class SliceLoader {
  private readonly traces = new Map<string, Promise<TraceGraph>>();
  /** each trace's activities, read with its graph or alone (a forward step tells from them whether a trace leads on) */
  private readonly actRows = new Map<string, Promise<ActivityRow[]>>();
  private readonly actsRead = new Map<string, Map<string, ActivityRow>>();
  private readonly scopes = new Map<string, Promise<string[]>>();
  private readonly convos = new WeakMap<TraceGraph, Set<string>>();
  private readonly appearanceLists = new Map<string, Appearance[]>();
  private readonly artifactRows = new Map<string, ArtifactRow>();
  /** rows without content, read for a scope's copied-text step */
  private readonly artifactFacts = new Map<string, ArtifactFacts>();
  private readonly scopeRows = new Map<string, Promise<FingerprintHolders>>();
  /** where each artifact was generated (at most APPEARANCES_PER_ARTIFACT), for producers in other traces */
  private readonly generatedLists = new Map<string, Appearance[]>();
  /** activities by `trace/span`, read for those appearances (null: not stored) */
  private readonly activityAt = new Map<string, ActivityRow | null>();
  /**
   * Every trace the walk asked for, loaded or deferred (a forward step left it unread: nothing
   * there leads on), in the order first asked: the order producers are noted in.
   */
  private readonly asked: string[] = [];
  private readonly askedOnce = new Set<string>();
  /** per loaded trace, its relations that may name a producer, with their activities */
  private readonly named = new Map<string, { act: ActivityRow; rel: RelationRow }[]>();
  /** bumped whenever a trace's named relations are set: the producers are noted again */
  private namedVersion = 0;
  private producersMemo: { version: number; p: Producers } | undefined;

  constructor(
    private readonly q: ProvenanceReader,
    private readonly tenant: string,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // traces

  async trace(traceId: string): Promise<TraceGraph> {
    await this.prefetchTraces([traceId]);
    return this.traces.get(traceId)!;
  }

  /** Loads the graphs of several traces with one query per table (registered before any await, so each loads once). */
  async prefetchTraces(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((t) => !this.traces.has(t));
    if (missing.length === 0) return;
    this.defer(missing);
    // activities read alone earlier are not read again
    const loaded = Promise.all([this.prefetchActivities(missing), this.q.relations(this.tenant, missing)]).then(async ([, rels]) => {
      const byTrace = new Map<string, { acts: ActivityRow[]; rels: RelationRow[] }>();
      for (const t of missing) byTrace.set(t, { acts: await this.actRows.get(t)!, rels: [] });
      for (const r of rels) byTrace.get(r.trace_id)?.rels.push(r);
      return byTrace;
    });
    for (const t of missing) {
      this.traces.set(
        t,
        settled(
          loaded.then((m) => {
            const { acts, rels } = m.get(t)!;
            const g = buildTrace(acts, rels);
            const named: { act: ActivityRow; rel: RelationRow }[] = [];
            for (const rel of rels) {
              const act = g.acts.get(rel.span_id);
              if (act && rel.relation !== 'used') named.push({ act, rel });
            }
            this.named.set(t, named);
            this.namedVersion++;
            return g;
          }),
        ),
      );
    }
    await loaded;
  }

  /** Reads the activities of several traces in one query (each once; a trace's graph reads them with its relations). */
  async prefetchActivities(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((t) => !this.actRows.has(t));
    if (missing.length === 0) return;
    const loaded = this.q.activities(this.tenant, missing).then((acts) => {
      const byTrace = new Map<string, ActivityRow[]>(missing.map((t) => [t, []]));
      for (const a of acts) byTrace.get(a.trace_id)?.push(a);
      for (const [t, l] of byTrace) this.actsRead.set(t, new Map(l.map((a) => [a.span_id, a])));
      return byTrace;
    });
    for (const t of missing) this.actRows.set(t, settled(loaded.then((m) => m.get(t)!)));
    await loaded;
  }

  /** A trace's activities by span id, when read (alone or with its graph). */
  activitiesRead(traceId: string): Map<string, ActivityRow> | undefined {
    return this.actsRead.get(traceId);
  }

  /**
   * Marks traces as asked for here without loading them (those already asked keep their place):
   * what a trace says about who produced an artifact counts in the order its trace was first
   * asked for, whether or when it was loaded (settleProducers).
   */
  defer(ids: string[]): void {
    for (const t of ids) {
      if (this.askedOnce.has(t)) continue;
      this.askedOnce.add(t);
      this.asked.push(t);
    }
  }

  /** Traces asked for and never loaded. */
  deferred(): string[] {
    return this.asked.filter((t) => !this.traces.has(t));
  }

  /**
   * Who produced each artifact, in every trace asked for so far (for its trust label), noted in
   * the order the traces were asked for (complete for an answer's artifacts after settleProducers).
   */
  get producers(): Producers {
    if (this.producersMemo?.version !== this.namedVersion) {
      const p = new Producers();
      for (const t of this.asked) for (const { act, rel } of this.named.get(t) ?? []) p.note(act, rel);
      this.producersMemo = { version: this.namedVersion, p };
    }
    return this.producersMemo.p;
  }

  /**
   * Reads, from the traces asked for and never loaded, what they say of who produced `ids` (the
   * answer's artifacts): their relations generating or holding those artifacts, with the
   * activities there. Producers then are those a walk that loaded every asked-for trace would
   * note, in the same order.
   */
  async settleProducers(ids: string[]): Promise<void> {
    const deferred = this.deferred();
    if (deferred.length === 0 || ids.length === 0) return;
    const [rels] = await Promise.all([this.q.relations(this.tenant, deferred, [...new Set(ids)]), this.prefetchActivities(deferred)]);
    const byTrace = new Map<string, { act: ActivityRow; rel: RelationRow }[]>(deferred.map((t) => [t, []]));
    for (const rel of rels) {
      const act = this.actsRead.get(rel.trace_id)?.get(rel.span_id);
      if (act && rel.relation !== 'used') byTrace.get(rel.trace_id)?.push({ act, rel });
    }
    for (const [t, l] of byTrace) if (!this.traces.has(t)) this.named.set(t, l);
    this.namedVersion++;
  }

  /** The conversations a trace belongs to. */
  async conversations(traceId: string): Promise<Set<string>> {
    const g = await this.trace(traceId);
    let c = this.convos.get(g);
    if (!c) this.convos.set(g, (c = new Set([...g.acts.values()].map((a) => a.conversation_id).filter((c) => c !== ''))));
    return c;
  }

  /** The scopes of several traces with one query for all their conversations (registered before any await). */
  async prefetchScopes(traceIds: string[]): Promise<void> {
    const missing = [...new Set(traceIds)].filter((t) => !this.scopes.has(t));
    if (missing.length === 0) return;
    const loaded = (async () => {
      await this.prefetchTraces(missing);
      const convos = new Map<string, string[]>();
      for (const t of missing) convos.set(t, [...(await this.conversations(t))].sort());
      const rows = await this.q.conversationTraces(this.tenant, [...new Set([...convos.values()].flat())], CONVERSATION_TRACES);
      const byConvo = new Map<string, string[]>();
      for (const r of rows) (byConvo.get(r.conversation_id) ?? byConvo.set(r.conversation_id, []).get(r.conversation_id)!).push(r.trace_id);
      // this trace first, then the others of its conversations, newest first
      return (t: string): string[] => [t, ...new Set(convos.get(t)!.flatMap((c) => byConvo.get(c) ?? []).filter((x) => x !== t))];
    })();
    for (const t of missing) this.scopes.set(t, settled(loaded.then((of) => of(t))));
    await loaded;
  }

  /** A trace and the other traces of its conversations: where copied text in it may come from. */
  async scope(traceId: string): Promise<string[]> {
    await this.prefetchScopes([traceId]);
    return this.scopes.get(traceId)!;
  }

  // ---------------------------------------------------------------------------------------------
  // artifacts

  /** Where several artifacts appear (at most APPEARANCES_PER_ARTIFACT each), in one query. */
  async prefetchAppearances(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((i) => !this.appearanceLists.has(i));
    if (missing.length === 0) return;
    for (const i of missing) this.appearanceLists.set(i, []);
    for (const a of await this.q.appearances(this.tenant, missing, APPEARANCES_PER_ARTIFACT)) this.appearanceLists.get(a.artifact_id)!.push(a);
  }

  async appearancesOf(id: string): Promise<Appearance[]> {
    await this.prefetchAppearances([id]);
    return this.appearanceLists.get(id)!;
  }

  /** Appearances already loaded (none if not). */
  knownAppearances(id: string): Appearance[] {
    return this.appearanceLists.get(id) ?? [];
  }

  async loadArtifacts(ids: string[]): Promise<void> {
    const missing = ids.filter((i) => !this.artifactRows.has(i));
    if (missing.length === 0) return;
    // those whose facts a scope read need only their content (an answer's artifacts, mostly)
    const known = missing.filter((i) => this.artifactFacts.has(i));
    const rest = known.length === 0 ? missing : missing.filter((i) => !this.artifactFacts.has(i));
    const [rows, contents] = await Promise.all([rest.length > 0 ? this.q.artifacts(this.tenant, rest) : [], known.length > 0 ? this.q.artifactContents(this.tenant, known) : []]);
    const whole = contents.flatMap(({ artifact_id, content }) => {
      const f = this.artifactFacts.get(artifact_id);
      if (!f) return [];
      // the whole row's columns, in its order
      const { tenant, trace_id, span_id, artifact_id: _, kind, ...rest } = f;
      return [{ tenant, trace_id, span_id, artifact_id, kind, content, ...rest }];
    });
    // in the reader's order (by artifact id), as one read would have answered: rows keep their load order
    for (const row of whole.length === 0 ? rows : [...rows, ...whole].sort((a, b) => byCodeUnits(a.artifact_id, b.artifact_id))) this.artifactRows.set(row.artifact_id, row);
  }

  /** Rows for those of `ids` known neither as rows nor as facts (what a walk compares: content is read for the answer's nodes). */
  async loadFacts(ids: string[]): Promise<void> {
    await this.loadArtifacts(ids.filter((i) => !this.artifactFacts.has(i)));
  }

  /** An artifact row loaded earlier. */
  artifact(id: string): ArtifactRow | undefined {
    return this.artifactRows.get(id);
  }

  /** An artifact row loaded earlier, or its facts read for a scope (scopeArtifacts). */
  facts(id: string): ArtifactFacts | undefined {
    return this.artifactRows.get(id) ?? this.artifactFacts.get(id);
  }

  /** Every artifact row loaded so far, in load order. */
  loadedArtifacts(): ArtifactRow[] {
    return [...this.artifactRows.values()];
  }

  /**
   * Where several artifacts were generated, in one query (each list as its own query would
   * answer: the limit is per artifact). A backward level asks it for every artifact with no
   * producer in its own trace: one query per level instead of one per artifact.
   */
  async prefetchGenerated(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((i) => !this.generatedLists.has(i));
    if (missing.length === 0) return;
    const rows = await this.q.appearances(this.tenant, missing, APPEARANCES_PER_ARTIFACT, ['generated']);
    for (const i of missing) this.generatedLists.set(i, []);
    for (const a of rows) this.generatedLists.get(a.artifact_id)!.push(a);
  }

  async generatedAppearances(id: string): Promise<Appearance[]> {
    await this.prefetchGenerated([id]);
    return this.generatedLists.get(id)!;
  }

  /** The activities at these (trace, span) pairs, one per pair found, read once for the walk. */
  async activitiesAtOnce(pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]> {
    const keys = [...new Set(pairs.map((p) => `${p.trace_id}/${p.span_id}`))];
    const missing = keys.filter((k) => !this.activityAt.has(k));
    if (missing.length > 0) {
      const rows = await this.q.activitiesAt(this.tenant, missing.map((k) => ({ trace_id: k.slice(0, k.indexOf('/')), span_id: k.slice(k.indexOf('/') + 1) })));
      for (const k of missing) this.activityAt.set(k, null);
      for (const a of rows) this.activityAt.set(`${a.trace_id}/${a.span_id}`, a);
    }
    return keys.flatMap((k) => this.activityAt.get(k) ?? []);
  }

  /**
   * Where these artifacts appear, at most `limit` each, as the reader answers (by artifact id,
   * each list in its own order). Lists read earlier for this walk with as high a limit answer
   * with their first `limit` rows (the reader's order is by artifact, trace, span, so a shorter
   * list is a longer one's start): the answer's trace lists and the submitter marks ask for
   * appearances the walk has mostly read already.
   */
  async appearances(ids: string[], limit: number, relations?: string[]): Promise<Appearance[]> {
    const lists = relations === undefined ? this.appearanceLists : relations.length === 1 && relations[0] === 'generated' ? this.generatedLists : undefined;
    if (!lists || limit > APPEARANCES_PER_ARTIFACT) return this.q.appearances(this.tenant, ids, limit, relations);
    const wanted = [...new Set(ids)];
    const missing = wanted.filter((i) => !lists.has(i));
    if (missing.length > 0) {
      // read as the walk reads them (APPEARANCES_PER_ARTIFACT each), so that they are remembered
      const got = new Map<string, Appearance[]>(missing.map((i) => [i, []]));
      for (const a of await this.q.appearances(this.tenant, missing, APPEARANCES_PER_ARTIFACT, relations)) got.get(a.artifact_id)?.push(a);
      for (const [i, l] of got) if (!lists.has(i)) lists.set(i, l);
    }
    return wanted.sort(byCodeUnits).flatMap((i) => lists.get(i)!.slice(0, limit));
  }

  // ---------------------------------------------------------------------------------------------
  // reads that are not remembered (each asks for something only one step needs)

  activitiesAt(pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]> {
    return this.q.activitiesAt(this.tenant, pairs);
  }

  fingerprintHits(fps: string[]): Promise<FingerprintHit[]> {
    return this.q.fingerprintHits(this.tenant, fps);
  }

  /**
   * Every artifact these traces name (as used, generated or holding a part), in the order their
   * relations name them, as facts (no content): read once per list of traces, for the copied-text
   * step of every level of a walk, with where each fingerprint is held. Artifacts not stored are left out.
   */
  scopeArtifacts(traces: string[]): Promise<FingerprintHolders> {
    // in the order given: holders are listed in it, and the order of a fingerprint's holders can decide between equal sources
    const key = traces.join(',');
    let p = this.scopeRows.get(key);
    if (!p) {
      p = settled(
        (async () => {
          await this.prefetchTraces(traces);
          const ids = new Set<string>();
          for (const t of traces) {
            for (const rels of (await this.trace(t)).bySpan.values()) {
              for (const r of rels) {
                ids.add(r.artifact_id);
                if (r.container_id) ids.add(r.container_id);
              }
            }
          }
          // facts read for an earlier scope of this walk, or whole rows read for its levels, are
          // not read again (a forward walk's levels share most of their traces; a level's own
          // artifacts are read whole first); artifacts not found are asked again
          const missing = [...ids].filter((id) => !this.facts(id));
          for (const r of await this.q.artifactFacts(this.tenant, missing)) if (!this.artifactFacts.has(r.artifact_id)) this.artifactFacts.set(r.artifact_id, r);
          // where each fingerprint is held: a level looks up its own fingerprints (an id's
          // fingerprints and positions are its content's, whichever of its rows was read)
          return new FingerprintHolders([...ids].flatMap((id) => this.facts(id) ?? []));
        })(),
      );
      // a failed read is asked again
      p.catch(() => this.scopeRows.delete(key));
      this.scopeRows.set(key, p);
    }
    return p;
  }
}

/**
 * A remembered promise that may never be awaited (the walk fails before it asks again): its
 * failure is the batch's, already thrown to the caller, so it must not also surface as an
 * unhandled rejection. Whoever awaits it still gets the error.
 */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
