// Approvals and guardrail decisions as `approval` activities (the DESIGN's human decision), from
// the conventions that exist and Causeway's own attribute set for everyone else:
//   - OTel GenAI guardrail spans (semantic-conventions-genai #427, in development):
//     `gen_ai.operation.name` = `run_guardrail` / `apply_guardrail`, or a span named
//     `gen_ai.run_guardrail.*` / `apply_guardrail …`; verdict in `gen_ai.security.verdict.type`
//     (allow, deny, warn, modify …), what the caller enforced in `gen_ai.security.action.type`.
//     Guardrail spans are children of the operation they protect (e.g. `execute_tool`).
//   - OpenInference `openinference.span.kind` = `GUARDRAIL` (verdict in `output.value`).
//   - Causeway's attribute set (README "Approvals"): `causeway.approval.decision`
//     (`approved` | `denied`), `causeway.approval.approver`, `causeway.approval.shown` (what the
//     approver saw), `causeway.approval.reason`, and the call it gates:
//     `causeway.approval.tool.call.id` / `causeway.approval.tool.name` (or `gen_ai.tool.call.id` /
//     `gen_ai.tool.name`), or a span link to the tool span, or being the tool span's child.
// The activity's `operation` is `<who>:<decision>`: who = `human` (Causeway's attribute set) or
// `guardrail`; decision = `approved`, `denied` or `unknown`.
import type { SpanRow } from '@causeway/schemas';
import { firstText, text } from './attrs.ts';
import type { ActivityDraft, SpanAdapter } from './types.ts';

export type ApprovalDecision = 'approved' | 'denied' | 'unknown';

const GUARDRAIL_OPS = new Set(['run_guardrail', 'apply_guardrail']);

/** A verdict or action word (any convention's spelling) → the decision it amounts to. */
export function decisionOf(word: string | undefined): ApprovalDecision {
  const w = (word ?? '').trim().toLowerCase();
  if (/^(approved?|allow(ed)?|pass(ed)?|accept(ed)?|yes|granted|ok|permit(ted)?)$/.test(w)) return 'approved';
  if (/^(den(y|ied)|block(ed)?|reject(ed)?|refused?|no|fail(ed)?|stop(ped)?|abort(ed)?)$/.test(w)) return 'denied';
  return 'unknown';
}

export function isApprovalSpan(span: SpanRow): boolean {
  const a = span.attributes;
  if (text(a, 'causeway.approval.decision') !== undefined) return true;
  const op = text(a, 'gen_ai.operation.name');
  if (op && GUARDRAIL_OPS.has(op)) return true;
  if (span.name.startsWith('gen_ai.run_guardrail') || span.name.startsWith('apply_guardrail') || span.name.startsWith('run_guardrail')) return true;
  return (text(a, 'openinference.span.kind') ?? '').toUpperCase() === 'GUARDRAIL';
}

export const approvalAdapter: SpanAdapter = {
  convention: 'other',
  matches: isApprovalSpan,
  read(span): ActivityDraft {
    const a = span.attributes;
    // what the caller enforced wins over what a guardrail suggested
    const word = firstText(a, ['causeway.approval.decision', 'gen_ai.security.action.type', 'gen_ai.security.verdict.type', 'output.value']);
    const who = text(a, 'causeway.approval.decision') !== undefined ? 'human' : 'guardrail';
    const draft: ActivityDraft = { kind: 'approval', convention: 'other', operation: `${who}:${decisionOf(word)}`, artifacts: [] };
    const tool = firstText(a, ['causeway.approval.tool.name', 'gen_ai.tool.name']);
    const call = firstText(a, ['causeway.approval.tool.call.id', 'gen_ai.tool.call.id']);
    const agent = firstText(a, ['gen_ai.agent.name']);
    const agentId = firstText(a, ['gen_ai.agent.id']);
    if (tool) draft.toolName = tool;
    if (call) draft.callId = call;
    if (agent) draft.agentName = agent;
    if (agentId) draft.agentId = agentId;
    const shown = firstText(a, ['causeway.approval.shown', 'input.value']);
    if (shown) draft.artifacts.push({ kind: 'document', relation: 'used', value: shown, role: 'causeway.approval.shown' });
    return draft;
  },
};
