// The causal graph as the explorer draws it: a trace's SliceResponse turned into nodes with a
// lane (the agent that acted) and a time (for ordering), and edges styled by relation and by
// how they are known. Pure: used by the views, the layout worker's callers and unit tests.
import type { HowKnown, RelationName, SliceActivity, SliceArtifact, SliceNode, SliceResponse, TrustLabel } from '@causeway/schemas';

export interface GNode {
  id: string;
  /** a group stands for a run of steps of one agent (graph/aggregate.ts) */
  type: 'activity' | 'artifact' | 'group';
  kind: string;
  label: string;
  lane: string;
  /** nanoseconds since the graph's first activity, for ordering (artifacts: when they came to be) */
  t: number;
  trust?: TrustLabel;
  tainted: boolean;
  /** collapsed view: how many artifacts were folded into this activity */
  folded?: number;
  /** group: the activities it stands for, and how many of them failed */
  members?: string[];
  errors?: number;
  /** the node itself (a group: its first member) */
  data: SliceNode;
}

export interface GEdge {
  from: string;
  to: string;
  relation: RelationName;
  how: HowKnown;
  score?: number;
  shared?: number;
  extent?: { from: [number, number]; to: [number, number] };
  detail?: string;
  /** drawn views: how many edges of the full graph this one stands for */
  count?: number;
}

export interface Graph {
  nodes: GNode[];
  edges: GEdge[];
  /** the first activity's start, unix ns */
  t0: bigint;
  /** views: a node that is not drawn → the node drawn for it (its activity, its group) */
  foldedInto?: Map<string, string>;
}

export const isActivity = (n: SliceNode): n is SliceActivity => n.type === 'activity';
export const isArtifact = (n: SliceNode): n is SliceArtifact => n.type === 'artifact';

export function activityLabel(a: SliceActivity): string {
  if (a.kind === 'tool' && a.toolName) return a.toolName;
  if (a.kind === 'agent' && a.agent) return `agent ${a.agent}`;
  return a.name || a.kind;
}

export function artifactLabel(a: SliceArtifact): string {
  const text = readable(a);
  return text.length > 48 ? `${text.slice(0, 47)}…` : text || a.kind;
}

/**
 * What a responder recognizes an artifact by: a document by its id and subject or title, a tool
 * result by its tool and first value; JSON punctuation is dropped (the inspector shows it all).
 */
function readable(a: SliceArtifact): string {
  const flat = a.preview.replace(/\s+/g, ' ').trim();
  if (!flat.startsWith('{') && !flat.startsWith('[')) return flat;
  const field = (k: string): string | undefined => new RegExp(`"${k}":"((?:[^"\\\\]|\\\\.)*)`).exec(flat)?.[1];
  const headline = field('subject') ?? field('title') ?? field('name') ?? firstString(flat);
  if (a.kind === 'document') return [a.documentId, headline].filter(Boolean).join(' · ');
  if (a.kind === 'tool_result') return [a.toolName, headline].filter(Boolean).join(' → ');
  return headline ?? flat;
}

function firstString(json: string): string | undefined {
  // the first string value of a field, else the first in a list; never a key
  return /:\s*"((?:[^"\\]|\\.){2,})/.exec(json)?.[1] ?? /\[\s*"((?:[^"\\]|\\.){2,})/.exec(json)?.[1];
}

/** A node as a responder reads it in lists: `tool send_email`, `document "msg-7f3a91 · Hi team"`. */
export function nodeLabel(n: SliceNode | undefined): string {
  if (!n) return '';
  return n.type === 'activity' ? `${n.kind} ${activityLabel(n)}` : `${KIND_NAMES[n.kind] ?? n.kind} "${artifactLabel(n)}"`;
}

export const KIND_NAMES: Record<string, string> = {
  system_instruction: 'system instruction',
  user_prompt: 'user prompt',
  document: 'document',
  model_output: 'model output',
  tool_request: 'tool request',
  tool_result: 'tool result',
  outcome: 'outcome',
};

export function buildGraph(s: SliceResponse): Graph {
  const acts = s.nodes.filter(isActivity);
  const t0 = acts.reduce((m, a) => (BigInt(a.start) < m ? BigInt(a.start) : m), acts.length ? BigInt(acts[0]!.start) : 0n);
  const rel = (ns: string): number => Number(BigInt(ns || '0') - t0);
  const byId = new Map(s.nodes.map((n) => [n.id, n]));

  // Lane: the agent that acted; spans without an agent name inherit their parent's.
  const actBySpan = new Map(acts.map((a) => [`${a.traceId}/${a.spanId}`, a]));
  const laneCache = new Map<string, string>();
  const laneOf = (a: SliceActivity, guard = 0): string => {
    const key = `${a.traceId}/${a.spanId}`;
    const hit = laneCache.get(key);
    if (hit !== undefined) return hit;
    let lane = a.agent;
    if (!lane && a.parentSpanId && guard < 64) {
      const p = actBySpan.get(`${a.traceId}/${a.parentSpanId}`);
      if (p) lane = laneOf(p, guard + 1);
    }
    lane ||= a.service || 'unknown agent';
    laneCache.set(key, lane);
    return lane;
  };

  const nodes = new Map<string, GNode>();
  for (const a of acts) {
    nodes.set(a.id, { id: a.id, type: 'activity', kind: a.kind, label: activityLabel(a), lane: laneOf(a), t: rel(a.start), tainted: a.tainted, data: a });
  }
  const edges: GEdge[] = s.edges
    .filter((e) => byId.has(e.from) && byId.has(e.to))
    .map((e) => ({
      from: e.from,
      to: e.to,
      relation: e.relation,
      how: e.how,
      ...(e.score !== undefined ? { score: e.score } : {}),
      ...(e.shared !== undefined ? { shared: e.shared } : {}),
      ...(e.extent ? { extent: e.extent } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    }));

  // Artifacts come to be when their producer ends; else just before their first consumer;
  // a document inside a result, with the result.
  const producedAt = new Map<string, { t: number; lane: string }>();
  const consumedAt = new Map<string, { t: number; lane: string }>();
  for (const e of edges) {
    const from = byId.get(e.from)!;
    const to = byId.get(e.to)!;
    if (isActivity(from) && isArtifact(to)) {
      const t = rel(from.end);
      const cur = producedAt.get(to.id);
      if (!cur || t < cur.t) producedAt.set(to.id, { t, lane: laneOf(from) });
    } else if (isArtifact(from) && isActivity(to)) {
      const t = rel(to.start) - 1;
      const cur = consumedAt.get(from.id);
      if (!cur || t < cur.t) consumedAt.set(from.id, { t, lane: laneOf(to) });
    }
  }
  const arts = s.nodes.filter(isArtifact);
  const placed = new Map<string, { t: number; lane: string }>();
  for (const a of arts) {
    const p = producedAt.get(a.id) ?? consumedAt.get(a.id);
    if (p) placed.set(a.id, p);
  }
  // part_of: a document takes its container's place (a few rounds for nesting)
  for (let round = 0; round < 3; round++) {
    for (const e of edges) {
      if (e.relation !== 'part_of' || placed.has(e.from)) continue;
      const c = placed.get(e.to);
      if (c) placed.set(e.from, { t: c.t, lane: c.lane });
    }
  }
  for (const a of arts) {
    const p = placed.get(a.id) ?? { t: 0, lane: acts[0] ? laneOf(acts[0]) : 'unknown agent' };
    nodes.set(a.id, { id: a.id, type: 'artifact', kind: a.kind, label: artifactLabel(a), lane: p.lane, t: p.t, trust: a.trust, tainted: a.tainted, data: a });
  }
  // SDKs record start times in whole milliseconds: an activity that used what another produced
  // may "start" before that producer ended. Order it after what it used (within that slack).
  const SLACK = 1_000_000;
  const byTime = [...nodes.values()].filter((n) => n.type === 'activity').sort((a, b) => a.t - b.t);
  const usedBy = new Map<string, GNode[]>();
  for (const e of edges) {
    const to = nodes.get(e.to);
    const from = nodes.get(e.from);
    if (to?.type === 'activity' && from?.type === 'artifact' && producedAt.has(from.id)) usedBy.set(to.id, [...(usedBy.get(to.id) ?? []), from]);
  }
  for (const act of byTime) {
    for (const art of usedBy.get(act.id) ?? []) if (art.t >= act.t && art.t - act.t < SLACK) act.t = art.t + 1;
  }
  return { nodes: [...nodes.values()], edges, t0 };
}
