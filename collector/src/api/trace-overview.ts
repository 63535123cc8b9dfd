// A trace's first view without its whole causal graph (schemas TraceOverviewResponse): the
// whole graph of a big trace costs seconds to compute and megabytes to send, while the first
// view needs every step (lanes, grouped runs) and the causes of one tool call, the key node.
// The key node is looked for as the explorer chooses it (graph/keyPath.ts keyNode): among tool
// calls, highest impact first, then most recent, the first that untrusted content reached over
// links that are not coincidence; each examined call's backward slice is the slice API's own
// answer (same builder, same options), so the explorer's "why?" of it needs no second request.
// The trace's activities and relations are read once for all of it (sharedTraceReads): each
// slice builder would read them again. From them, how many links the trace recorded (uses,
// outputs, parentage), so the explorer can say how much of the graph the overview shows.
import {
  type ActivityRow,
  type RelationRow,
  type SliceActivity,
  type SliceEdge,
  type SliceResponse,
  SLICE_DEFAULTS,
  TRACE_GRAPH_LIMITS,
  TRACE_OVERVIEW_LIMITS,
  type TraceOverviewResponse,
  WEAK_LINK,
  edgeStrength,
  encodeSteps,
  impactTier,
} from '@causeway/schemas';
import { type ProvenanceReader, SliceBuilder } from '../provenance/slice/index.ts';
import { SliceGraph } from '../provenance/slice/graph.ts';
import type { TrustRule } from '../provenance/trust.ts';

export interface OverviewOptions {
  tenant: string;
  trustRules: TrustRule[];
  /** who submitted each node (as every slice and trace graph answer is marked) */
  mark(s: SliceResponse): Promise<SliceResponse>;
  limits?: { wholeGraph: number; candidates: number; sliceNodes: number };
}

export async function traceOverview(reader: ProvenanceReader, traceId: string, o: OverviewOptions): Promise<TraceOverviewResponse | undefined> {
  const limits = o.limits ?? TRACE_OVERVIEW_LIMITS;
  reader = sharedTraceReads(reader, o.tenant, traceId);
  // the relations are needed whatever the size (the whole graph, or the key slices and the links recorded): asked for beside the activities
  reader.relations(o.tenant, [traceId]).catch(() => undefined);
  const acts = await reader.activities(o.tenant, [traceId]);
  if (acts.length === 0) return undefined;
  if (acts.length <= limits.wholeGraph) {
    // what GET /api/provenance/traces/:id?limit=<max> answers
    const graph = await new SliceBuilder(reader, { tenant: o.tenant, direction: 'backward', depth: 1, maxNodes: TRACE_GRAPH_LIMITS.max, trustRules: o.trustRules }).traceGraph(traceId);
    if (!graph) return undefined;
    return { traceId, activityCount: acts.length, graph: await o.mark(graph) };
  }
  const nodes = new SliceGraph(Number.POSITIVE_INFINITY);
  for (const a of acts) nodes.addActivity(a, 0);
  const all = { seed: `trace:${traceId}`, direction: 'trace', depth: 1, nodes: [...nodes.nodes.values()], edges: [], taintPaths: [], truncated: false } satisfies SliceResponse;
  // who submitted each step, and the key node's causes, side by side: neither waits for the other
  const [marked, slices] = await Promise.all([o.mark(all), keySlices(reader, traceId, acts, o, limits)]);
  const steps = encodeSteps(traceId, marked.nodes as SliceActivity[]);
  return { traceId, activityCount: acts.length, recordedLinks: recordedLinks(acts, await reader.relations(o.tenant, [traceId])), steps, slices };
}

/** The backward slices of the key candidates, in the explorer's order, up to the first that untrusted content reached. */
async function keySlices(reader: ProvenanceReader, traceId: string, acts: ActivityRow[], o: OverviewOptions, limits: NonNullable<OverviewOptions['limits']>): Promise<SliceResponse[]> {
  const slices: SliceResponse[] = [];
  for (const a of keyCandidates(acts).slice(0, limits.candidates)) {
    // what GET /api/provenance/slice?trace=&span=&direction=backward&limit=<sliceNodes> answers
    const b = new SliceBuilder(reader, { tenant: o.tenant, direction: 'backward', depth: SLICE_DEFAULTS.depth, maxNodes: limits.sliceNodes, trustRules: o.trustRules });
    const s = await b.slice({ traceId, spanId: a.span_id });
    if (!s) continue;
    slices.push(await o.mark(s));
    if (reachedByUntrusted(s)) break;
  }
  return slices;
}

/**
 * The links of the trace's whole graph that are recorded rather than inferred: an activity's
 * uses and outputs (one per activity, artifact and direction) and its parent in the trace. The
 * whole graph adds the requests tool calls executed, documents inside results and copied-text
 * links, which take reading every artifact to find: this is a lower bound of its links.
 */
export function recordedLinks(acts: ActivityRow[], rels: RelationRow[]): number {
  // per span, the artifacts it used and those it generated: sets of the rows' own id strings,
  // not a key string built per relation (29,000 of them in a 3,000-span trace)
  const io = new Map<string, { used: Set<string>; generated: Set<string> }>();
  for (const a of acts) io.set(a.span_id, { used: new Set(), generated: new Set() });
  for (const r of rels) if (r.relation === 'used' || r.relation === 'generated') io.get(r.span_id)?.[r.relation].add(r.artifact_id);
  let n = 0;
  for (const s of io.values()) n += s.used.size + s.generated.size;
  return n + acts.filter((a) => a.parent_span_id && io.has(a.parent_span_id)).length;
}

/** A reader that reads this trace's activities and relations once, however many slice builders ask (the same rows: the same slices). */
function sharedTraceReads(reader: ProvenanceReader, tenant: string, traceId: string): ProvenanceReader {
  const once = <T>(read: () => Promise<T>): (() => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => {
      p ??= read();
      p.catch(() => (p = undefined)); // a failed read is asked again
      return p;
    };
  };
  const acts = once(() => reader.activities(tenant, [traceId]));
  const rels = once(() => reader.relations(tenant, [traceId]));
  const only = (t: string, ids: string[]): boolean => t === tenant && ids.length === 1 && ids[0] === traceId;
  return {
    activities: (t, ids) => (only(t, ids) ? acts() : reader.activities(t, ids)),
    relations: (t, ids) => (only(t, ids) ? rels() : reader.relations(t, ids)),
    activitiesAt: (t, pairs) => reader.activitiesAt(t, pairs),
    artifacts: (t, ids) => reader.artifacts(t, ids),
    appearances: (t, ids, limit, relations) => reader.appearances(t, ids, limit, relations),
    conversationTraces: (t, ids, limit) => reader.conversationTraces(t, ids, limit),
    fingerprintHits: (t, fps) => reader.fingerprintHits(t, fps),
    artifactFacts: (t, ids) => reader.artifactFacts(t, ids),
    artifactContents: (t, ids) => reader.artifactContents(t, ids),
  };
}

/** Tool calls, highest impact first, then most recent (ties: by span id, so the order is stable). */
export function keyCandidates(acts: ActivityRow[]): ActivityRow[] {
  const tier = (a: ActivityRow): number => impactTier(a.tool_name || a.name);
  return acts
    .filter((a) => a.kind === 'tool')
    .map((a) => ({ a, tier: tier(a), start: BigInt(a.start_time_unix_nano) }))
    .sort((x, y) => y.tier - x.tier || (y.start > x.start ? 1 : y.start < x.start ? -1 : 0) || (x.a.span_id < y.a.span_id ? -1 : 1))
    .map((x) => x.a);
}

/** A backward slice's seed is reached by untrusted content along a path whose weakest link is not coincidence. */
export function reachedByUntrusted(s: SliceResponse): boolean {
  const best = new Map<string, number>();
  for (const e of s.edges as SliceEdge[]) {
    if (e.relation === 'child_of') continue;
    const k = `${e.from}>${e.to}`;
    best.set(k, Math.max(best.get(k) ?? 0, edgeStrength(e)));
  }
  return s.taintPaths.some((p) => p.nodes.every((id, i) => i === 0 || (best.get(`${p.nodes[i - 1]}>${id}`) ?? 0) >= WEAK_LINK));
}
