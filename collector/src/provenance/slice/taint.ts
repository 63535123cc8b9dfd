// Taint: untrusted influence flows along a slice's edges (cause → effect). Every node reachable
// from an untrusted artifact is tainted, and the shortest path from each untrusted artifact to
// the seed (backward) or to each tool call it reached (forward slices and trace graphs) is listed.
// Nodes are numbered and only the paths kept are spelled out: a 3,252-span trace's whole graph
// (9,651 nodes, hundreds of untrusted sources, ~1,000 tool calls) built every (source, tool)
// path to keep 100 (half a second a graph).
import type { SliceEdge, SliceNode, SliceResponse, TaintPath } from '@causeway/schemas';

/** At most this many taint paths, shortest first. */
export const TAINT_PATHS = 100;

/** Marks `tainted` on the nodes untrusted content reaches and returns the taint paths. */
export function taint(nodes: SliceNode[], edges: SliceEdge[], seed: string, direction: SliceResponse['direction']): TaintPath[] {
  const number = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[][] = nodes.map(() => []);
  for (const e of edges) {
    if (e.relation === 'child_of') continue; // containment of spans is not influence
    const from = number.get(e.from);
    const to = number.get(e.to);
    if (from !== undefined && to !== undefined) out[from]!.push(to);
  }
  const sources = nodes.flatMap((n) => (n.type === 'artifact' && n.trust === 'untrusted' ? [number.get(n.id)!] : []));
  const targets = [...new Set(direction === 'backward' ? [seed] : nodes.filter((n) => n.type === 'activity' && n.kind === 'tool').map((n) => n.id))].flatMap((id) => number.get(id) ?? []);
  // breadth first from each source, so the path kept to each node is a shortest one
  const seen = new Int32Array(nodes.length);
  const prev = new Int32Array(nodes.length);
  const depth = new Int32Array(nodes.length);
  const queue = new Int32Array(nodes.length);
  let walk = 0;
  // one walk from source k: seen[x] === walk for every node it reached
  const reach = (k: number): void => {
    const s = sources[k]!;
    walk++;
    seen[s] = walk;
    prev[s] = -1;
    depth[s] = 0;
    queue[0] = s;
    for (let i = 0, n = 1; i < n; i++) {
      const cur = queue[i]!;
      nodes[cur]!.tainted = true;
      for (const to of out[cur]!) {
        if (seen[to] === walk) continue;
        seen[to] = walk;
        prev[to] = cur;
        depth[to] = depth[cur]! + 1;
        queue[n++] = to;
      }
    }
  };
  // every (source k, target j) reached, as k * targets + j, by length (depth + 1 nodes), each length in the order found
  const byLength: number[][] = [];
  for (let k = 0; k < sources.length; k++) {
    reach(k);
    targets.forEach((t, j) => {
      if (seen[t] === walk && t !== sources[k]) (byLength[depth[t]!] ??= []).push(k * targets.length + j);
    });
  }
  const kept = byLength.flatMap((l) => l).slice(0, TAINT_PATHS);
  // the kept paths spelled out, in the order kept (shortest first, then as found); each source walked again (the same walk)
  const paths: TaintPath[] = [];
  let walked = -1;
  for (const i of kept.map((_, i) => i).sort((a, b) => kept[a]! - kept[b]!)) {
    const k = Math.floor(kept[i]! / targets.length);
    if (walked !== k) reach((walked = k));
    const path: string[] = [];
    for (let p = targets[kept[i]! % targets.length]!; p !== -1; p = prev[p]!) path.push(nodes[p]!.id);
    paths[i] = { source: nodes[sources[k]!]!.id, nodes: path.reverse() };
  }
  return paths;
}
