// Findings revised by late evidence, never rewritten: when an approving decision for a gated
// call is stored after a finding about that call was raised (the approval's spans arrived after
// the trace went quiet), the finding gets a `resolved_by_approval` status event naming the
// approval's node. The finding row stays as it was: it was right on the evidence it had.
import type { FindingEventBody, FindingView } from '@causeway/schemas';
import type { FindingReads } from '../store/reads/findings.ts';

/** A tool call (node id) and the approving decision linked to it. */
export interface ApprovedCall {
  call: string;
  approval: string;
  /** `<human|guardrail>:approved` */
  decision: string;
  /** how the approval was linked to the call (approvals.ts) */
  how: string;
}

/** Rules whose finding says "no approval": an approval of the same call answers them. */
const ANSWERED_BY_APPROVAL = new Set(['R1', 'R8']);

/** Appends `resolved_by_approval` to the trace's stored findings an approval now answers; returns those findings as they are now. */
export async function reviseByApprovals(findings: FindingReads, traceId: string, approved: ApprovedCall[]): Promise<FindingView[]> {
  if (approved.length === 0) return [];
  const byCall = new Map(approved.map((a) => [a.call, a]));
  const revised: FindingView[] = [];
  for (const f of await findings.list({ trace: traceId, limit: 5000 })) {
    const a = byCall.get(f.evidence.seed);
    if (!a || !ANSWERED_BY_APPROVAL.has(f.ruleId)) continue;
    // once per approval: a later evaluation of the trace finds the event already there
    if (f.events.some((e) => e.type === 'resolved_by_approval' && e.approval === a.approval)) continue;
    const event: FindingEventBody = { type: 'resolved_by_approval', approval: a.approval, decision: a.decision, how: a.how, note: `an approving decision (${a.decision}) for this call was stored after the finding was raised` };
    const stored = await findings.appendEvent(f, event, 'causeway');
    revised.push({ ...f, status: 'resolved', events: [...f.events, stored] });
  }
  return revised;
}
