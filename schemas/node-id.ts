// The graph's node ids, one grammar for the collector, bundles and the explorer:
// an activity is `act:<32 hex trace id>/<16 hex span id>`, an artifact `art:<32 hex artifact id>`.

export type NodeRef = { type: 'activity'; traceId: string; spanId: string } | { type: 'artifact'; artifactId: string };

export const NODE_ID_PATTERN = /^(act:[0-9a-f]{32}\/[0-9a-f]{16}|art:[0-9a-f]{32})$/;

export function activityNodeId(traceId: string, spanId: string): string {
  return `act:${traceId}/${spanId}`;
}

export function artifactNodeId(artifactId: string): string {
  return `art:${artifactId}`;
}

export function isActivityNode(id: string): boolean {
  return id.startsWith('act:');
}

export function isArtifactNode(id: string): boolean {
  return id.startsWith('art:');
}

/** The parts of a node id, or undefined if it is not one (lenient on case and length: ids as stored). */
export function parseNodeId(id: string): NodeRef | undefined {
  if (id.startsWith('art:')) return id.length > 4 ? { type: 'artifact', artifactId: id.slice(4) } : undefined;
  if (!id.startsWith('act:')) return undefined;
  const slash = id.indexOf('/', 4);
  if (slash < 0) return undefined;
  return { type: 'activity', traceId: id.slice(4, slash), spanId: id.slice(slash + 1) };
}

/** The trace of an activity node, '' for an artifact node. */
export function traceOfNode(id: string): string {
  const n = parseNodeId(id);
  return n?.type === 'activity' ? n.traceId : '';
}

/** The artifact id of an artifact node, '' for an activity node. */
export function artifactOfNode(id: string): string {
  const n = parseNodeId(id);
  return n?.type === 'artifact' ? n.artifactId : '';
}
