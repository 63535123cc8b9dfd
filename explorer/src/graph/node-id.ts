// The graph's node ids, `act:<trace>/<span>` and `art:<artifact>`, in one place.
// (To be replaced by schemas/node-id.ts when the collector's restructuring lands it.)
export type NodeRef = { type: 'activity'; traceId: string; spanId: string } | { type: 'artifact'; artifactId: string };

export const activityNodeId = (traceId: string, spanId: string): string => `act:${traceId}/${spanId}`;
export const artifactNodeId = (artifactId: string): string => `art:${artifactId}`;

export function parseNodeId(id: string): NodeRef | undefined {
  const act = /^act:([0-9a-f]{32})\/([0-9a-f]{16})$/.exec(id);
  if (act) return { type: 'activity', traceId: act[1]!, spanId: act[2]! };
  const art = /^art:([0-9a-f]{32})$/.exec(id);
  if (art) return { type: 'artifact', artifactId: art[1]! };
  return undefined;
}
