// Test support: the captured library payloads (fixtures/agents/captured) decoded by the
// collector's own OTLP/JSON decoder into the rows the adapters read in production, and small
// SpanRow / LogRow literals for conventions no captured library uses.
import type { AnyValue, AttrRow, EventRow, LogRow, SpanRow } from '@causeway/schemas';
import { loadCaptured } from '../fixtures/agents/captured.ts';
import { SCRIPTS, type ScenarioName } from '../fixtures/agents/scenarios.ts';
import type { Library } from '../fixtures/agents/telemetry.ts';
import { decodeLogsJson, decodeTracesJson } from '../collector/src/receivers/otlp/decode-json.ts';
import { adaptLog, adaptSpan } from '../collector/src/provenance/adapters/index.ts';
import type { ActivityDraft, ArtifactDraft } from '../collector/src/provenance/adapters/types.ts';

const TENANT = 'test';

/** Every span of a captured run, in start order. */
export function capturedSpans(library: Library, scenario: ScenarioName): SpanRow[] {
  const file = loadCaptured(library, scenario, 'traces');
  if (!file) throw new Error(`no captured traces for ${library}/${scenario}`);
  const rows = file.requests.flatMap((r) => decodeTracesJson(Buffer.from(JSON.stringify(r.body)), TENANT).rows);
  return rows.sort((a, b) => Number(BigInt(a.start_time_unix_nano) - BigInt(b.start_time_unix_nano)));
}

/** Every log record of a captured run, in time order. */
export function capturedLogs(library: Library, scenario: ScenarioName): LogRow[] {
  const file = loadCaptured(library, scenario, 'logs');
  if (!file) throw new Error(`no captured logs for ${library}/${scenario}`);
  const rows = file.requests.flatMap((r) => decodeLogsJson(Buffer.from(JSON.stringify(r.body)), TENANT));
  return rows.sort((a, b) => Number(BigInt(a.time_unix_nano) - BigInt(b.time_unix_nano)));
}

export interface Adapted {
  span: SpanRow;
  draft: ActivityDraft;
}

export function adaptRun(library: Library, scenario: ScenarioName): Adapted[] {
  return capturedSpans(library, scenario).map((span) => ({ span, draft: adaptSpan(span) }));
}

/** Log-carried drafts, grouped by the span they belong to (in log order). */
export function adaptRunLogs(library: Library, scenario: ScenarioName): Map<string, ArtifactDraft[]> {
  const bySpan = new Map<string, ArtifactDraft[]>();
  for (const log of capturedLogs(library, scenario)) bySpan.set(log.span_id, [...(bySpan.get(log.span_id) ?? []), ...adaptLog(log)]);
  return bySpan;
}

export function kindCounts(run: Adapted[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { draft } of run) out[draft.kind] = (out[draft.kind] ?? 0) + 1;
  return out;
}

/** The tool calls the scripted model makes in a scenario, in order: what the LLM drafts must show. */
export function scriptedCalls(scenario: ScenarioName): Array<{ toolName: string; callId: string }> {
  return SCRIPTS[scenario].turns.flatMap((t) => (t.kind === 'tool_calls' ? t.calls.map((c) => ({ toolName: c.name, callId: c.id })) : []));
}

/** The tool_request drafts the LLM activities generated, in order. */
export function generatedRequests(drafts: ArtifactDraft[]): Array<{ toolName: string | undefined; callId: string | undefined }> {
  return drafts.filter((a) => a.kind === 'tool_request' && a.relation === 'generated').map((a) => ({ toolName: a.toolName, callId: a.callId }));
}

/** A value as text, for `toContain` checks whatever form (string or parsed JSON) it was passed in. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** JS value → OTLP AnyValue (as an SDK would set it). */
export function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

/** An attribute row as the decoder stores it. */
export function attr(key: string, v: unknown): AttrRow {
  const a = anyValue(v);
  if ('stringValue' in a) return { key, type: 'string', str: a.stringValue };
  if ('boolValue' in a) return { key, type: 'bool', bool: a.boolValue };
  if ('intValue' in a) return { key, type: 'int', int: a.intValue };
  if ('doubleValue' in a) return { key, type: 'double', dbl: a.doubleValue as number };
  if ('arrayValue' in a) return { key, type: 'array', str: JSON.stringify(a) };
  if ('kvlistValue' in a) return { key, type: 'kvlist', str: JSON.stringify(a) };
  return { key, type: 'empty' };
}

export function attrs(o: Record<string, unknown>): AttrRow[] {
  return Object.entries(o).map(([k, v]) => attr(k, v));
}

export function event(name: string, o: Record<string, unknown>): EventRow {
  return { time_unix_nano: '1', name, attributes: attrs(o), dropped_attributes_count: 0 };
}

const ENVELOPE = {
  service_name: 'svc',
  resource_attributes: [],
  resource_dropped_attributes_count: 0,
  resource_schema_url: '',
  scope_name: '',
  scope_version: '',
  scope_attributes: [],
  scope_dropped_attributes_count: 0,
  scope_schema_url: '',
  redactions: [],
};

/** A span row literal: name, attributes (JS values), optional events and overrides. */
export function spanRow(name: string, attributes: Record<string, unknown>, extra: Partial<SpanRow> = {}): SpanRow {
  return {
    ...ENVELOPE,
    tenant: TENANT,
    trace_id: '1'.repeat(32),
    span_id: '2'.repeat(16),
    parent_span_id: '3'.repeat(16),
    trace_state: '',
    flags: 0,
    name,
    kind: 1,
    start_time_unix_nano: '1000',
    end_time_unix_nano: '2000',
    attributes: attrs(attributes),
    dropped_attributes_count: 0,
    events: [],
    dropped_events_count: 0,
    links: [],
    dropped_links_count: 0,
    status_code: 0,
    status_message: '',
    ...extra,
  };
}

/** A log record literal with a body (JS value) and attributes. */
export function logRow(body: unknown, attributes: Record<string, unknown>, extra: Partial<LogRow> = {}): LogRow {
  return {
    ...ENVELOPE,
    tenant: TENANT,
    trace_id: '1'.repeat(32),
    span_id: '2'.repeat(16),
    time_unix_nano: '1000',
    observed_time_unix_nano: '1000',
    severity_number: 9,
    severity_text: '',
    event_name: '',
    body: attr('', body),
    attributes: attrs(attributes),
    dropped_attributes_count: 0,
    flags: 1,
    ...extra,
  };
}
