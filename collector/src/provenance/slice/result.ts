// The answer: artifact nodes filled in from their rows (kind, preview, where else they appear,
// trust label), edges between nodes that made it into the slice, taint paths, and whether (and
// why) the walk was cut.
import type { SliceArtifact, SliceResponse } from '@causeway/schemas';
import { labelArtifact } from '../labels.ts';
import type { TrustRule } from '../trust.ts';
import type { SliceGraph } from './graph.ts';
import type { SliceLoader } from './loader.ts';
import { taint } from './taint.ts';

/** Characters of content shown on a node. */
const PREVIEW = 280;
/** Appearances read per artifact node for its list of traces (for the inspector). */
const TRACES_PER_ARTIFACT = 8;

export async function sliceResult(
  loader: SliceLoader,
  graph: SliceGraph,
  o: { depth: number; trustRules: TrustRule[] },
  seed: string,
  direction: SliceResponse['direction'],
  /** the trace the slice was asked from (an activity seed's, a trace graph's, an artifact seed's when given) */
  current: string | undefined,
): Promise<SliceResponse> {
  const artifactIds = [...graph.nodes.values()].filter((n): n is SliceArtifact => n.type === 'artifact').map((n) => n.artifactId);
  // side by side: neither read depends on the other
  const [, apps] = await Promise.all([loader.loadArtifacts(artifactIds), loader.appearances(artifactIds, TRACES_PER_ARTIFACT)]);
  const tracesOf = new Map<string, Set<string>>();
  for (const a of apps) {
    let s = tracesOf.get(a.artifact_id);
    if (!s) tracesOf.set(a.artifact_id, (s = new Set()));
    s.add(a.trace_id);
  }
  // what appears in the current trace: listed first and never cut, so a cause there opens there
  const here = new Set<string>();
  if (current) for (const rels of (await loader.trace(current)).bySpan.values()) for (const r of rels) here.add(r.artifact_id);
  for (const n of graph.nodes.values()) {
    if (n.type !== 'artifact') continue;
    const row = loader.artifact(n.artifactId);
    if (row) {
      n.kind = row.kind;
      n.preview = row.content.length > PREVIEW ? `${row.content.slice(0, PREVIEW)}…` : row.content;
      n.contentLength = row.content_length;
      n.toolName = row.tool_name;
      n.documentId = row.document_id;
      n.source = row.source;
    }
    const listed = [...(tracesOf.get(n.artifactId) ?? [])];
    n.traces = current && here.has(n.artifactId) ? [current, ...listed.filter((t) => t !== current)].slice(0, TRACES_PER_ARTIFACT) : listed;
    const label = labelArtifact(o.trustRules, { kind: n.kind, tool_name: n.toolName, source: n.source, document_id: n.documentId }, loader.producers.of(n.artifactId));
    n.trust = label.trust;
    n.trustWhy = label.why;
    n.trustRule = label.rule;
    if (label.matched) n.trustMatched = label.matched;
  }
  const nodes = [...graph.nodes.values()];
  const edges = [...graph.edges.values()].filter((e) => graph.nodes.has(e.from) && graph.nodes.has(e.to));
  const taintPaths = taint(nodes, edges, seed, direction);
  return {
    seed,
    direction,
    depth: o.depth,
    nodes,
    edges,
    taintPaths,
    truncated: graph.truncatedReason !== undefined,
    ...(graph.truncatedReason ? { truncatedReason: graph.truncatedReason } : {}),
  };
}
