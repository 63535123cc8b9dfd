// The slice being built: its nodes and edges, which (node, trace) pairs the walk has queued, and
// its node limit. Nodes and edges keep the order they were first added in: that is the answer's order.
import type { ActivityRow, HowKnown, RelationName, SliceEdge, SliceNode } from '@causeway/schemas';
import { activityNodeId, artifactNodeId } from '@causeway/schemas/node-id.ts';

/** A node on the walk's frontier. */
export interface Item {
  node: string;
  depth: number;
  /** artifacts: the trace and time they are seen from */
  trace?: string;
  t?: bigint;
  /** artifacts reached from a tool call: the model call that asked for it (its producer, if it is one) */
  prefer?: string;
  /** backward: the activity that used it (span id); its producer began before it, by structure */
  reader?: string;
  /** forward: the activity that generated it (span id); a request leads to the tools it ran */
  maker?: string;
}

export class SliceGraph {
  readonly nodes = new Map<string, SliceNode>();
  readonly edges = new Map<string, SliceEdge>();
  private readonly visited = new Set<string>();
  /** why the walk stopped early, when it did */
  truncatedReason: string | undefined;

  constructor(readonly maxNodes: number) {}

  full(): boolean {
    return this.nodes.size >= this.maxNodes;
  }

  /** Marks a node as seen from a trace ('' for everywhere) without queueing it (a seed). */
  visit(node: string, trace = ''): void {
    this.visited.add(`${node}@${trace}`);
  }

  /** Queues an item unless the same node was already queued from the same trace. */
  push(next: Item[], item: Item): void {
    const key = `${item.node}@${item.trace ?? ''}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    next.push(item);
  }

  addActivity(a: ActivityRow, depth: number): string {
    const id = activityNodeId(a.trace_id, a.span_id);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, {
        id,
        type: 'activity',
        traceId: a.trace_id,
        spanId: a.span_id,
        parentSpanId: a.parent_span_id,
        kind: a.kind,
        name: a.name,
        operation: a.operation,
        convention: a.convention,
        agent: a.agent_name,
        toolName: a.tool_name,
        callId: a.call_id,
        service: a.service_name,
        start: a.start_time_unix_nano,
        end: a.end_time_unix_nano,
        status: Number(a.status_code),
        depth,
        tainted: false,
      });
    }
    return id;
  }

  /** An artifact node; what it is (kind, content, trust) is filled in by the result. */
  addArtifact(artifactId: string, depth: number): string {
    const id = artifactNodeId(artifactId);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, {
        id,
        type: 'artifact',
        artifactId,
        kind: 'document',
        trust: 'unknown',
        trustWhy: '',
        trustRule: '',
        preview: '',
        contentLength: 0,
        toolName: '',
        documentId: '',
        source: '',
        traces: [],
        depth,
        tainted: false,
      });
    }
    return id;
  }

  /** An edge, once per (from, to, relation): the first way it was found is the one kept. */
  addEdge(from: string, to: string, relation: RelationName, how: HowKnown, detail?: string, extent?: SliceEdge['extent']): SliceEdge {
    const key = `${from}|${to}|${relation}`;
    let e = this.edges.get(key);
    if (!e) {
      e = { from, to, relation, how, ...(detail ? { detail } : {}), ...(extent ? { extent } : {}) };
      this.edges.set(key, e);
    }
    return e;
  }
}
