import type { AnyValue, AttrRow, KeyValue, SpanRow } from '@causeway/schemas';
import type { DecodePath } from './decode-error.ts';

/** What a decoder hands the pipeline: the valid spans, and the ones rejected individually. */
export interface DecodedBatch {
  rows: SpanRow[];
  rejected: number;
  /** why the first span was rejected (partial_success.error_message) */
  rejectionMessage: string;
}

export function emptyBatch(): DecodedBatch {
  return { rows: [], rejected: 0, rejectionMessage: '' };
}

export function reject(batch: DecodedBatch, where: string, why: string): void {
  batch.rejected++;
  if (!batch.rejectionMessage) batch.rejectionMessage = `${where}: ${why}`;
}

export interface Resource {
  attributes: AttrRow[];
  dropped: number;
  serviceName: string;
}

export interface Scope {
  name: string;
  version: string;
  attributes: AttrRow[];
  dropped: number;
}

/** Where a span or log record came from: its resource and scope, and their schema URLs. */
export interface Envelope {
  resource: Resource;
  resourceSchemaUrl: string;
  scope: Scope;
  scopeSchemaUrl: string;
}

/** The row columns every signal fills from its envelope. */
export function envelopeFields(e: Envelope) {
  return {
    service_name: e.resource.serviceName,
    resource_attributes: e.resource.attributes,
    resource_dropped_attributes_count: e.resource.dropped,
    resource_schema_url: e.resourceSchemaUrl,
    scope_name: e.scope.name,
    scope_version: e.scope.version,
    scope_attributes: e.scope.attributes,
    scope_dropped_attributes_count: e.scope.dropped,
    scope_schema_url: e.scopeSchemaUrl,
  };
}

/** Shared by both decoders: how a trace or span id is checked and turned into hex. */
export type IdVerdict = { hex: string } | { invalid: string };

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * A required id (a span's own trace_id/span_id). Empty or all-zero ids are
 * well-formed but invalid spans (rejected via partial_success); any other length
 * is malformed data and fails the whole request.
 */
export function requiredId(hex: string, bytes: number, path: DecodePath, field: string): IdVerdict {
  if (hex.length === 0) return { invalid: `${field} is empty` };
  if (hex.length !== bytes * 2) path.fail(`must be ${bytes} bytes, got ${hex.length / 2}`, field);
  if (hex === (bytes === 16 ? ZERO_TRACE : ZERO_SPAN)) return { invalid: `${field} is all zeroes` };
  return { hex };
}

/** An optional id (parent_span_id, link ids): empty or exactly `bytes` long. */
export function optionalId(hex: string, bytes: number, path: DecodePath, field: string): string {
  if (hex.length !== 0 && hex.length !== bytes * 2) {
    path.fail(`must be empty or ${bytes} bytes, got ${hex.length / 2}`, field);
  }
  return hex;
}

export function serviceNameOf(attributes: AttrRow[]): string {
  for (const a of attributes) if (a.key === 'service.name' && a.type === 'string') return a.str ?? '';
  return '';
}

/** Canonical AnyValue → the typed stored form. */
export function toAttrRow(key: string, v: AnyValue): AttrRow {
  if ('stringValue' in v) return { key, type: 'string', str: v.stringValue };
  if ('intValue' in v) return { key, type: 'int', int: v.intValue };
  if ('doubleValue' in v) return { key, type: 'double', dbl: storedDouble(v.doubleValue) };
  if ('boolValue' in v) return { key, type: 'bool', bool: v.boolValue };
  if ('bytesValue' in v) return { key, type: 'bytes', str: v.bytesValue };
  if ('arrayValue' in v) return { key, type: 'array', str: JSON.stringify(v) };
  if ('kvlistValue' in v) return { key, type: 'kvlist', str: JSON.stringify(v) };
  return { key, type: 'empty' };
}

export function toAttrRows(kvs: KeyValue[]): AttrRow[] {
  return kvs.map((kv) => toAttrRow(kv.key, kv.value));
}

/** A double as OTLP/JSON writes it: NaN and infinities as strings. */
export function jsonDouble(d: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(d)) return d;
  if (Number.isNaN(d)) return 'NaN';
  return d > 0 ? 'Infinity' : '-Infinity';
}

/** ClickHouse reads NaN/inf in JSONEachRow from these spellings. */
function storedDouble(d: number | string): number | string {
  if (typeof d === 'number') return Object.is(d, -0) ? '-0' : d;
  if (d === 'NaN') return 'nan';
  return d === 'Infinity' ? 'inf' : '-inf';
}
