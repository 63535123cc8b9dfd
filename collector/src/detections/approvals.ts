// Which call an approval gates (approval activities come from provenance/adapters/approval.ts).
// In order of how certain the link is: the gated tool call id; the approval span being the
// tool span's child (guardrail spans are children of the operation they protect); a span link
// either way; else the next call of the named tool after the approval, in the same trace.
import type { ActivityRow } from '@causeway/schemas';

export interface Approval {
  act: ActivityRow;
  node: string;
  /** human (Causeway's attributes) or guardrail */
  by: 'human' | 'guardrail';
  decision: 'approved' | 'denied' | 'unknown';
  how: 'call_id' | 'child' | 'link' | 'next_call';
}

export function parseOperation(op: string): { by: Approval['by']; decision: Approval['decision'] } {
  const [by, decision] = op.split(':');
  return { by: by === 'human' ? 'human' : 'guardrail', decision: decision === 'approved' || decision === 'denied' ? decision : 'unknown' };
}

/** Approvals by the span id of the tool activity they gate. */
export function linkApprovals(approvals: ActivityRow[], tools: ActivityRow[]): Map<string, Approval[]> {
  const out = new Map<string, Approval[]>();
  const add = (tool: ActivityRow, a: ActivityRow, how: Approval['how']): void => {
    const l = out.get(tool.span_id) ?? [];
    l.push({ act: a, node: `act:${a.trace_id}/${a.span_id}`, ...parseOperation(a.operation), how });
    out.set(tool.span_id, l);
  };
  const bySpan = new Map(tools.map((t) => [t.span_id, t]));
  const ordered = [...tools].sort((x, y) => cmpTime(x.start_time_unix_nano, y.start_time_unix_nano));
  for (const a of approvals) {
    const byCall = a.call_id ? tools.find((t) => t.call_id === a.call_id) : undefined;
    if (byCall) {
      add(byCall, a, 'call_id');
      continue;
    }
    const parent = bySpan.get(a.parent_span_id);
    if (parent && (!a.tool_name || a.tool_name === parent.tool_name)) {
      add(parent, a, 'child');
      continue;
    }
    const linked = tools.find((t) => a.links.includes(`${t.trace_id}/${t.span_id}`) || t.links.includes(`${a.trace_id}/${a.span_id}`));
    if (linked) {
      add(linked, a, 'link');
      continue;
    }
    if (a.tool_name) {
      const next = ordered.find((t) => t.tool_name === a.tool_name && cmpTime(t.start_time_unix_nano, a.start_time_unix_nano) >= 0);
      if (next) add(next, a, 'next_call');
    }
  }
  return out;
}

function cmpTime(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether the linked approvals let the call through: an approving decision, by a human unless guardrails are accepted. */
export function approvedBy(approvals: Approval[], acceptGuardrail: boolean): Approval | undefined {
  return approvals.find((a) => a.decision === 'approved' && (a.by === 'human' || acceptGuardrail));
}
