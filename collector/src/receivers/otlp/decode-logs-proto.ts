// ExportLogsServiceRequest (opentelemetry/proto/collector/logs/v1) from protobuf bytes, with
// the same checks and exactness as the span decoder, whose resource/scope/AnyValue readers it uses.
import type { LogRow } from '@causeway/schemas';
import { DecodePath } from './decode-error.ts';
import { type Envelope, envelopeFields, optionalId, toAttrRow } from './decoded-batch.ts';
import { type EnvelopeFields, walkEnvelopes } from './decode-proto.ts';
import { anyValue, attribute } from './decode-proto-values.ts';
import { WireReader, WireType as W } from './wire-reader.ts';

export function decodeLogsProto(body: Buffer, tenant: string): LogRow[] {
  const rows: LogRow[] = [];
  walkEnvelopes(new WireReader(body, new DecodePath()), LOG_FIELDS, (m, env) => rows.push(logRecord(m, tenant, env)));
  return rows;
}

const LOG_FIELDS: EnvelopeFields = { resourceItems: 'resource_logs', scopeItems: 'scope_logs', items: 'log_records' };

function logRecord(r: WireReader, tenant: string, env: Envelope): LogRow {
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
    ...envelopeFields(env),
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
