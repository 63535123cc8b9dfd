// Canonical lines for the access audit (`audit_events`, sql/011_auth.sql): JSON with the table's
// columns in a fixed order, one type per column, computed the same way from an event about to be
// written and from a row read back, so row_hash = SHA-256(0x00 ‖ bytes) is also its ledger leaf.
// The first three columns are the ledger's row head (tenant, trace_id, span_id: see row-line.ts).
import { hashedLines } from './hashed-lines.ts';

/** One audit event as stored. */
export interface AuditRow {
  tenant: string;
  /** the trace the action was about, 32 hex, or '' */
  trace_id: string;
  /** always '' (an audit event is not a span's) */
  span_id: string;
  event_id: string;
  /** unix nanoseconds, decimal */
  time_unix_nano: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  action: string;
  target: string;
  trace_ids: string[];
  status: number;
  client_address: string;
  user_agent: string;
  detail: string;
}

export const AUDIT_COLUMNS = [
  'tenant',
  'trace_id',
  'span_id',
  'event_id',
  'time_unix_nano',
  'actor_kind',
  'actor_id',
  'actor_name',
  'action',
  'target',
  'trace_ids',
  'status',
  'client_address',
  'user_agent',
  'detail',
] as const satisfies readonly (keyof AuditRow)[];

export function canonicalAuditRow(r: AuditRow): string {
  const s = JSON.stringify;
  return (
    `{"tenant":${s(String(r.tenant))},"trace_id":${s(String(r.trace_id))},"span_id":${s(String(r.span_id))},"event_id":${s(String(r.event_id))}` +
    `,"time_unix_nano":${s(String(r.time_unix_nano))},"actor_kind":${s(String(r.actor_kind))},"actor_id":${s(String(r.actor_id))},"actor_name":${s(String(r.actor_name))}` +
    `,"action":${s(String(r.action))},"target":${s(String(r.target))},"trace_ids":${s((r.trace_ids ?? []).map(String))},"status":${Number(r.status)}` +
    `,"client_address":${s(String(r.client_address))},"user_agent":${s(String(r.user_agent))},"detail":${s(String(r.detail))}}`
  );
}

/** JSONEachRow lines (canonical form + row_hash) for the spool, the writer and the ledger. */
export function auditPayload(rows: AuditRow[]): Buffer {
  return hashedLines(rows.map(canonicalAuditRow));
}
