// The canonical byte form of a stored span row: JSON with a fixed field order, every attribute
// tuple fully populated, 64-bit integers as decimal strings, doubles in one spelling. It is
// computed the same way from a row about to be written and from a row read back from
// ClickHouse, so its hash, SHA-256(0x00 ‖ bytes), is both the row's identity (row_hash) and its
// Merkle leaf in the ledger. Stable across versions: changing it changes every leaf.
import { createHash } from 'node:crypto';
import type { AttrRow, SpanRow } from '@causeway/schemas';

export function canonicalRow(r: SpanRow): string {
  return JSON.stringify({
    tenant: r.tenant,
    trace_id: r.trace_id,
    span_id: r.span_id,
    parent_span_id: r.parent_span_id,
    trace_state: r.trace_state,
    flags: Number(r.flags),
    name: r.name,
    kind: Number(r.kind),
    start_time_unix_nano: String(r.start_time_unix_nano),
    end_time_unix_nano: String(r.end_time_unix_nano),
    attributes: attrs(r.attributes),
    dropped_attributes_count: Number(r.dropped_attributes_count),
    events: r.events.map((e) => ({
      time_unix_nano: String(e.time_unix_nano),
      name: e.name,
      attributes: attrs(e.attributes),
      dropped_attributes_count: Number(e.dropped_attributes_count),
    })),
    dropped_events_count: Number(r.dropped_events_count),
    links: r.links.map((l) => ({
      trace_id: l.trace_id,
      span_id: l.span_id,
      trace_state: l.trace_state,
      attributes: attrs(l.attributes),
      dropped_attributes_count: Number(l.dropped_attributes_count),
      flags: Number(l.flags),
    })),
    dropped_links_count: Number(r.dropped_links_count),
    status_code: Number(r.status_code),
    status_message: r.status_message,
    service_name: r.service_name,
    resource_attributes: attrs(r.resource_attributes),
    resource_dropped_attributes_count: Number(r.resource_dropped_attributes_count),
    resource_schema_url: r.resource_schema_url,
    scope_name: r.scope_name,
    scope_version: r.scope_version,
    scope_attributes: attrs(r.scope_attributes),
    scope_dropped_attributes_count: Number(r.scope_dropped_attributes_count),
    scope_schema_url: r.scope_schema_url,
    redactions: r.redactions.map((x) => ({ rule: x.rule, field: x.field, count: Number(x.count) })),
  });
}

/** SHA-256(0x00 ‖ canonical bytes), hex: the RFC 6962 leaf hash of the row. */
export function rowLeafHash(canonical: string | Buffer): string {
  return createHash('sha256').update(Buffer.from([0])).update(canonical).digest('hex');
}

function attrs(list: AttrRow[]): object[] {
  return list.map((a) => ({ key: a.key, type: a.type, str: a.str ?? '', int: String(a.int ?? '0'), dbl: canonicalDouble(a.dbl), bool: a.bool ?? false }));
}

/** One spelling per double: finite as a JSON number, -0 and the non-finite ones as ClickHouse reads them. */
function canonicalDouble(d: number | string | undefined | null): number | string {
  if (d === undefined || d === null) return 0;
  if (typeof d === 'string') {
    if (d === '-nan' || d === 'nan' || d === 'NaN') return 'nan';
    if (d === '+inf' || d === 'inf' || d === 'Infinity') return 'inf';
    if (d === '-inf' || d === '-Infinity') return '-inf';
    if (d === '-0') return '-0';
    return canonicalDouble(Number(d));
  }
  if (Object.is(d, -0)) return '-0';
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  return d;
}
