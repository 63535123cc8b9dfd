// One artifact as GET /api/artifacts/:id shows it: its stored row, every place it appears (up to
// a limit) with the role it had there, and its trust label from the producers of those
// appearances (labels.ts, the same labeller as slices and the trace search).
import type { ArtifactResponse, RelationRow } from '@causeway/schemas';
import { labelArtifact, producersOf } from './labels.ts';
import type { ProvenanceReader } from './slice/reader.ts';
import type { TrustRule } from './trust.ts';

/** Characters of content in the preview (the whole stored content is in `content`). */
const PREVIEW = 280;

export async function describeArtifact(q: ProvenanceReader, tenant: string, trustRules: TrustRule[], id: string, limit: number): Promise<ArtifactResponse | undefined> {
  const [row] = await q.artifacts(tenant, [id]);
  if (!row) return undefined;
  const apps = await q.appearances(tenant, [id], limit + 1);
  const shown = apps.slice(0, limit);
  const acts = await q.activitiesAt(tenant, shown);
  const actAt = new Map(acts.map((a) => [`${a.trace_id}/${a.span_id}`, a]));
  // this artifact's relation rows in those traces: the role of each appearance, and its producers
  const rels = (await q.relations(tenant, [...new Set(shown.map((a) => a.trace_id))])).filter((r) => r.artifact_id === id);
  const relAt = new Map<string, RelationRow>();
  for (const r of rels) if (!relAt.has(`${r.trace_id}/${r.span_id}/${r.relation}`)) relAt.set(`${r.trace_id}/${r.span_id}/${r.relation}`, r);
  const label = labelArtifact(trustRules, row, producersOf(rels, acts).of(id));
  return {
    artifact: {
      id,
      artifactId: id,
      kind: row.kind,
      trust: label.trust,
      trustWhy: label.why,
      trustRule: label.rule,
      ...(label.matched ? { trustMatched: label.matched } : {}),
      preview: row.content.slice(0, PREVIEW),
      content: row.content,
      contentTruncated: row.content.length < row.content_length,
      contentLength: row.content_length,
      toolName: row.tool_name,
      documentId: row.document_id,
      source: row.source,
      parts: row.parts,
    },
    appearances: shown.map((a) => {
      const act = actAt.get(`${a.trace_id}/${a.span_id}`);
      return {
        traceId: a.trace_id,
        spanId: a.span_id,
        relation: a.relation,
        role: relAt.get(`${a.trace_id}/${a.span_id}/${a.relation}`)?.role ?? '',
        activityKind: act?.kind ?? '',
        activityName: act?.name ?? '',
        start: act?.start_time_unix_nano ?? '',
      };
    }),
    truncated: apps.length > limit,
  };
}
