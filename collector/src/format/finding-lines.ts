// Canonical lines for findings and their status events (sql/012_findings.sql, 013): JSON with the
// table's columns in a fixed order, computed the same way from a row about to be written and from
// a row read back, so row_hash = SHA-256(0x00 ‖ bytes) is also its ledger leaf (as audit-line.ts).
// The first three columns are the ledger's row head (tenant, trace_id, span_id: see row-line.ts):
// a finding and its events are leaves of the finding's first trace, so a bundle of that trace
// finds them; span_id is the finding's seed span when it is one, else ''.
import type { Finding } from '@causeway/schemas';
import { hashedLines } from './hashed-lines.ts';

/** One finding as stored. Times are ClickHouse DateTime64(3) text ('YYYY-MM-DD hh:mm:ss.mmm', UTC). */
export interface FindingRow {
  tenant: string;
  trace_id: string;
  span_id: string;
  finding_id: string;
  rule_id: string;
  severity: string;
  agent_key: string;
  occurred_at: string;
  detected_at: string;
  /** the Finding as JSON */
  body: string;
}

/** One status event of a finding as stored. */
export interface FindingEventRow {
  tenant: string;
  /** the finding's trace (its leaf sits with the trace's leaves), or '' */
  trace_id: string;
  span_id: string;
  finding_id: string;
  event_id: string;
  at: string;
  type: string;
  actor: string;
  /** the event's body but its type, as JSON */
  payload: string;
}

export const FINDING_COLUMNS = ['tenant', 'trace_id', 'span_id', 'finding_id', 'rule_id', 'severity', 'agent_key', 'occurred_at', 'detected_at', 'body'] as const satisfies readonly (keyof FindingRow)[];
export const FINDING_EVENT_COLUMNS = ['tenant', 'trace_id', 'span_id', 'finding_id', 'event_id', 'at', 'type', 'actor', 'payload'] as const satisfies readonly (keyof FindingEventRow)[];
/** The columns as a SELECT list that reads them back in the form they were written. */
export const FINDING_SELECT = FINDING_COLUMNS.map((c) => (c.endsWith('_at') ? `toString(${c}) AS ${c}` : c)).join(', ');
export const FINDING_EVENT_SELECT = FINDING_EVENT_COLUMNS.map((c) => (c === 'at' ? 'toString(at) AS at' : c)).join(', ');

/** ISO time → DateTime64(3) text. */
export const chTime = (iso: string): string => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

const HEX32 = /^[0-9a-f]{32}$/;

export function findingRow(tenant: string, f: Finding): FindingRow {
  const trace = f.traceIds[0] ?? '';
  // the seed is an activity node `act:<trace>/<span>` for most rules
  const seed = /^act:([0-9a-f]{32})\/([0-9a-f]{16})$/.exec(f.evidence.seed);
  return {
    tenant,
    trace_id: HEX32.test(trace) ? trace : '',
    span_id: seed && seed[1] === trace ? seed[2]! : '',
    finding_id: f.id,
    rule_id: f.ruleId,
    severity: f.severity,
    agent_key: f.agent.key,
    occurred_at: chTime(f.occurredAt),
    detected_at: chTime(f.detectedAt),
    body: JSON.stringify(f),
  };
}

export function canonicalFindingRow(r: FindingRow): string {
  const s = (v: unknown): string => JSON.stringify(String(v));
  return (
    `{"tenant":${s(r.tenant)},"trace_id":${s(r.trace_id)},"span_id":${s(r.span_id)},"finding_id":${s(r.finding_id)},"rule_id":${s(r.rule_id)}` +
    `,"severity":${s(r.severity)},"agent_key":${s(r.agent_key)},"occurred_at":${s(r.occurred_at)},"detected_at":${s(r.detected_at)},"body":${s(r.body)}}`
  );
}

export function canonicalFindingEventRow(r: FindingEventRow): string {
  const s = (v: unknown): string => JSON.stringify(String(v));
  return (
    `{"tenant":${s(r.tenant)},"trace_id":${s(r.trace_id)},"span_id":${s(r.span_id)},"finding_id":${s(r.finding_id)},"event_id":${s(r.event_id)}` +
    `,"at":${s(r.at)},"type":${s(r.type)},"actor":${s(r.actor)},"payload":${s(r.payload)}}`
  );
}

/** JSONEachRow lines (canonical form + row_hash) for the spool, the writer and the ledger. */
export function findingsPayload(rows: FindingRow[]): Buffer {
  return hashedLines(rows.map(canonicalFindingRow));
}

export function findingEventsPayload(rows: FindingEventRow[]): Buffer {
  return hashedLines(rows.map(canonicalFindingEventRow));
}

