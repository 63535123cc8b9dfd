// ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) from protobuf bytes.
// Hand-written over WireReader rather than protobufjs: it builds the stored rows directly
// (no intermediate message objects), checks every wire type, keeps 64-bit values exact and
// names the failing element. `npm run bench` compares it with protobufjs on the same payloads.
import type { AttrRow, EventRow, LinkRow, SpanRow } from '@causeway/schemas';
import { DecodePath } from './decode-error.ts';
import {
  type DecodedBatch,
  type Envelope,
  type Resource,
  type Scope,
  emptyBatch,
  envelopeFields,
  optionalId,
  reject,
  requiredId,
  serviceNameOf,
} from './decoded-batch.ts';
import { attribute } from './decode-proto-values.ts';
import { WireReader, WireType as W } from './wire-reader.ts';

export function decodeTracesProto(body: Buffer, tenant: string): DecodedBatch {
  const batch = emptyBatch();
  walkEnvelopes(new WireReader(body, new DecodePath()), SPAN_FIELDS, (m, env) => {
    const row: SpanRow = {
      tenant,
      trace_id: '',
      span_id: '',
      parent_span_id: '',
      trace_state: '',
      flags: 0,
      name: '',
      kind: 0,
      start_time_unix_nano: '0',
      end_time_unix_nano: '0',
      attributes: [],
      dropped_attributes_count: 0,
      events: [],
      dropped_events_count: 0,
      links: [],
      dropped_links_count: 0,
      status_code: 0,
      status_message: '',
      ...envelopeFields(env),
      redactions: [],
    };
    const invalid = span(m, row);
    if (invalid) reject(batch, m.path.toString(), invalid);
    else batch.rows.push(row);
  });
  return batch;
}

export interface EnvelopeFields {
  resourceItems: string;
  scopeItems: string;
  items: string;
}

const SPAN_FIELDS: EnvelopeFields = { resourceItems: 'resource_spans', scopeItems: 'scope_spans', items: 'spans' };

/**
 * Export<Signal>ServiceRequest → Resource<Signal>{resource=1, scope_<items>=2, schema_url=3} →
 * Scope<Signal>{scope=1, <items>=2, schema_url=3}: the same envelope for every signal. Fields may
 * come in any order, so items are decoded once their resource and scope are known.
 */
export function walkEnvelopes(r: WireReader, f: EnvelopeFields, each: (item: WireReader, env: Envelope) => void): void {
  const path = r.path;
  const level = (m: WireReader, first: string, second: string, onFirst: (x: WireReader) => void): { items: WireReader[]; schemaUrl: string } => {
    const items: WireReader[] = [];
    let schemaUrl = '';
    while (!m.done) {
      const tag = m.tag();
      switch (tag >>> 3) {
        case 1:
          m.expect(tag, W.LEN, first);
          path.push(first);
          onFirst(m.message());
          path.pop();
          break;
        case 2:
          m.expect(tag, W.LEN, second);
          items.push(m.message());
          break;
        case 3:
          m.expect(tag, W.LEN, 'schema_url');
          schemaUrl = m.string('schema_url');
          break;
        default:
          m.skip(tag & 7);
      }
    }
    return { items, schemaUrl };
  };
  let ri = 0;
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 !== 1) {
      r.skip(tag & 7);
      continue;
    }
    r.expect(tag, W.LEN, f.resourceItems);
    path.push(f.resourceItems);
    path.push(ri++);
    let resource: Resource = { attributes: [], dropped: 0, serviceName: '' };
    const rl = level(r.message(), 'resource', f.scopeItems, (x) => (resource = decodeResource(x)));
    rl.items.forEach((sm, si) => {
      path.push(f.scopeItems);
      path.push(si);
      let scope: Scope = { name: '', version: '', attributes: [], dropped: 0 };
      const sl = level(sm, 'scope', f.items, (x) => (scope = decodeScope(x)));
      const env: Envelope = { resource, resourceSchemaUrl: rl.schemaUrl, scope, scopeSchemaUrl: sl.schemaUrl };
      sl.items.forEach((item, i) => {
        path.push(f.items);
        path.push(i);
        each(item, env);
        path.pop();
        path.pop();
      });
      path.pop();
      path.pop();
    });
    path.pop();
    path.pop();
  }
}

export function decodeResource(r: WireReader): Resource {
  const attributes: AttrRow[] = [];
  let dropped = 0;
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, W.LEN, 'attributes');
      attributes.push(attribute(r, attributes.length));
    } else if (tag >>> 3 === 2) {
      r.expect(tag, W.VARINT, 'dropped_attributes_count');
      dropped = r.uint32();
    } else r.skip(tag & 7);
  }
  return { attributes, dropped, serviceName: serviceNameOf(attributes) };
}

export function decodeScope(r: WireReader): Scope {
  const s: Scope = { name: '', version: '', attributes: [], dropped: 0 };
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'name');
        s.name = r.string('name');
        break;
      case 2:
        r.expect(tag, W.LEN, 'version');
        s.version = r.string('version');
        break;
      case 3:
        r.expect(tag, W.LEN, 'attributes');
        s.attributes.push(attribute(r, s.attributes.length));
        break;
      case 4:
        r.expect(tag, W.VARINT, 'dropped_attributes_count');
        s.dropped = r.uint32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return s;
}

/** Fills `row`; returns why the span is individually invalid, or undefined. */
function span(r: WireReader, row: SpanRow): string | undefined {
  let traceId = '';
  let spanId = '';
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'trace_id');
        traceId = r.hex();
        break;
      case 2:
        r.expect(tag, W.LEN, 'span_id');
        spanId = r.hex();
        break;
      case 3:
        r.expect(tag, W.LEN, 'trace_state');
        row.trace_state = r.string('trace_state');
        break;
      case 4:
        r.expect(tag, W.LEN, 'parent_span_id');
        row.parent_span_id = optionalId(r.hex(), 8, r.path, 'parent_span_id');
        break;
      case 5:
        r.expect(tag, W.LEN, 'name');
        row.name = r.string('name');
        break;
      case 6:
        r.expect(tag, W.VARINT, 'kind');
        row.kind = r.int32();
        break;
      case 7:
        r.expect(tag, W.I64, 'start_time_unix_nano');
        row.start_time_unix_nano = r.fixed64();
        break;
      case 8:
        r.expect(tag, W.I64, 'end_time_unix_nano');
        row.end_time_unix_nano = r.fixed64();
        break;
      case 9:
        r.expect(tag, W.LEN, 'attributes');
        row.attributes.push(attribute(r, row.attributes.length));
        break;
      case 10:
        r.expect(tag, W.VARINT, 'dropped_attributes_count');
        row.dropped_attributes_count = r.uint32();
        break;
      case 11:
        r.expect(tag, W.LEN, 'events');
        r.path.push('events');
        r.path.push(row.events.length);
        row.events.push(event(r.message()));
        r.path.pop();
        r.path.pop();
        break;
      case 12:
        r.expect(tag, W.VARINT, 'dropped_events_count');
        row.dropped_events_count = r.uint32();
        break;
      case 13:
        r.expect(tag, W.LEN, 'links');
        r.path.push('links');
        r.path.push(row.links.length);
        row.links.push(link(r.message()));
        r.path.pop();
        r.path.pop();
        break;
      case 14:
        r.expect(tag, W.VARINT, 'dropped_links_count');
        row.dropped_links_count = r.uint32();
        break;
      case 15:
        r.expect(tag, W.LEN, 'status');
        r.path.push('status');
        status(r.message(), row);
        r.path.pop();
        break;
      case 16:
        r.expect(tag, W.I32, 'flags');
        row.flags = r.fixed32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  const t = requiredId(traceId, 16, r.path, 'trace_id');
  const s = requiredId(spanId, 8, r.path, 'span_id');
  if ('invalid' in t) return t.invalid;
  if ('invalid' in s) return s.invalid;
  row.trace_id = t.hex;
  row.span_id = s.hex;
  return undefined;
}

function status(r: WireReader, row: SpanRow): void {
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 === 2) {
      r.expect(tag, W.LEN, 'message');
      row.status_message = r.string('message');
    } else if (tag >>> 3 === 3) {
      r.expect(tag, W.VARINT, 'code');
      row.status_code = r.int32();
    } else r.skip(tag & 7);
  }
}

function event(r: WireReader): EventRow {
  const e: EventRow = { time_unix_nano: '0', name: '', attributes: [], dropped_attributes_count: 0 };
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.I64, 'time_unix_nano');
        e.time_unix_nano = r.fixed64();
        break;
      case 2:
        r.expect(tag, W.LEN, 'name');
        e.name = r.string('name');
        break;
      case 3:
        r.expect(tag, W.LEN, 'attributes');
        e.attributes.push(attribute(r, e.attributes.length));
        break;
      case 4:
        r.expect(tag, W.VARINT, 'dropped_attributes_count');
        e.dropped_attributes_count = r.uint32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return e;
}

function link(r: WireReader): LinkRow {
  const l: LinkRow = { trace_id: '', span_id: '', trace_state: '', attributes: [], dropped_attributes_count: 0, flags: 0 };
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'trace_id');
        l.trace_id = optionalId(r.hex(), 16, r.path, 'trace_id');
        break;
      case 2:
        r.expect(tag, W.LEN, 'span_id');
        l.span_id = optionalId(r.hex(), 8, r.path, 'span_id');
        break;
      case 3:
        r.expect(tag, W.LEN, 'trace_state');
        l.trace_state = r.string('trace_state');
        break;
      case 4:
        r.expect(tag, W.LEN, 'attributes');
        l.attributes.push(attribute(r, l.attributes.length));
        break;
      case 5:
        r.expect(tag, W.VARINT, 'dropped_attributes_count');
        l.dropped_attributes_count = r.uint32();
        break;
      case 6:
        r.expect(tag, W.I32, 'flags');
        l.flags = r.fixed32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return l;
}
