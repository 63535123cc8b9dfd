// OTLP's attribute values (common/v1 KeyValue, AnyValue) from protobuf bytes, shared by the
// span and log decoders. Nested values are read to MAX_ANYVALUE_DEPTH, no deeper.
import type { AnyValue, AttrRow, KeyValue } from '@causeway/schemas';
import { MAX_ANYVALUE_DEPTH } from './decode-error.ts';
import { jsonDouble, toAttrRow } from './decoded-batch.ts';
import { type WireReader, WireType as W } from './wire-reader.ts';

/** One `attributes` entry (a KeyValue message) at the reader's position. */
export function attribute(parent: WireReader, index: number): AttrRow {
  parent.path.push('attributes');
  parent.path.push(index);
  const kv = keyValue(parent.message(), 0);
  parent.path.pop();
  parent.path.pop();
  return toAttrRow(kv.key, kv.value);
}

function keyValue(r: WireReader, depth: number): KeyValue {
  let key = '';
  let value: AnyValue = {};
  while (!r.done) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, W.LEN, 'key');
      key = r.string('key');
    } else if (tag >>> 3 === 2) {
      r.expect(tag, W.LEN, 'value');
      r.path.push('value');
      value = anyValue(r.message(), depth);
      r.path.pop();
    } else r.skip(tag & 7);
  }
  return { key, value };
}

export function anyValue(r: WireReader, depth: number): AnyValue {
  if (depth > MAX_ANYVALUE_DEPTH) r.path.fail(`AnyValue nested deeper than ${MAX_ANYVALUE_DEPTH} levels`);
  let v: AnyValue = {};
  // oneof: the last field on the wire wins, as in every protobuf implementation.
  while (!r.done) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, W.LEN, 'string_value');
        v = { stringValue: r.string('string_value') };
        break;
      case 2:
        r.expect(tag, W.VARINT, 'bool_value');
        v = { boolValue: r.bool() };
        break;
      case 3:
        r.expect(tag, W.VARINT, 'int_value');
        v = { intValue: r.int64() };
        break;
      case 4:
        r.expect(tag, W.I64, 'double_value');
        v = { doubleValue: jsonDouble(r.double()) };
        break;
      case 5: {
        r.expect(tag, W.LEN, 'array_value');
        const values: AnyValue[] = [];
        const a = r.message();
        r.path.push('array_value');
        while (!a.done) {
          const t = a.tag();
          if (t >>> 3 === 1) {
            a.expect(t, W.LEN, 'values');
            r.path.push(values.length);
            values.push(anyValue(a.message(), depth + 1));
            r.path.pop();
          } else a.skip(t & 7);
        }
        r.path.pop();
        v = { arrayValue: { values } };
        break;
      }
      case 6: {
        r.expect(tag, W.LEN, 'kvlist_value');
        const values: KeyValue[] = [];
        const l = r.message();
        r.path.push('kvlist_value');
        while (!l.done) {
          const t = l.tag();
          if (t >>> 3 === 1) {
            l.expect(t, W.LEN, 'values');
            r.path.push(values.length);
            values.push(keyValue(l.message(), depth + 1));
            r.path.pop();
          } else l.skip(t & 7);
        }
        r.path.pop();
        v = { kvlistValue: { values } };
        break;
      }
      case 7:
        r.expect(tag, W.LEN, 'bytes_value');
        v = { bytesValue: r.bytes().toString('base64') };
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return v;
}
