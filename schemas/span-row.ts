// The stored form of one span: one row of the `spans` table (see sql/001_spans.sql).
// Every OTLP field is kept, typed, so a row converts back to the OTLP JSON it came from.

/** How an AnyValue is stored: scalars in their own typed slot, nested kinds as canonical OTLP JSON. */
export type AttrType = 'empty' | 'string' | 'bool' | 'int' | 'double' | 'bytes' | 'array' | 'kvlist';

export interface AttrRow {
  key: string;
  type: AttrType;
  /** string value; base64 for bytes; canonical OTLP JSON of the AnyValue for array/kvlist */
  str?: string;
  /** int64 as a decimal string (exact) */
  int?: string;
  /** float64; NaN and infinities as 'nan' | 'inf' | '-inf' */
  dbl?: number | string;
  bool?: boolean;
}

export interface EventRow {
  time_unix_nano: string;
  name: string;
  attributes: AttrRow[];
  dropped_attributes_count: number;
}

export interface LinkRow {
  trace_id: string;
  span_id: string;
  trace_state: string;
  attributes: AttrRow[];
  dropped_attributes_count: number;
  flags: number;
}

/** What redaction replaced in a span: which rule, where, how often. Never the value. */
export interface RedactionRecord {
  rule: string;
  /** e.g. `attributes["gen_ai.input.messages"]`, `events[0].attributes["exception.message"]` */
  field: string;
  count: number;
}

/** Columns every stored signal carries: where it came from, and what redaction replaced in it. */
export interface EnvelopeColumns {
  service_name: string;
  resource_attributes: AttrRow[];
  resource_dropped_attributes_count: number;
  resource_schema_url: string;
  scope_name: string;
  scope_version: string;
  scope_attributes: AttrRow[];
  scope_dropped_attributes_count: number;
  scope_schema_url: string;
  redactions: RedactionRecord[];
  /** the ingest credential that sent the row (absent / '' on rows stored before credentials existed) */
  credential_id?: string;
  credential_name?: string;
}

export interface SpanRow extends EnvelopeColumns {
  tenant: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  trace_state: string;
  flags: number;
  name: string;
  kind: number;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes: AttrRow[];
  dropped_attributes_count: number;
  events: EventRow[];
  dropped_events_count: number;
  links: LinkRow[];
  dropped_links_count: number;
  status_code: number;
  status_message: string;
}

/** One OTLP log record as stored (`logs` table). The body is an attribute tuple with an empty key. */
export interface LogRow extends EnvelopeColumns {
  tenant: string;
  trace_id: string;
  span_id: string;
  time_unix_nano: string;
  observed_time_unix_nano: string;
  severity_number: number;
  severity_text: string;
  event_name: string;
  body: AttrRow;
  attributes: AttrRow[];
  dropped_attributes_count: number;
  flags: number;
}
