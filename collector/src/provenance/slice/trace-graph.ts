// One trace's provenance as the walk reads it: its activities and, per artifact, who generated
// it, who used it and what holds it. Built once per trace from the rows the reader returns.
import type { ActivityRow, RelationRow } from '@causeway/schemas';

/** An activity and the relation row by which it used or generated an artifact. */
export interface Use {
  act: ActivityRow;
  rel: RelationRow;
}

export interface TraceGraph {
  /** by span id */
  acts: Map<string, ActivityRow>;
  /** relation rows by span id, in the reader's order (span, seq) */
  bySpan: Map<string, RelationRow[]>;
  /** artifact id → the activities that generated it */
  producers: Map<string, Use[]>;
  /** artifact id → the activities that used it */
  consumers: Map<string, Use[]>;
  /** artifact id → the artifacts it is part of (a document → the tool results listing it) */
  containers: Map<string, string[]>;
  /** tool activities, in the reader's order */
  tools: ActivityRow[];
}

// An activity's times as numbers, parsed once per row: content flow compares them for every
// sighting of every candidate (a quarter of a 3,000-span trace graph's time went to BigInt()).
// Rows are never changed once read.
const starts = new WeakMap<ActivityRow, bigint>();
const ends = new WeakMap<ActivityRow, bigint>();
export const start = (a: ActivityRow): bigint => {
  let t = starts.get(a);
  if (t === undefined) starts.set(a, (t = BigInt(a.start_time_unix_nano)));
  return t;
};
export const end = (a: ActivityRow): bigint => {
  let t = ends.get(a);
  if (t === undefined) ends.set(a, (t = BigInt(a.end_time_unix_nano)));
  return t;
};
/** Content an activity used was there at its start; what it generated exists from its end. */
export const at = (a: ActivityRow, relation: string): bigint => (relation === 'generated' ? end(a) : start(a));
/**
 * Two instants closer than this are not ordered by their timestamps: SDKs stamp span starts in
 * whole milliseconds (ends are finer) and clocks jitter by a millisecond either way, so two
 * instants can move 3 ms against each other. Within it, structure decides (structure.ts).
 */
export const SLACK = 3_000_000n;

export function buildTrace(acts: ActivityRow[], rels: RelationRow[]): TraceGraph {
  const g: TraceGraph = { acts: new Map(), bySpan: new Map(), producers: new Map(), consumers: new Map(), containers: new Map(), tools: [] };
  for (const a of acts) {
    g.acts.set(a.span_id, a);
    if (a.kind === 'tool') g.tools.push(a);
  }
  for (const r of rels) {
    const act = g.acts.get(r.span_id);
    if (!act) continue; // content for a span not stored yet: it joins once the span arrives
    add(g.bySpan, r.span_id, r);
    if (r.relation === 'generated') add(g.producers, r.artifact_id, { act, rel: r });
    else if (r.relation === 'used') add(g.consumers, r.artifact_id, { act, rel: r });
    else if (r.relation === 'part_of' && !(g.containers.get(r.artifact_id) ?? []).includes(r.container_id)) add(g.containers, r.artifact_id, r.container_id);
  }
  return g;
}

function add<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
