// Taint: untrusted influence flows along a slice's edges (cause → effect). Every node reachable
// from an untrusted artifact is tainted, and the shortest path from each untrusted artifact to
// the seed (backward) or to each tool call it reached (forward slices and trace graphs) is listed.
import type { SliceEdge, SliceNode, SliceResponse, TaintPath } from '@causeway/schemas';

/** At most this many taint paths, shortest first. */
export const TAINT_PATHS = 100;

/** Marks `tainted` on the nodes untrusted content reaches and returns the taint paths. */
export function taint(nodes: SliceNode[], edges: SliceEdge[], seed: string, direction: SliceResponse['direction']): TaintPath[] {
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
    // breadth first, so the path kept to each node is a shortest one
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
  return paths.sort((a, b) => a.nodes.length - b.nodes.length).slice(0, TAINT_PATHS);
}
