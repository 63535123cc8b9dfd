// What a rule gets (one trace's facts, the policy, the registry, backward slices on demand) and
// what it returns: drafts whose (rule, key) name the evidence, so the same evidence is one finding.
import type { FindingEvidence, SliceResponse } from '@causeway/schemas';
import type { AgentIdentity, Registry } from '../agents.ts';
import type { AgentActionReader, BaselineReader } from '../baseline.ts';
import type { RuleId } from '../catalog.ts';
import type { DetectionPolicy } from '../policy.ts';
import type { ToolCall, TraceFacts } from '../trace-facts.ts';

export interface RuleContext {
  tenant: string;
  facts: TraceFacts;
  /** store-wide counts for the anomaly rules (absent: they say nothing) */
  baseline?: BaselineReader;
  /** the agent's calls beyond this trace and the mass actions raised on them, for R7 (absent: R7 looks within the trace) */
  actions?: AgentActionReader;
  policy: DetectionPolicy;
  registry: Registry;
  /** the backward slice from a tool call, built once per call and shared by the rules */
  backward(call: ToolCall): Promise<SliceResponse | undefined>;
}

export interface FindingDraft {
  rule: RuleId;
  /** what makes this finding this one: e.g. the tool call's node id, or the agent key */
  key: string;
  title: string;
  agent: AgentIdentity;
  traceIds: string[];
  evidence: FindingEvidence;
  /** start of the seed activity, unix ns as decimal */
  occurredAtNs: string;
  /** the id of a stored finding this draft is (the same evidence seen again, e.g. more calls of an R7 burst): keeps that id */
  sameAs?: string;
}

export type Rule = (ctx: RuleContext) => Promise<FindingDraft[]> | FindingDraft[];
