// Stored rows → OTLP/JSON (ExportTraceServiceRequest shape), regrouped by resource and scope.
import type { AnyValue, AttrRow, KeyValue, LogRow, OtlpLogsData, OtlpResourceLogs, OtlpResourceSpans, OtlpScopeLogs, OtlpScopeSpans, OtlpSpan, OtlpTracesData, SpanRow } from '@causeway/schemas';

export function toOtlpJson(rows: SpanRow[]): OtlpTracesData {
  const resources = new Map<string, OtlpResourceSpans>();
  const scopes = new Map<string, OtlpScopeSpans>();
  for (const r of rows) {
    const resourceKey = JSON.stringify([r.resource_attributes, r.resource_dropped_attributes_count, r.resource_schema_url]);
    let rs = resources.get(resourceKey);
    if (!rs) {
      rs = {
        resource: { attributes: keyValues(r.resource_attributes), droppedAttributesCount: r.resource_dropped_attributes_count },
        scopeSpans: [],
        schemaUrl: r.resource_schema_url,
      };
      resources.set(resourceKey, rs);
    }
    const scopeKey = JSON.stringify([resourceKey, r.scope_name, r.scope_version, r.scope_attributes, r.scope_dropped_attributes_count, r.scope_schema_url]);
    let ss = scopes.get(scopeKey);
    if (!ss) {
      ss = {
        scope: {
          name: r.scope_name,
          version: r.scope_version,
          attributes: keyValues(r.scope_attributes),
          droppedAttributesCount: r.scope_dropped_attributes_count,
        },
        spans: [],
        schemaUrl: r.scope_schema_url,
      };
      scopes.set(scopeKey, ss);
      rs.scopeSpans.push(ss);
    }
    ss.spans.push(toOtlpSpan(r));
  }
  return { resourceSpans: [...resources.values()] };
}

export function toOtlpSpan(r: SpanRow): OtlpSpan {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    traceState: r.trace_state,
    parentSpanId: r.parent_span_id,
    flags: r.flags,
    name: r.name,
    kind: r.kind,
    startTimeUnixNano: r.start_time_unix_nano,
    endTimeUnixNano: r.end_time_unix_nano,
    attributes: keyValues(r.attributes),
    droppedAttributesCount: r.dropped_attributes_count,
    events: r.events.map((e) => ({
      timeUnixNano: e.time_unix_nano,
      name: e.name,
      attributes: keyValues(e.attributes),
      droppedAttributesCount: e.dropped_attributes_count,
    })),
    droppedEventsCount: r.dropped_events_count,
    links: r.links.map((l) => ({
      traceId: l.trace_id,
      spanId: l.span_id,
      traceState: l.trace_state,
      attributes: keyValues(l.attributes),
      droppedAttributesCount: l.dropped_attributes_count,
      flags: l.flags,
    })),
    droppedLinksCount: r.dropped_links_count,
    status: { code: r.status_code, message: r.status_message },
  };
}

export function keyValues(attrs: AttrRow[]): KeyValue[] {
  return attrs.map((a) => ({ key: a.key, value: anyValue(a) }));
}

export function anyValue(a: AttrRow): AnyValue {
  switch (a.type) {
    case 'string':
      return { stringValue: a.str ?? '' };
    case 'int':
      return { intValue: String(a.int ?? '0') };
    case 'double':
      return { doubleValue: jsonDouble(a.dbl ?? 0) };
    case 'bool':
      return { boolValue: a.bool ?? false };
    case 'bytes':
      return { bytesValue: a.str ?? '' };
    case 'array':
    case 'kvlist':
      return JSON.parse(a.str ?? '{}') as AnyValue;
    default:
      return {};
  }
}

function jsonDouble(d: number | string): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (typeof d === 'number') return d;
  if (d === 'nan' || d === '-nan') return 'NaN';
  if (d === 'inf' || d === '+inf') return 'Infinity';
  if (d === '-inf') return '-Infinity';
  return Number(d);
}

/** Stored log rows → OTLP/JSON LogsData, regrouped by resource and scope. */
export function toOtlpLogs(rows: LogRow[]): OtlpLogsData {
  const resources = new Map<string, OtlpResourceLogs>();
  const scopes = new Map<string, OtlpScopeLogs>();
  for (const r of rows) {
    const rk = JSON.stringify([r.resource_attributes, r.resource_dropped_attributes_count, r.resource_schema_url]);
    let rl = resources.get(rk);
    if (!rl) {
      rl = { resource: { attributes: keyValues(r.resource_attributes), droppedAttributesCount: r.resource_dropped_attributes_count }, scopeLogs: [], schemaUrl: r.resource_schema_url };
      resources.set(rk, rl);
    }
    const sk = JSON.stringify([rk, r.scope_name, r.scope_version, r.scope_attributes, r.scope_dropped_attributes_count, r.scope_schema_url]);
    let sl = scopes.get(sk);
    if (!sl) {
      sl = { scope: { name: r.scope_name, version: r.scope_version, attributes: keyValues(r.scope_attributes), droppedAttributesCount: r.scope_dropped_attributes_count }, logRecords: [], schemaUrl: r.scope_schema_url };
      scopes.set(sk, sl);
      rl.scopeLogs.push(sl);
    }
    sl.logRecords.push({
      timeUnixNano: r.time_unix_nano,
      observedTimeUnixNano: r.observed_time_unix_nano,
      severityNumber: r.severity_number,
      severityText: r.severity_text,
      body: anyValue(r.body),
      attributes: keyValues(r.attributes),
      droppedAttributesCount: r.dropped_attributes_count,
      flags: r.flags,
      traceId: r.trace_id,
      spanId: r.span_id,
      eventName: r.event_name,
    });
  }
  return { resourceLogs: [...resources.values()] };
}
