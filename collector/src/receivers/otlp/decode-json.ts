// ExportTraceServiceRequest from OTLP/JSON (protobuf JSON mapping with OTLP's exceptions:
// hex ids, integer enums). lowerCamelCase keys, with the original proto names accepted too
// (as protobuf JSON parsers do); unknown keys ignored; null means "not set".
import { isUtf8 } from 'node:buffer';
import type { AnyValue, AttrRow, EventRow, KeyValue, LinkRow, LogRow, SpanRow } from '@causeway/schemas';
import { DecodeError, MAX_ANYVALUE_DEPTH } from './decode-error.ts';
import { JsonFieldReader, type Obj, describe } from './json-fields.ts';
import {
  type DecodedBatch,
  type Resource,
  type Scope,
  emptyBatch,
  envelopeFields,
  optionalId,
  reject,
  requiredId,
  serviceNameOf,
  toAttrRow,
} from './decoded-batch.ts';
import { parseExactJson } from './exact-json.ts';

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

export function decodeTracesJson(body: Buffer, tenant: string): DecodedBatch {
  const { doc, decoder } = parse(body, tenant);
  return decoder.request(doc);
}

/** ExportLogsServiceRequest from OTLP/JSON. */
export function decodeLogsJson(body: Buffer, tenant: string): LogRow[] {
  const { doc, decoder } = parse(body, tenant);
  return decoder.logsRequest(doc);
}

function parse(body: Buffer, tenant: string): { doc: unknown; decoder: JsonDecoder } {
  // toString would quietly turn invalid bytes into U+FFFD; protobuf strings are rejected for the same fault.
  if (!isUtf8(body)) throw new DecodeError('', 'body is not valid UTF-8 (JSON text must be UTF-8)');
  const text = body.toString('utf8');
  try {
    return { doc: parseExactJson(text), decoder: new JsonDecoder(tenant, SURROGATE_ESCAPE.test(text)) };
  } catch (e) {
    throw new DecodeError('', `body is not valid JSON: ${syntaxProblem((e as Error).message)}`);
  }
}

// UTF-8 text cannot hold a surrogate; only a \uD800-\uDFFF escape can put one in a string.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

class JsonDecoder extends JsonFieldReader {
  readonly batch = emptyBatch();

  constructor(
    private readonly tenant: string,
    /** the text has surrogate escapes, so strings must be checked for unpaired ones */
    surrogates: boolean,
  ) {
    super(surrogates);
  }

  request(doc: unknown): DecodedBatch {
    const root = this.object(doc, 'ExportTraceServiceRequest');
    const rs = this.array(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    this.path.push('resourceSpans');
    rs.forEach((r, i) => {
      this.path.push(i);
      this.resourceSpans(this.object(r, 'ResourceSpans'));
      this.path.pop();
    });
    this.path.pop();
    return this.batch;
  }

  logsRequest(doc: unknown): LogRow[] {
    const root = this.object(doc, 'ExportLogsServiceRequest');
    const out: LogRow[] = [];
    this.path.push('resourceLogs');
    this.array(field(root, 'resourceLogs', 'resource_logs'), 'resourceLogs').forEach((r, i) => {
      this.path.push(i);
      const o = this.object(r, 'ResourceLogs');
      const resource = this.resource(o);
      const resourceSchemaUrl = this.string(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl');
      this.path.push('scopeLogs');
      this.array(field(o, 'scopeLogs', 'scope_logs'), 'scopeLogs').forEach((s, si) => {
        this.path.push(si);
        const so = this.object(s, 'ScopeLogs');
        const scope = this.scope(so);
        const scopeSchemaUrl = this.string(field(so, 'schemaUrl', 'schema_url'), 'schemaUrl');
        out.push(...this.list(field(so, 'logRecords', 'log_records'), 'logRecords', (rec) => this.logRecord(rec, resource, resourceSchemaUrl, scope, scopeSchemaUrl)));
        this.path.pop();
      });
      this.path.pop();
      this.path.pop();
    });
    this.path.pop();
    return out;
  }

  private logRecord(v: unknown, resource: Resource, resourceSchemaUrl: string, scope: Scope, scopeSchemaUrl: string): LogRow {
    const o = this.object(v, 'LogRecord');
    this.path.push('body');
    const body = toAttrRow('', this.anyValue(o.body, 0));
    this.path.pop();
    return {
      tenant: this.tenant,
      trace_id: optionalId(this.hex(field(o, 'traceId', 'trace_id'), 'traceId'), 16, this.path, 'traceId'),
      span_id: optionalId(this.hex(field(o, 'spanId', 'span_id'), 'spanId'), 8, this.path, 'spanId'),
      time_unix_nano: this.uint64(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      observed_time_unix_nano: this.uint64(field(o, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
      severity_number: this.enumValue(field(o, 'severityNumber', 'severity_number'), 'severityNumber', {}),
      severity_text: this.string(field(o, 'severityText', 'severity_text'), 'severityText'),
      event_name: this.string(field(o, 'eventName', 'event_name'), 'eventName'),
      body,
      attributes: this.attributes(o.attributes),
      dropped_attributes_count: this.uint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      flags: this.uint32(o.flags, 'flags'),
      ...envelopeFields({ resource, resourceSchemaUrl, scope, scopeSchemaUrl }),
      redactions: [],
    };
  }

  private resource(o: Obj): Resource {
    const res = this.optObject(o.resource, 'resource');
    this.path.push('resource');
    const attributes = res ? this.attributes(res.attributes) : [];
    const resource: Resource = {
      attributes,
      dropped: res ? this.uint32(field(res, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount') : 0,
      serviceName: serviceNameOf(attributes),
    };
    this.path.pop();
    return resource;
  }

  private scope(o: Obj): Scope {
    const so = this.optObject(o.scope, 'scope');
    this.path.push('scope');
    const scope: Scope = so
      ? {
          name: this.string(so.name, 'name'),
          version: this.string(so.version, 'version'),
          attributes: this.attributes(so.attributes),
          dropped: this.uint32(field(so, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
        }
      : { name: '', version: '', attributes: [], dropped: 0 };
    this.path.pop();
    return scope;
  }

  private resourceSpans(o: Obj): void {
    const resource = this.resource(o);
    const schemaUrl = this.string(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl');
    const scopes = this.array(field(o, 'scopeSpans', 'scope_spans'), 'scopeSpans');
    this.path.push('scopeSpans');
    scopes.forEach((s, i) => {
      this.path.push(i);
      this.scopeSpans(this.object(s, 'ScopeSpans'), resource, schemaUrl);
      this.path.pop();
    });
    this.path.pop();
  }

  private scopeSpans(o: Obj, resource: Resource, resourceSchemaUrl: string): void {
    const scope = this.scope(o);
    const schemaUrl = this.string(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl');
    const spans = this.array(o.spans, 'spans');
    this.path.push('spans');
    spans.forEach((s, i) => {
      this.path.push(i);
      this.span(this.object(s, 'Span'), resource, scope, resourceSchemaUrl, schemaUrl);
      this.path.pop();
    });
    this.path.pop();
  }

  private span(o: Obj, resource: Resource, scope: Scope, resourceSchemaUrl: string, scopeSchemaUrl: string): void {
    const traceId = requiredId(this.hex(field(o, 'traceId', 'trace_id'), 'traceId'), 16, this.path, 'traceId');
    const spanId = requiredId(this.hex(field(o, 'spanId', 'span_id'), 'spanId'), 8, this.path, 'spanId');
    const status = this.optObject(o.status, 'status');
    this.path.push('status');
    const statusCode = status ? this.enumValue(status.code, 'code', STATUS_CODES) : 0;
    const statusMessage = status ? this.string(status.message, 'message') : '';
    this.path.pop();
    const row: SpanRow = {
      tenant: this.tenant,
      trace_id: 'hex' in traceId ? traceId.hex : '',
      span_id: 'hex' in spanId ? spanId.hex : '',
      parent_span_id: optionalId(this.hex(field(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId'), 8, this.path, 'parentSpanId'),
      trace_state: this.string(field(o, 'traceState', 'trace_state'), 'traceState'),
      flags: this.uint32(o.flags, 'flags'),
      name: this.string(o.name, 'name'),
      kind: this.enumValue(o.kind, 'kind', SPAN_KINDS),
      start_time_unix_nano: this.uint64(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
      end_time_unix_nano: this.uint64(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
      attributes: this.attributes(o.attributes),
      dropped_attributes_count: this.uint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      events: this.list(o.events, 'events', (e) => this.event(e)),
      dropped_events_count: this.uint32(field(o, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount'),
      links: this.list(o.links, 'links', (l) => this.link(l)),
      dropped_links_count: this.uint32(field(o, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount'),
      status_code: statusCode,
      status_message: statusMessage,
      ...envelopeFields({ resource, resourceSchemaUrl, scope, scopeSchemaUrl }),
      redactions: [],
    };
    if ('invalid' in traceId) reject(this.batch, this.path.toString(), traceId.invalid);
    else if ('invalid' in spanId) reject(this.batch, this.path.toString(), spanId.invalid);
    else this.batch.rows.push(row);
  }

  private event(v: unknown): EventRow {
    const o = this.object(v, 'Event');
    return {
      time_unix_nano: this.uint64(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      name: this.string(o.name, 'name'),
      attributes: this.attributes(o.attributes),
      dropped_attributes_count: this.uint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
    };
  }

  private link(v: unknown): LinkRow {
    const o = this.object(v, 'Link');
    return {
      trace_id: optionalId(this.hex(field(o, 'traceId', 'trace_id'), 'traceId'), 16, this.path, 'traceId'),
      span_id: optionalId(this.hex(field(o, 'spanId', 'span_id'), 'spanId'), 8, this.path, 'spanId'),
      trace_state: this.string(field(o, 'traceState', 'trace_state'), 'traceState'),
      attributes: this.attributes(o.attributes),
      dropped_attributes_count: this.uint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      flags: this.uint32(o.flags, 'flags'),
    };
  }

  private attributes(v: unknown): AttrRow[] {
    return this.list(v, 'attributes', (kv) => {
      const { key, value } = this.keyValue(kv, 0);
      return toAttrRow(key, value);
    });
  }

  private keyValue(v: unknown, depth: number): KeyValue {
    const o = this.object(v, 'KeyValue');
    const key = this.string(o.key, 'key');
    this.path.push('value');
    const value = this.anyValue(o.value, depth);
    this.path.pop();
    return { key, value };
  }

  private anyValue(v: unknown, depth: number): AnyValue {
    if (v === undefined || v === null) return {};
    if (depth > MAX_ANYVALUE_DEPTH) this.path.fail(`AnyValue nested deeper than ${MAX_ANYVALUE_DEPTH} levels`);
    const o = this.object(v, 'AnyValue');
    let out: AnyValue = {};
    let kinds = 0;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (x === null) continue;
      switch (k) {
        case 'stringValue':
        case 'string_value':
          out = { stringValue: this.string(x, k) };
          break;
        case 'boolValue':
        case 'bool_value':
          if (typeof x !== 'boolean') this.path.fail(`expected true or false, got ${describe(x)}`, k);
          out = { boolValue: x };
          break;
        case 'intValue':
        case 'int_value':
          out = { intValue: this.int64(x, k) };
          break;
        case 'doubleValue':
        case 'double_value':
          out = { doubleValue: this.double(x, k) };
          break;
        case 'bytesValue':
        case 'bytes_value':
          out = { bytesValue: this.base64(x, k) };
          break;
        case 'arrayValue':
        case 'array_value': {
          this.path.push(k);
          const a = this.object(x, 'ArrayValue');
          const values = this.list(a.values, 'values', (e) => this.anyValue(e, depth + 1));
          this.path.pop();
          out = { arrayValue: { values } };
          break;
        }
        case 'kvlistValue':
        case 'kvlist_value': {
          this.path.push(k);
          const l = this.object(x, 'KeyValueList');
          const values = this.list(l.values, 'values', (e) => this.keyValue(e, depth + 1));
          this.path.pop();
          out = { kvlistValue: { values } };
          break;
        }
        default:
          continue; // unknown field
      }
      kinds++;
    }
    if (kinds > 1) this.path.fail('AnyValue sets more than one of its value fields (it is a oneof)');
    return out;
  }
}

function field(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined ? o[snake] : v;
}

/**
 * JSON.parse's reason, minus the excerpt of the input V8 quotes in some messages
 * (`Unexpected token 'x', ..."secret-value x"... is not valid JSON`): never echo the payload.
 * The other messages name only the problem and a position.
 */
function syntaxProblem(message: string): string {
  return / is not valid JSON$/.test(message) ? 'unexpected token (e.g. an unquoted string, or a misspelled true, false or null)' : message;
}
