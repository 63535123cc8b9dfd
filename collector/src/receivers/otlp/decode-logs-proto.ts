// ExportLogsServiceRequest (opentelemetry/proto/collector/logs/v1) from protobuf bytes, with
// the same checks and exactness as the span decoder, whose resource/scope/AnyValue readers it uses.
import type { LogRow } from '@causeway/schemas';
import { DecodePath } from './decode-error.ts';
import type { Resource, Scope } from './decoded-batch.ts';
import { optionalId, toAttrRow } from './decoded-batch.ts';
import { anyValue, attribute, decodeResource, decodeScope } from './decode-proto.ts';
import { WireReader, WireType as W } from './wire-reader.ts';

export function decodeLogsProto(body: Buffer, tenant: string): LogRow[] {
  const path = new DecodePath();
  const r = new WireReader(body, path);
  const rows: LogRow[] = [];
  let ri = 0;
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, W.LEN, 'resource_logs');
      path.push('resource_logs');
      path.push(ri++);
      resourceLogs(r.message(), tenant, rows);
      path.pop();
      path.pop();
    } else r.skip(tag & 7);
  }
  return rows;
}

function resourceLogs(r: WireReader, tenant: string, out: LogRow[]): void {
  let resource: Resource = { attributes: [], dropped: 0, serviceName: '' };
  let schemaUrl = '';
  const scopes: WireReader[] = [];
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'resource');
        r.path.push('resource');
        resource = decodeResource(r.message());
        r.path.pop();
        break;
      case 2:
        r.expect(tag, W.LEN, 'scope_logs');
        scopes.push(r.message());
        break;
      case 3:
        r.expect(tag, W.LEN, 'schema_url');
        schemaUrl = r.string('schema_url');
        break;
      default:
        r.skip(tag & 7);
    }
  }
  scopes.forEach((s, si) => {
    r.path.push('scope_logs');
    r.path.push(si);
    scopeLogs(s, tenant, resource, schemaUrl, out);
    r.path.pop();
    r.path.pop();
  });
}

function scopeLogs(r: WireReader, tenant: string, resource: Resource, resourceSchemaUrl: string, out: LogRow[]): void {
  let scope: Scope = { name: '', version: '', attributes: [], dropped: 0 };
  let schemaUrl = '';
  const records: WireReader[] = [];
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'scope');
        r.path.push('scope');
        scope = decodeScope(r.message());
        r.path.pop();
        break;
      case 2:
        r.expect(tag, W.LEN, 'log_records');
        records.push(r.message());
        break;
      case 3:
        r.expect(tag, W.LEN, 'schema_url');
        schemaUrl = r.string('schema_url');
        break;
      default:
        r.skip(tag & 7);
    }
  }
  records.forEach((m, i) => {
    r.path.push('log_records');
    r.path.push(i);
    out.push(logRecord(m, tenant, resource, resourceSchemaUrl, scope, schemaUrl));
    r.path.pop();
    r.path.pop();
  });
}

function logRecord(r: WireReader, tenant: string, resource: Resource, resourceSchemaUrl: string, scope: Scope, scopeSchemaUrl: string): LogRow {
  const row: LogRow = {
    tenant,
    trace_id: '',
    span_id: '',
    time_unix_nano: '0',
    observed_time_unix_nano: '0',
    severity_number: 0,
    severity_text: '',
    event_name: '',
    body: { key: '', type: 'empty' },
    attributes: [],
    dropped_attributes_count: 0,
    flags: 0,
    service_name: resource.serviceName,
    resource_attributes: resource.attributes,
    resource_dropped_attributes_count: resource.dropped,
    resource_schema_url: resourceSchemaUrl,
    scope_name: scope.name,
    scope_version: scope.version,
    scope_attributes: scope.attributes,
    scope_dropped_attributes_count: scope.dropped,
    scope_schema_url: scopeSchemaUrl,
    redactions: [],
  };
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.I64, 'time_unix_nano');
        row.time_unix_nano = r.fixed64();
        break;
      case 2:
        r.expect(tag, W.VARINT, 'severity_number');
        row.severity_number = r.int32();
        break;
      case 3:
        r.expect(tag, W.LEN, 'severity_text');
        row.severity_text = r.string('severity_text');
        break;
      case 5:
        r.expect(tag, W.LEN, 'body');
        r.path.push('body');
        row.body = toAttrRow('', anyValue(r.message(), 0));
        r.path.pop();
        break;
      case 6:
        r.expect(tag, W.LEN, 'attributes');
        row.attributes.push(attribute(r, row.attributes.length));
        break;
      case 7:
        r.expect(tag, W.VARINT, 'dropped_attributes_count');
        row.dropped_attributes_count = r.uint32();
        break;
      case 8:
        r.expect(tag, W.I32, 'flags');
        row.flags = r.fixed32();
        break;
      case 9:
        r.expect(tag, W.LEN, 'trace_id');
        row.trace_id = optionalId(r.hex(), 16, r.path, 'trace_id');
        break;
      case 10:
        r.expect(tag, W.LEN, 'span_id');
        row.span_id = optionalId(r.hex(), 8, r.path, 'span_id');
        break;
      case 11:
        r.expect(tag, W.I64, 'observed_time_unix_nano');
        row.observed_time_unix_nano = r.fixed64();
        break;
      case 12:
        r.expect(tag, W.LEN, 'event_name');
        row.event_name = r.string('event_name');
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return row;
}
