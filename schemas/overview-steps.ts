// A larger trace overview's steps, column by column: the first view of a 3,000-span trace sends
// every activity, and as one trace-graph node each they were 1.72 of its 1.97 MB (~530 bytes a
// step: the trace id twice, field names, `depth: 0`, the same submitter object 3,000 times).
// Columns with strings that repeat (kind, name, operation, convention, agent, tool, service) as
// indexes into one table. The explorer turns them back into the nodes they were (overviewSteps).
import type { ActivityKind, SliceActivity, SubmitterRef } from './provenance.ts';
import { activityNodeId } from './node-id.ts';

export interface OverviewSteps {
  /** the repeated strings the index columns point into */
  strings: string[];
  spanId: string[];
  parentSpanId: string[];
  kind: number[];
  name: number[];
  operation: number[];
  convention: number[];
  agent: number[];
  toolName: number[];
  callId: string[];
  service: number[];
  start: string[];
  end: string[];
  status: number[];
  /** who submitted each step: an index into `submitters`, -1 when not known */
  submitter: number[];
  submitters: SubmitterRef[];
  /** the steps submitted by another credential than the trace's root span (indexes) */
  otherSubmitter: number[];
}

const INDEXED = ['kind', 'name', 'operation', 'convention', 'agent', 'toolName', 'service'] as const;

/** The steps of one trace (every activity at depth 0, untainted: a trace graph's, before any slice) as columns. */
export function encodeSteps(traceId: string, acts: SliceActivity[]): OverviewSteps {
  const strings: string[] = [];
  const at = new Map<string, number>();
  const index = (s: string): number => {
    let i = at.get(s);
    if (i === undefined) at.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const submitters: SubmitterRef[] = [];
  const byCredential = new Map<string, number>();
  const out: OverviewSteps = { strings, spanId: [], parentSpanId: [], kind: [], name: [], operation: [], convention: [], agent: [], toolName: [], callId: [], service: [], start: [], end: [], status: [], submitter: [], submitters, otherSubmitter: [] };
  acts.forEach((a, n) => {
    if (a.traceId !== traceId || a.depth !== 0 || a.tainted) throw new Error(`not a step of trace ${traceId} as its graph has it: ${a.id}`);
    out.spanId.push(a.spanId);
    out.parentSpanId.push(a.parentSpanId);
    for (const k of INDEXED) out[k].push(index(a[k]));
    out.callId.push(a.callId);
    out.start.push(a.start);
    out.end.push(a.end);
    out.status.push(a.status);
    let s = -1;
    if (a.submittedBy) {
      const key = JSON.stringify([a.submittedBy.id, a.submittedBy.name]);
      s = byCredential.get(key) ?? -1;
      if (s < 0) byCredential.set(key, (s = submitters.push(a.submittedBy) - 1));
    }
    out.submitter.push(s);
    if (a.otherSubmitter) out.otherSubmitter.push(n);
  });
  return out;
}

/** The steps as the trace graph's activity nodes, as they were before encodeSteps. */
export function decodeSteps(traceId: string, s: OverviewSteps): SliceActivity[] {
  const other = new Set(s.otherSubmitter);
  return s.spanId.map((spanId, i) => {
    const a: SliceActivity = {
      id: activityNodeId(traceId, spanId),
      type: 'activity',
      traceId,
      spanId,
      parentSpanId: s.parentSpanId[i]!,
      kind: s.strings[s.kind[i]!]! as ActivityKind,
      name: s.strings[s.name[i]!]!,
      operation: s.strings[s.operation[i]!]!,
      convention: s.strings[s.convention[i]!]!,
      agent: s.strings[s.agent[i]!]!,
      toolName: s.strings[s.toolName[i]!]!,
      callId: s.callId[i]!,
      service: s.strings[s.service[i]!]!,
      start: s.start[i]!,
      end: s.end[i]!,
      status: s.status[i]!,
      depth: 0,
      tainted: false,
    };
    const by = s.submitter[i]!;
    if (by >= 0) a.submittedBy = s.submitters[by]!;
    if (other.has(i)) a.otherSubmitter = true;
    return a;
  });
}
