// Evaluates the enabled rules over one trace and turns their drafts into findings. A finding's
// id is a hash of (rule, evidence key): evaluating the same trace again (late spans, a re-run
// over history) yields the same ids, so nothing is raised twice.
import { createHash } from 'node:crypto';
import type { Finding, SliceResponse } from '@causeway/schemas';
import { SliceBuilder, type ProvenanceReader } from '../provenance/slice/index.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { SubmitterReader } from '../provenance/submitters.ts';
import { Registry } from './agents.ts';
import { approvedBy } from './approvals.ts';
import type { ApprovedCall } from './revise.ts';
import type { AgentActionReader, BaselineReader } from './baseline.ts';
import { RULES, RULE_IDS } from './catalog.ts';
import type { DetectionPolicy } from './policy.ts';
import { BUILTIN_RULES } from './rules/index.ts';
import type { FindingDraft, RuleContext } from './rules/types.ts';
import { type ToolCall, traceFacts } from './trace-facts.ts';

/** Slices behind the evidence: as deep and as wide as the API's defaults. */
const SLICE_DEPTH = 12;
const SLICE_NODES = 500;
/** Backward slices one trace may cost (one per high-impact call); calls beyond are not sliced (R1, R3's copy check, R4 skip them). */
export const MAX_SLICES_PER_TRACE = 256;

export function findingId(rule: string, key: string): string {
  return createHash('sha256').update(`${rule}\u0000${key}`).digest('hex').slice(0, 32);
}

export class Evaluator {
  registry: Registry;

  constructor(
    private readonly reader: ProvenanceReader,
    private readonly tenant: string,
    readonly policy: DetectionPolicy,
    private readonly trustRules: TrustRule[],
    registry?: Registry,
    private readonly baseline?: BaselineReader,
    /** who sent each span (rule R10); absent: R10 says nothing */
    private readonly submitters?: SubmitterReader,
    /** the agent's calls across traces (rule R7); absent: R7 looks within one trace */
    private readonly actions?: AgentActionReader,
  ) {
    this.registry = registry ?? new Registry(policy.agents);
  }

  async evaluate(traceId: string, now = new Date()): Promise<Finding[]> {
    return (await this.evaluateTrace(traceId, now)).findings;
  }

  /** The trace's findings, and its calls an approving decision lets through (what revises findings raised before the approval arrived). */
  async evaluateTrace(traceId: string, now = new Date()): Promise<{ findings: Finding[]; approvedCalls: ApprovedCall[] }> {
    const facts = await traceFacts(this.reader, this.tenant, traceId, this.policy, this.registry, this.submitters);
    if (!facts) return { findings: [], approvedCalls: [] };
    const approvedCalls: ApprovedCall[] = [];
    for (const call of facts.calls) {
      const a = approvedBy(call.approvals, this.registry.lookup(call.agent)?.acceptGuardrailApproval ?? false);
      if (a) approvedCalls.push({ call: call.node, approval: a.node, decision: `${a.by}:${a.decision}`, how: a.how });
    }
    const slices = new Map<string, Promise<SliceResponse | undefined>>();
    const ctx: RuleContext = {
      tenant: this.tenant,
      facts,
      ...(this.baseline ? { baseline: this.baseline } : {}),
      ...(this.actions ? { actions: this.actions } : {}),
      policy: this.policy,
      registry: this.registry,
      backward: (call: ToolCall) => {
        let s = slices.get(call.node);
        if (!s && slices.size >= MAX_SLICES_PER_TRACE) return Promise.resolve(undefined);
        if (!s) {
          const b = new SliceBuilder(this.reader, { tenant: this.tenant, direction: 'backward', depth: SLICE_DEPTH, maxNodes: SLICE_NODES, trustRules: this.trustRules });
          s = b.slice({ traceId: call.act.trace_id, spanId: call.act.span_id });
          slices.set(call.node, s);
        }
        return s;
      },
    };
    const drafts: FindingDraft[] = [];
    for (const id of RULE_IDS) {
      if (!this.policy.rules[id].enabled) continue;
      drafts.push(...(await BUILTIN_RULES[id](ctx)));
    }
    return { findings: drafts.map((d) => this.toFinding(d, now)), approvedCalls };
  }

  private toFinding(d: FindingDraft, now: Date): Finding {
    const r = RULES[d.rule];
    return {
      id: d.sameAs ?? findingId(d.rule, d.key),
      ruleId: r.id,
      ruleName: r.name,
      severity: r.severity,
      title: d.title,
      explanation: r.explanation,
      owasp: [...r.owasp],
      atlas: [...r.atlas],
      agent: this.registry.describe(d.agent),
      traceIds: d.traceIds,
      evidence: d.evidence,
      occurredAt: nsToIso(d.occurredAtNs),
      detectedAt: now.toISOString(),
    };
  }
}

export function nsToIso(ns: string): string {
  try {
    return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}
