// Detections (README "Detections"): findings as stored and as GET /api/findings returns them,
// their status events, and the rule catalogue's shape.
import type { TaintPath } from './provenance.ts';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
/** `resolved`: a responder resolved it, or an approving decision for the gated call arrived after the finding was raised (late spans). */
export type FindingStatus = 'open' | 'acknowledged' | 'false_positive' | 'escalated' | 'resolved';

/** The agent a finding is about: `key` = `<service.name>/<agent id or name>`. */
export interface FindingAgent {
  key: string;
  service: string;
  id: string;
  name: string;
  registered: boolean;
  owner?: string;
  /** the registry the finding was evaluated against: the tenant's registry version (changes made through the API; 0 = the policy file alone) */
  registryVersion?: number;
  /** the version of the agent's entry (0: from the policy file) */
  entryVersion?: number;
}

/** What proves a finding: graph node ids (the explorer highlights them), taint paths, and details per rule. */
export interface FindingEvidence {
  /** the node the finding is about (a tool call, an agent's first activity) */
  seed: string;
  nodes: string[];
  taintPaths: TaintPath[];
  /** approval activities linked to the call (node ids), and their decisions */
  approvals: { node: string; decision: string }[];
  /** rule-specific facts: the tool, its impact class, placeholders, counts, the copied text … */
  detail: Record<string, unknown>;
}

export interface Finding {
  /** hex SHA-256 of (rule id, evidence key), first 32 characters: the same evidence is the same finding */
  id: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  title: string;
  explanation: string;
  owasp: string[];
  atlas: string[];
  agent: FindingAgent;
  traceIds: string[];
  evidence: FindingEvidence;
  /** when the evidence happened (the seed's start), ISO */
  occurredAt: string;
  /** when Causeway raised it, ISO */
  detectedAt: string;
}

export type FindingEventBody =
  | { type: 'acknowledged'; note?: string }
  | { type: 'false_positive'; reason: string }
  | { type: 'escalated'; incidentId?: string; note?: string }
  | { type: 'reopened'; note?: string }
  /** a responder closed it (handled, fixed, accepted) */
  | { type: 'resolved'; note?: string }
  /** written by Causeway, never by a client: an approval of the gated call was stored after the finding */
  | { type: 'resolved_by_approval'; approval: string; decision: string; how: string; note?: string };

export type FindingEvent = FindingEventBody & { eventId: string; at: string; actor: string };

export interface FindingView extends Finding {
  status: FindingStatus;
  events: FindingEvent[];
}

export interface FindingListResponse {
  findings: FindingView[];
}

export interface RuleInfo {
  id: string;
  name: string;
  severity: Severity;
  explanation: string;
  owasp: string[];
  atlas: string[];
  enabled: boolean;
}

/** One of an agent's tool calls as stored, read beyond the trace being evaluated (R7: what the store gives, what the rule reads). */
export interface StoredCall {
  traceId: string;
  spanId: string;
  /** unix ns as decimal */
  startNs: string;
  /** the stored request's artifact id: one per tool and canonical arguments ('' when none) */
  requestId: string;
  /** the stored (redacted) canonical request, at most 64 Ki characters; '' when unknown */
  request: string;
}

/** An R7 finding already stored: its id and the time its calls span (unix ns). */
export interface StoredMassAction {
  id: string;
  firstNs: bigint;
  /** absent on findings stored before R7 recorded it (those looked within one trace: their calls lie within windowSeconds of the first) */
  lastNs?: bigint;
}
