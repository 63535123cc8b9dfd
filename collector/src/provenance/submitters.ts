// Provenance of the evidence itself: which ingest credential submitted each activity of a
// slice or trace graph. Nodes submitted by another credential than the seed's (a trace graph:
// its root span's) are marked — a span appended to someone else's trace by another token shows.
import type { SliceResponse, SubmitterRef } from '@causeway/schemas';

export interface SpanSubmitter {
  trace_id: string;
  span_id: string;
  credential_id: string;
  credential_name: string;
}

/** Reads who submitted spans (implemented by the store). */
export type SubmitterReader = (tenant: string, spans: { trace_id: string; span_id: string }[]) => Promise<SpanSubmitter[]>;

/**
 * Who submitted spans, each trace's rows read once (`ofTraces` reads every span of some traces):
 * for one answer that marks several slices of the same trace (a trace overview marks its 3,000
 * steps, then each key slice). Rows keep the order `ofTraces` gave them in within each trace.
 */
export function submittersOnce(ofTraces: (traceIds: string[]) => Promise<SpanSubmitter[]>): (spans: { trace_id: string; span_id: string }[]) => Promise<SpanSubmitter[]> {
  const read = new Map<string, Promise<SpanSubmitter[]>>();
  return async (spans) => {
    const traces = [...new Set(spans.map((s) => s.trace_id))];
    const missing = traces.filter((t) => !read.has(t));
    if (missing.length > 0) {
      const rows = ofTraces(missing);
      for (const t of missing) read.set(t, rows.then((all) => all.filter((r) => r.trace_id === t)));
    }
    const keys = new Set(spans.map((s) => `${s.trace_id}/${s.span_id}`));
    return (await Promise.all(traces.map((t) => read.get(t)!))).flat().filter((r) => keys.has(`${r.trace_id}/${r.span_id}`));
  };
}

/** Where artifacts appear (implemented by the store's provenance reads). */
export type AppearanceReader = (tenant: string, artifactIds: string[], limit: number) => Promise<{ artifact_id: string; trace_id: string; span_id: string }[]>;

/** Spans read per artifact to name who submitted it: enough for a slice, bounded for boilerplate. */
const APPEARANCES_PER_ARTIFACT = 64;

export async function markSubmitters(slice: SliceResponse, tenant: string, read: SubmitterReader, appearances: AppearanceReader): Promise<SliceResponse> {
  const acts = slice.nodes.filter((n) => n.type === 'activity');
  const arts = slice.nodes.filter((n) => n.type === 'artifact');
  if (acts.length === 0 && arts.length === 0) return slice;
  // an artifact was submitted by whoever sent a span that used or generated it (in any trace of this tenant)
  const apps = await appearances(tenant, arts.map((a) => a.artifactId), APPEARANCES_PER_ARTIFACT);
  const spans = [...acts.map((a) => ({ trace_id: a.traceId, span_id: a.spanId })), ...apps.map((a) => ({ trace_id: a.trace_id, span_id: a.span_id }))];
  const rows = await read(tenant, spans);
  const of = new Map(rows.filter((r) => r.credential_id).map((r) => [`${r.trace_id}/${r.span_id}`, { id: r.credential_id, name: r.credential_name }]));
  for (const a of acts) {
    const s = of.get(`${a.traceId}/${a.spanId}`);
    if (s) a.submittedBy = s;
  }
  const seed = seedSubmitter(slice);
  if (seed) slice.seedSubmitter = seed;
  const around = new Map<string, Map<string, SubmitterRef>>();
  for (const ap of apps) {
    const s = of.get(`${ap.trace_id}/${ap.span_id}`);
    if (!s) continue;
    const m = around.get(ap.artifact_id) ?? new Map<string, SubmitterRef>();
    m.set(s.id, s);
    around.set(ap.artifact_id, m);
  }
  for (const n of slice.nodes) {
    if (n.type === 'activity') {
      if (seed && n.submittedBy && n.submittedBy.id !== seed.id) n.otherSubmitter = true;
    } else {
      const m = around.get(n.artifactId);
      if (!m) continue;
      n.submitters = [...m.values()];
      if (seed && !m.has(seed.id)) n.otherSubmitter = true;
    }
  }
  return slice;
}

function seedSubmitter(slice: SliceResponse): SubmitterRef | undefined {
  const seedNode = slice.nodes.find((n) => n.id === slice.seed);
  if (seedNode?.type === 'activity') return seedNode.submittedBy;
  // a trace graph (or an artifact seed): the earliest root span, else the earliest activity
  const acts = slice.nodes.filter((n) => n.type === 'activity' && n.submittedBy) as Extract<SliceResponse['nodes'][number], { type: 'activity' }>[];
  const first = [...acts].sort((a, b) => (a.parentSpanId === '' ? 0 : 1) - (b.parentSpanId === '' ? 0 : 1) || (BigInt(a.start) < BigInt(b.start) ? -1 : 1))[0];
  return first?.submittedBy;
}
