// A finding in the shape SIEMs ingest: an OCSF 1.3 Detection Finding (class 2004, category
// Findings), the rule as its analytic, OWASP and ATLAS in finding_info, the evidence in `unmapped.causeway`.
// A finding Causeway itself resolves later (an approval that arrived after it) is sent again as
// the same finding's Close activity (type 200403, status Resolved), the event in `unmapped.causeway.event`.
import type { Finding, FindingEvent } from '@causeway/schemas';

const SEVERITY_ID = { low: 2, medium: 3, high: 4, critical: 5 } as const;

/** A status change Causeway made: the event, and the finding's status after it. */
export interface FindingUpdate {
  event: FindingEvent;
  status: 'resolved';
}

export function ocsfDetectionFinding(f: Finding, productVersion = '0.1.0', update?: FindingUpdate): Record<string, unknown> {
  const created = ocsfCreate(f, productVersion);
  if (!update) return created;
  const note = (update.event as { note?: string }).note;
  return {
    ...created,
    activity_id: 3,
    activity_name: 'Close',
    type_uid: 200403,
    type_name: 'Detection Finding: Close',
    status_id: 4,
    status: 'Resolved',
    ...(note ? { status_detail: note } : {}),
    time: Date.parse(update.event.at),
    finding_info: { ...(created.finding_info as object), last_seen_time: Date.parse(update.event.at) },
    unmapped: { causeway: { ...((created.unmapped as { causeway: object }).causeway), status: update.status, event: update.event } },
  };
}

function ocsfCreate(f: Finding, productVersion: string): Record<string, unknown> {
  const time = Date.parse(f.detectedAt);
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: SEVERITY_ID[f.severity],
    severity: f.severity[0]!.toUpperCase() + f.severity.slice(1),
    status_id: 1,
    status: 'New',
    time,
    message: f.title,
    metadata: { version: '1.3.0', product: { name: 'Causeway', vendor_name: 'Causeway', version: productVersion }, uid: f.id },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: f.explanation,
      types: [f.ruleName],
      first_seen_time: Date.parse(f.occurredAt),
      analytic: { uid: f.ruleId, name: f.ruleName, type_id: 1, type: 'Rule' },
      attacks: f.atlas.map((t) => {
        const [uid, ...name] = t.split(' ');
        return { technique: { uid, name: name.join(' ') }, version: 'ATLAS' };
      }),
      related_analytics: f.owasp.map((o) => ({ uid: o.split(' ')[0], name: o, type_id: 99, type: 'OWASP Top 10 for Agentic Applications' })),
      data_sources: ['OpenTelemetry traces'],
    },
    actor: { app_name: f.agent.name || f.agent.id, app_uid: f.agent.key },
    resources: f.traceIds.map((t) => ({ uid: t, type: 'trace' })),
    unmapped: { causeway: { agent: f.agent, evidence: f.evidence } },
  };
}
