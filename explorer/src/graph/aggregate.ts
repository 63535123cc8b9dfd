// Readable views of a trace's graph, made from the full one (pure):
//  - folding: an artifact is drawn inside the activity that produced it (else the first that
//    used it), and influence through it becomes activity → activity edges;
//  - runs: in each agent's lane, a run of consecutive steps nothing points at is drawn as one
//    group node ("26 steps: chat ×13, lookup_order ×7 …"), expanded on demand.
// Nodes in `keep` (the key path, the selection, taint paths) are never folded or grouped.
// `foldedInto` maps every node that is not drawn to the node that stands for it.
import type { HowKnown } from '@causeway/schemas';
import type { GEdge, GNode, Graph } from './model.ts';

const HOW_RANK: Record<HowKnown, number> = { explicit: 0, content: 1, structural: 2 };
/** Between links known the same way, the one that says more. */
const SAYS: Record<string, number> = { executed: 5, derived_from: 4, generated: 3, linked: 2, part_of: 1, used: 0, child_of: -1 };
const better = (e: GEdge, cur: GEdge): boolean =>
  HOW_RANK[e.how] < HOW_RANK[cur.how] || (e.how === cur.how && ((e.score ?? 0) > (cur.score ?? 0) || ((e.score ?? 0) === (cur.score ?? 0) && (SAYS[e.relation] ?? 0) > (SAYS[cur.relation] ?? 0))));

export interface ViewOptions {
  /** fold artifacts into activities (those in `keep` stay) */
  fold: boolean;
  /** group runs of steps per lane (those in `keep` or `expanded` stay) */
  group: boolean;
  /** draw span containment (child_of) edges */
  containment: boolean;
  keep?: ReadonlySet<string>;
  /** nodes the user expanded out of their group */
  expanded?: ReadonlySet<string>;
  /** shortest run that is grouped */
  minRun?: number;
}

const NONE: ReadonlySet<string> = new Set();

export function viewGraph(g: Graph, o: ViewOptions): Graph {
  let v = o.containment ? g : { ...g, edges: g.edges.filter((e) => e.relation !== 'child_of') };
  if (o.fold) v = foldArtifacts(v, o.keep ?? NONE);
  if (o.group) v = groupRuns(v, o.keep ?? NONE, o.expanded ?? NONE, o.minRun ?? 3);
  // one drawn edge per pair of nodes (a request read by a tool call and run by it is one line)
  return o.fold || o.group ? v : { ...v, edges: remap(v.edges, (id) => id) };
}

/** Every artifact folded: the activity-only view. */
export function collapseArtifacts(g: Graph): Graph {
  return foldArtifacts(g, NONE);
}

/** Edges with their endpoints replaced; self-loops dropped; one edge per pair, the best known. */
function remap(edges: GEdge[], to: (id: string) => string): GEdge[] {
  const out = new Map<string, GEdge>();
  for (const e of edges) {
    const from = to(e.from);
    const dest = to(e.to);
    if (from === dest) continue;
    const key = `${from}>${dest}`;
    const cur = out.get(key);
    const mapped: GEdge = { ...e, from, to: dest };
    if (!cur) out.set(key, mapped);
    else if (better(e, cur)) out.set(key, { ...mapped, count: (cur.count ?? 1) + 1 });
    else cur.count = (cur.count ?? 1) + 1;
  }
  return [...out.values()];
}

const chase = (m: Map<string, string>, id: string): string => {
  let cur = id;
  for (let i = 0; i < 8 && m.has(cur); i++) cur = m.get(cur)!;
  return cur;
};

export function foldArtifacts(g: Graph, keep: ReadonlySet<string>): Graph {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const type = (id: string): GNode['type'] | undefined => byId.get(id)?.type;
  const into = new Map<string, string>(g.foldedInto);
  const foldable = (id: string): boolean => type(id) === 'artifact' && !keep.has(id) && !into.has(id);
  for (const e of g.edges) if (e.relation === 'generated' && type(e.from) !== 'artifact' && foldable(e.to)) into.set(e.to, e.from);
  for (const e of g.edges) if (type(e.to) !== 'artifact' && foldable(e.from)) into.set(e.from, e.to);
  // documents inside a result go where the result goes (a few rounds for nesting)
  for (let round = 0; round < 3; round++) for (const e of g.edges) if (foldable(e.from) && type(e.to) === 'artifact' && into.has(e.to)) into.set(e.from, e.to);
  const drawn = (id: string): string => chase(into, id);
  const inner = new Map<string, GNode[]>();
  for (const n of g.nodes) {
    if (n.type !== 'artifact' || !into.has(n.id)) continue;
    const host = drawn(n.id);
    (inner.get(host) ?? inner.set(host, []).get(host)!).push(n);
  }
  const nodes = g.nodes
    .filter((n) => !into.has(n.id))
    .map((n) => {
      const folded = inner.get(n.id);
      if (!folded) return n;
      return { ...n, folded: (n.folded ?? 0) + folded.length, tainted: n.tainted || folded.some((a) => a.tainted), ...(folded.some((a) => a.trust === 'untrusted') ? { trust: 'untrusted' as const } : {}) };
    });
  const foldedInto = new Map<string, string>();
  for (const id of into.keys()) foldedInto.set(id, drawn(id));
  return { nodes, edges: remap(g.edges, drawn), t0: g.t0, foldedInto };
}

/** `grp:<lane>:<first member>`: a group node's id. */
export const isGroupId = (id: string): boolean => id.startsWith('grp:');

export function groupRuns(g: Graph, keep: ReadonlySet<string>, expanded: ReadonlySet<string>, minRun: number): Graph {
  // nodes something in `keep` hangs on (a kept artifact's host) stay too
  const stays = (n: GNode): boolean => n.type !== 'activity' || n.kind === 'agent' || keep.has(n.id) || expanded.has(n.id);
  const lanes = new Map<string, GNode[]>();
  for (const n of g.nodes) if (n.type === 'activity') (lanes.get(n.lane) ?? lanes.set(n.lane, []).get(n.lane)!).push(n);
  const groupOf = new Map<string, string>();
  const groups: GNode[] = [];
  for (const acts of lanes.values()) {
    acts.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
    let run: GNode[] = [];
    const flush = (): void => {
      if (run.length >= minRun) {
        const g0 = run[0]!;
        const id = `grp:${g0.lane}:${g0.id}`;
        for (const m of run) groupOf.set(m.id, id);
        groups.push(groupNode(id, run));
      }
      run = [];
    };
    for (const a of acts) {
      if (stays(a)) flush();
      else run.push(a);
    }
    flush();
  }
  if (groups.length === 0) return g;
  const foldedInto = new Map<string, string>();
  for (const [id, host] of g.foldedInto ?? []) foldedInto.set(id, groupOf.get(host) ?? host);
  for (const [id, grp] of groupOf) foldedInto.set(id, grp);
  const drawn = (id: string): string => groupOf.get(id) ?? id;
  return { nodes: [...g.nodes.filter((n) => !groupOf.has(n.id)), ...groups], edges: remap(g.edges, drawn), t0: g.t0, foldedInto };
}

function groupNode(id: string, members: GNode[]): GNode {
  const counts = new Map<string, number>();
  for (const m of members) {
    const d = m.data;
    const what = d.type === 'activity' ? (d.toolName || (d.kind === 'llm' ? 'chat' : d.name || d.kind)) : m.kind;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  const summary = top
    .slice(0, 3)
    .map(([k, c]) => `${k} ×${c}`)
    .join(', ');
  const first = members[0]!;
  const errors = members.filter((m) => m.data.type === 'activity' && m.data.status === 2).length;
  return {
    id,
    type: 'group',
    kind: 'group',
    label: `${members.length} steps: ${summary}${top.length > 3 ? ', …' : ''}`,
    lane: first.lane,
    t: first.t,
    tainted: members.some((m) => m.tainted),
    ...(members.some((m) => m.trust === 'untrusted') ? { trust: 'untrusted' as const } : {}),
    folded: members.reduce((s, m) => s + (m.folded ?? 0), 0),
    members: members.map((m) => m.id),
    errors,
    data: first.data,
  };
}
