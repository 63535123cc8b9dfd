// Malformed and hostile OTLP/HTTP requests against a real collector process. Every case pins
// the HTTP status, the response encoding (the request's, JSON when the request has none we
// speak), a google.rpc.Status body whose message names the problem, and - at the end - that
// the collector still works and stored nothing from any rejected request.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { TraceListResponse, TraceResponse } from '@causeway/schemas';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';

const LIMIT = 1 << 20; // CAUSEWAY_MAX_BODY_BYTES for this collector

let cw: CollectorProcess;
beforeAll(async () => {
  cw = await startCollector({ env: { CAUSEWAY_MAX_BODY_BYTES: String(LIMIT) } });
});
afterAll(async () => {
  await cw?.stop();
});

// ---- a tiny protobuf writer: exact bytes, including wrong ones ----

const WT = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, I32: 5 } as const;

function varint(v: number | bigint): Buffer {
  const out: number[] = [];
  let x = BigInt.asUintN(64, BigInt(v));
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return Buffer.from(out);
}
const tag = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);
const msg = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const lenField = (field: number, body: Buffer): Buffer => msg(tag(field, WT.LEN), varint(body.length), body);
const strField = (field: number, s: string): Buffer => lenField(field, Buffer.from(s, 'utf8'));
const varintField = (field: number, v: number | bigint): Buffer => msg(tag(field, WT.VARINT), varint(v));
function fixed64Field(field: number, v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return msg(tag(field, WT.I64), b);
}
function fixed32Field(field: number, v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return msg(tag(field, WT.I32), b);
}

const START_NS = 1_700_000_000_000_000_000n;

/** AnyValue{string_value} */
const pbString = (s: string): Buffer => strField(1, s);
/** KeyValue */
const pbKv = (key: string, anyValue: Buffer): Buffer => msg(strField(1, key), lenField(2, anyValue));

/** A well-formed Span. */
function pbSpan(traceId: string, spanId: string, name: string): Buffer {
  return msg(
    lenField(1, Buffer.from(traceId, 'hex')),
    lenField(2, Buffer.from(spanId, 'hex')),
    strField(5, name),
    varintField(6, 2),
    fixed64Field(7, START_NS),
    fixed64Field(8, START_NS + 1_000_000n),
    lenField(9, pbKv('case.attr', pbString('v'))),
    fixed32Field(16, 0x101),
  );
}
/** A well-formed Span with `extra` fields appended inside it (later fields of a span win or fail). */
function pbSpanWith(traceId: string, spanId: string, name: string, ...extra: Buffer[]): Buffer {
  return msg(pbSpan(traceId, spanId, name), ...extra);
}

/** ExportTraceServiceRequest with one ResourceSpans (service.name) and one ScopeSpans holding `spans` (raw Span bytes). */
function pbRequest(service: string, spans: Buffer[]): Buffer {
  const resource = lenField(1, pbKv('service.name', pbString(service)));
  const scope = strField(1, 'malformed-requests');
  const scopeSpans = msg(lenField(1, scope), ...spans.map((s) => lenField(2, s)));
  return lenField(1, msg(lenField(1, resource), lenField(2, scopeSpans)));
}

// ---- OTLP/JSON builders ----

type Json = Record<string, unknown>;

function jsonSpan(traceId: string, spanId: string, name: string, extra: Json = {}): Json {
  return {
    traceId,
    spanId,
    name,
    kind: 2,
    startTimeUnixNano: String(START_NS),
    endTimeUnixNano: String(START_NS + 1_000_000n),
    attributes: [{ key: 'case.attr', value: { stringValue: 'v' } }],
    ...extra,
  };
}

function jsonRequest(service: string, spans: unknown): Json {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'malformed-requests' }, spans }],
      },
    ],
  };
}

const jsonBody = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc), 'utf8');

// ---- decoding what the collector answers: protobufjs as an independent oracle ----

const proto = protobuf.parse(`
  syntax = "proto3";
  package causeway.test;
  message Status { int32 code = 1; string message = 2; }
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
`).root;
const StatusType = proto.lookupType('causeway.test.Status');
const ExportResponseType = proto.lookupType('causeway.test.ExportTraceServiceResponse');
const TO_OBJECT = { longs: String, defaults: true } as const;

interface RpcStatus {
  code: number;
  message: string;
}

// ---- markers: every rejected request carries spans that would be findable if stored ----

let markerSeq = 0;
const markers: { traceId: string; service: string; caseName: string }[] = [];
/** A distinctive trace id + service.name for one malformed request. */
function marker(caseName: string): { traceId: string; service: string } {
  markerSeq++;
  const m = { traceId: `badc0de0${markerSeq.toString(16).padStart(24, '0')}`, service: `malformed-case-${markerSeq}`, caseName };
  markers.push(m);
  return m;
}
const SPAN_A = '1111111111111111';
const SPAN_B = '2222222222222222';

/** Trace ids of requests that were (partially) accepted: these spans must be stored. */
const ACCEPTED = { protoPartial: 'a11c0de0000000000000000000000001', jsonPartial: 'a11c0de0000000000000000000000002', valid: 'a11c0de00000000000000000000000ff' };

// ---- the table ----

type Enc = 'protobuf' | 'json';
const CT: Record<Enc, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

interface Case {
  name: string;
  method?: string;
  path?: string;
  /** request headers; Content-Type comes from `enc` unless `contentType` overrides it (null: none) */
  enc?: Enc;
  contentType?: string | null;
  headers?: Record<string, string>;
  body?: Buffer | (() => ReadableStream<Uint8Array>);
  status: number;
  /** the response's encoding */
  responseEnc: Enc;
  /** google.rpc.Status code (for error statuses) */
  code?: number;
  /** every regex must match the Status message */
  message?: RegExp[];
  /** substrings the message must not contain (payload values are never echoed) */
  notInMessage?: string[];
  responseHeaders?: Record<string, string>;
  /** extra checks on a 200 response body (already decoded) */
  ok?: (body: { rejectedSpans: string; errorMessage: string } | undefined) => void;
  before?: () => void;
  after?: () => void;
}

const INVALID_ARGUMENT = 3;
const UNIMPLEMENTED = 12;
const P = 'resource_spans\\[0\\]\\.scope_spans\\[0\\]\\.spans';
const J = 'resourceSpans\\[0\\]\\.scopeSpans\\[0\\]\\.spans';
const re = (s: string): RegExp => new RegExp(s);

/** Nests `leaf` (AnyValue bytes) in `depth` array_values. */
function pbNested(depth: number, leaf: Buffer): Buffer {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = lenField(5, lenField(1, v));
  return v;
}
function jsonNested(depth: number, leaf: Json): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { arrayValue: { values: [v] } };
  return v;
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

const SECRET = 'sk-LIVE-4f3c2a1b';
let rssBeforeBomb = 0;

const cases: Case[] = [];
const add = (c: Case): void => void cases.push(c);

// -- protobuf framing and wire format --
{
  const m = marker('truncated protobuf');
  const full = pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]);
  add({
    name: 'protobuf: truncated in the middle of a message',
    enc: 'protobuf',
    body: full.subarray(0, full.length - 7),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [/^invalid ExportTraceServiceRequest \(protobuf\): /, /resource_spans\[0\]: truncated message/, /runs past the end/],
  });
}
{
  const m = marker('wrong wire type');
  add({
    name: 'protobuf: span.name sent as a varint (wrong wire type for a known field)',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), msg(lenField(1, Buffer.from(m.traceId, 'hex')), lenField(2, Buffer.from(SPAN_B, 'hex')), varintField(5, 42))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: field 5 \\(name\\) has wire type VARINT, expected LEN`)],
  });
}
{
  const m = marker('start time as LEN');
  add({
    name: 'protobuf: start_time_unix_nano sent length-delimited instead of fixed64',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', lenField(7, Buffer.alloc(8)))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: field 7 \\(start_time_unix_nano\\) has wire type LEN, expected I64`)],
  });
}
{
  const m = marker('resource_spans as varint');
  add({
    name: 'protobuf: resource_spans (top level) sent as a varint',
    enc: 'protobuf',
    body: msg(pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]), varintField(1, 7)),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [/^invalid ExportTraceServiceRequest \(protobuf\): field 1 \(resource_spans\) has wire type VARINT, expected LEN$/],
  });
}
{
  const m = marker('field number 0');
  add({
    name: 'protobuf: field number 0 inside a span',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', varintField(0, 1))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: invalid field number 0`)],
  });
}
{
  const m = marker('group wire type');
  add({
    name: 'protobuf: deprecated group wire type (SGROUP) on an unknown field',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', tag(99, WT.SGROUP))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: unsupported wire type SGROUP`)],
  });
}
{
  const m = marker('varint too long');
  add({
    name: 'protobuf: 11-byte varint for span.kind',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', tag(6, WT.VARINT), Buffer.from([...Array(10).fill(0xff), 0x01]))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: malformed varint \\(more than 10 bytes\\)`)],
  });
}
{
  const m = marker('length over 32 bits');
  // 2^32 + 16: a reader keeping only the low 32 bits of a length would see a 16-byte trace_id
  const hugeLength = msg(tag(1, WT.LEN), varint((1n << 32n) + 16n), Buffer.from(m.traceId, 'hex'));
  add({
    name: 'protobuf: length prefix of 2^32+16 bytes (must not wrap to 16)',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), msg(hugeLength, lenField(2, Buffer.from(SPAN_B, 'hex')))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: truncated message: length-delimited field of 4294967312 bytes runs past the end`)],
  });
}
{
  const m = marker('tag over 32 bits');
  // 2^32 + 0x0a: its low 32 bits are a valid tag (field 1, LEN), the whole value is not a tag
  const hugeTag = msg(varint((1n << 32n) + 0x0an), varint(16), Buffer.from(m.traceId, 'hex'));
  add({
    name: 'protobuf: tag varint beyond 32 bits (must not wrap to field 1)',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), msg(hugeTag, lenField(2, Buffer.from(SPAN_B, 'hex')))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]: invalid tag at byte \\d+: field number beyond 2\\^29-1`)],
  });
}
{
  const m = marker('invalid utf-8 name');
  add({
    name: 'protobuf: span.name is not valid UTF-8',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), msg(lenField(1, Buffer.from(m.traceId, 'hex')), lenField(2, Buffer.from(SPAN_B, 'hex')), lenField(5, Buffer.from([0x6f, 0x6b, 0xc3, 0x28])))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.name: string field is not valid UTF-8`)],
  });
}
{
  const m = marker('surrogate in attribute key');
  // ED A0 80 is U+D800 encoded as if it were a character (CESU-8): not valid UTF-8
  const badKey = msg(lenField(1, Buffer.from([0x6b, 0xed, 0xa0, 0x80])), lenField(2, pbString('v')));
  add({
    name: 'protobuf: attribute key holds an encoded surrogate (invalid UTF-8)',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', lenField(9, badKey))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.attributes\\[1\\]\\.key: string field is not valid UTF-8`)],
  });
}
{
  const m = marker('invalid utf-8 string_value');
  const badValue = msg(strField(1, 'k'), lenField(2, lenField(1, Buffer.from([0xff, 0xfe]))));
  add({
    name: 'protobuf: attribute string_value is not valid UTF-8',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', lenField(9, badValue))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.attributes\\[1\\]\\.value\\.string_value: string field is not valid UTF-8`)],
  });
}

// -- protobuf ids --
{
  const m = marker('5-byte trace id');
  add({
    name: 'protobuf: trace_id of 5 bytes',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpan('0102030405', SPAN_B, 'bad')]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.trace_id: must be 16 bytes, got 5$`)],
  });
}
{
  const m = marker('9-byte span id');
  add({
    name: 'protobuf: span_id of 9 bytes',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpan(m.traceId, `${SPAN_B}ff`, 'bad')]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.span_id: must be 8 bytes, got 9$`)],
  });
}
{
  const m = marker('3-byte parent span id');
  add({
    name: 'protobuf: parent_span_id of 3 bytes',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', lenField(4, Buffer.from([1, 2, 3])))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.parent_span_id: must be empty or 8 bytes, got 3$`)],
  });
}
{
  const m = marker('protobuf nesting');
  add({
    name: 'protobuf: AnyValue arrays nested 200 deep',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span'), pbSpanWith(m.traceId, SPAN_B, 'bad', lenField(9, pbKv('deep', pbNested(200, pbString('leaf')))))]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`${P}\\[1\\]\\.attributes\\[1\\]\\.value(\\.array_value\\[0\\]){65}: AnyValue nested deeper than 64 levels$`)],
  });
}
add({
  name: 'protobuf: empty body is an empty ExportTraceServiceRequest (200, nothing to store)',
  enc: 'protobuf',
  body: Buffer.alloc(0),
  status: 200,
  responseEnc: 'protobuf',
  ok: (partial) => expect(partial).toBeUndefined(),
});
add({
  name: 'protobuf: one span with an empty trace_id, one valid: 200 with partial_success',
  enc: 'protobuf',
  body: pbRequest('partial-proto', [
    pbSpan(ACCEPTED.protoPartial, SPAN_A, 'kept-span'),
    msg(lenField(2, Buffer.from(SPAN_B, 'hex')), strField(5, 'rejected-span'), fixed64Field(7, START_NS)),
  ]),
  status: 200,
  responseEnc: 'protobuf',
  ok: (partial) => {
    expect(partial?.rejectedSpans).toBe('1');
    expect(partial?.errorMessage).toMatch(re(`^${P}\\[1\\]: trace_id is empty$`));
  },
});

// -- JSON --
add({
  name: 'JSON: syntax error next to an attribute value (the value is not echoed)',
  enc: 'json',
  // V8's own message quotes ~20 characters around the bad token: here, the unquoted secret
  body: Buffer.from(`{"resourceSpans":[{"resource":{"attributes":[{"key":"api.key","value":{"stringValue":${SECRET}}}]}}]}`),
  status: 400,
  responseEnc: 'json',
  code: INVALID_ARGUMENT,
  message: [/^invalid ExportTraceServiceRequest \(json\): body is not valid JSON: unexpected token/],
  notInMessage: ['LIVE', '4f3c', 'stringValue', 'api.key'],
});
{
  const m = marker('json invalid syntax');
  const text = JSON.stringify(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')]));
  add({
    name: 'JSON: truncated document',
    enc: 'json',
    body: Buffer.from(text.slice(0, -3)),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/^invalid ExportTraceServiceRequest \(json\): body is not valid JSON: .*(at position \d+|end of JSON input)$/],
  });
}
add({
  name: 'JSON: empty body is not valid JSON',
  enc: 'json',
  body: Buffer.alloc(0),
  status: 400,
  responseEnc: 'json',
  code: INVALID_ARGUMENT,
  message: [/^invalid ExportTraceServiceRequest \(json\): body is not valid JSON/],
});
{
  const m = marker('json root array');
  add({
    name: 'JSON: the document is an array, not an object',
    enc: 'json',
    body: jsonBody([jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')])]),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/expected a JSON object \(ExportTraceServiceRequest\), got an array/],
  });
}
{
  const m = marker('json invalid utf-8');
  const text = JSON.stringify(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'BAD')]));
  const body = Buffer.from(text);
  const at = body.indexOf('BAD');
  body[at] = 0xc3;
  body[at + 1] = 0x28; // 0xC3 followed by a non-continuation byte
  add({
    name: 'JSON: body is not valid UTF-8',
    enc: 'json',
    body,
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/not valid UTF-8/],
  });
}
{
  const m = marker('json lone surrogate name');
  const text = JSON.stringify(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'LONE')]));
  add({
    name: 'JSON: span name with an unpaired surrogate escape (\\ud800)',
    enc: 'json',
    body: Buffer.from(text.replace('LONE', 'lone \\ud800 high')),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.name: string has an unpaired surrogate escape`)],
  });
}
{
  const m = marker('json lone surrogate key');
  const text = JSON.stringify(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'KEY', value: { stringValue: 'v' } }] })]));
  add({
    name: 'JSON: attribute key with a low surrogate escape and no high one (\\udc00)',
    enc: 'json',
    body: Buffer.from(text.replace('"KEY"', '"k\\udc00\\ud83d"')),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.key: string has an unpaired surrogate escape`)],
  });
}
{
  const m = marker('json 30 hex trace id');
  add({
    name: 'JSON: traceId of 30 hex characters',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId.slice(0, 30), SPAN_B, 'bad')])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.traceId: must be 16 bytes, got 15$`)],
  });
}
{
  const m = marker('json bad hex');
  add({
    name: 'JSON: traceId with non-hex characters',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(`zz${m.traceId.slice(2)}`, SPAN_B, 'bad')])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.traceId: expected a hex-encoded id`)],
  });
}
{
  const m = marker('json base64 id');
  add({
    name: 'JSON: spanId in base64 (protobuf JSON mapping) instead of hex',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, Buffer.from(SPAN_B, 'hex').toString('base64'), 'bad')])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.spanId: expected a hex-encoded id \\(OTLP/JSON ids are hex, not base64\\)`)],
  });
}
{
  const m = marker('json spans object');
  add({
    name: 'JSON: spans is an object, not an array',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, { 0: jsonSpan(m.traceId, SPAN_A, 'ok-span') })),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}: expected an array, got an object$`)],
  });
}
{
  const m = marker('json start time abc');
  add({
    name: 'JSON: startTimeUnixNano is "abc"',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { startTimeUnixNano: 'abc' })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.startTimeUnixNano: expected an unsigned 64-bit integer`)],
  });
}
{
  const m = marker('json negative end time');
  add({
    name: 'JSON: endTimeUnixNano is negative',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { endTimeUnixNano: -5 })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.endTimeUnixNano: expected an unsigned 64-bit integer`), /got a number/],
  });
}
{
  const m = marker('json bool yes');
  add({
    name: 'JSON: boolValue is "yes"',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'b', value: { boolValue: 'yes' } }] })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.value\\.boolValue: expected true or false, got a string of 3 characters$`)],
  });
}
{
  const m = marker('json int64 overflow string');
  add({
    name: 'JSON: intValue "9223372036854775808" (int64 max + 1)',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'n', value: { intValue: '9223372036854775808' } }] })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.value\\.intValue: expected a signed 64-bit integer`)],
  });
}
{
  const m = marker('json int64 overflow number');
  const text = JSON.stringify(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'n', value: { intValue: 0 } }] })]));
  add({
    name: 'JSON: intValue -9223372036854775809 as a bare number (int64 min - 1)',
    enc: 'json',
    body: Buffer.from(text.replace('"intValue":0', '"intValue":-9223372036854775809')),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.value\\.intValue: expected a signed 64-bit integer`)],
  });
}
{
  const m = marker('json kind');
  add({
    name: 'JSON: kind is an unknown enum name',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { kind: 'SPAN_KIND_TELEPATHIC' })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.kind: expected an integer enum value`)],
  });
}
{
  const m = marker('json two-value AnyValue');
  add({
    name: 'JSON: AnyValue with both stringValue and intValue set',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'two', value: { stringValue: 's', intValue: '1' } }] })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.value: AnyValue sets more than one of its value fields`)],
  });
}
{
  const m = marker('json nesting');
  add({
    name: 'JSON: AnyValue arrays nested 200 deep',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span'), jsonSpan(m.traceId, SPAN_B, 'bad', { attributes: [{ key: 'deep', value: jsonNested(200, { stringValue: 'leaf' }) }] })])),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`${J}\\[1\\]\\.attributes\\[0\\]\\.value(\\.arrayValue\\.values\\[0\\]){65}: AnyValue nested deeper than 64 levels$`)],
  });
}
add({
  name: 'JSON: one span with an all-zero traceId, one valid: 200 with partialSuccess',
  enc: 'json',
  // the kept span's attribute holds an escaped surrogate *pair*: valid, and must not be refused
  body: Buffer.from(
    JSON.stringify(
      jsonRequest('partial-json', [jsonSpan('0'.repeat(32), SPAN_A, 'rejected-span'), jsonSpan(ACCEPTED.jsonPartial, SPAN_B, 'kept-span', { attributes: [{ key: 'emoji', value: { stringValue: 'ROCKET' } }] })]),
    ).replace('ROCKET', 'rocket \\ud83d\\ude80'),
  ),
  status: 200,
  responseEnc: 'json',
  ok: (partial) => {
    expect(partial?.rejectedSpans).toBe('1');
    expect(partial?.errorMessage).toMatch(re(`^${J}\\[0\\]: traceId is all zeroes$`));
  },
});

// -- compression and size limits --
{
  const m = marker('gzip lie');
  add({
    name: 'Content-Encoding: gzip on a body that is not gzip',
    enc: 'protobuf',
    headers: { 'Content-Encoding': 'gzip' },
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]),
    status: 400,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [/body is not valid gzip/],
  });
}
{
  const m = marker('truncated gzip');
  const gz = gzipSync(jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')])));
  add({
    name: 'gzip stream cut short',
    enc: 'json',
    headers: { 'Content-Encoding': 'gzip' },
    body: gz.subarray(0, gz.length - 12),
    status: 400,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/body is not valid gzip/, /unexpected end of file/],
  });
}
add({
  name: 'Content-Encoding: gzip with an empty body',
  enc: 'protobuf',
  headers: { 'Content-Encoding': 'gzip' },
  body: Buffer.alloc(0),
  status: 400,
  responseEnc: 'protobuf',
  code: INVALID_ARGUMENT,
  message: [/body is not valid gzip/],
});
{
  const m = marker('gzip bomb');
  // a valid request followed by 50 MiB of zeros: ~50 KB on the wire
  const bomb = gzipSync(msg(pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]), Buffer.alloc(50 << 20)), { level: 9 });
  add({
    name: `gzip bomb: ${Math.round(bomb.length / 1024)} KB that inflate to 50 MiB`,
    enc: 'protobuf',
    headers: { 'Content-Encoding': 'gzip' },
    body: bomb,
    status: 413,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`decompressed body exceeds the limit of ${LIMIT} bytes`)],
    before: () => {
      expect(bomb.length).toBeLessThan(100_000);
      rssBeforeBomb = rssBytes(cw.child.pid!);
    },
    after: () => {
      const growth = rssBytes(cw.child.pid!) - rssBeforeBomb;
      expect(growth).toBeLessThan(200 << 20);
    },
  });
}
{
  const m = marker('over limit');
  // well-formed: a valid span plus an unknown field padding the request past the limit
  const body = msg(pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]), lenField(1000, Buffer.alloc(LIMIT)));
  add({
    name: 'body over the limit, uncompressed (Content-Length)',
    enc: 'protobuf',
    body,
    status: 413,
    responseEnc: 'protobuf',
    code: INVALID_ARGUMENT,
    message: [re(`body of ${body.length} bytes exceeds the limit of ${LIMIT} bytes`)],
  });
}
{
  const m = marker('over limit chunked');
  const head = jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span', { name: 'x'.repeat(LIMIT) })]));
  add({
    name: 'body over the limit, uncompressed and chunked (no Content-Length)',
    enc: 'json',
    body: () =>
      new ReadableStream<Uint8Array>({
        start(ctl) {
          for (let i = 0; i < head.length; i += 64 * 1024) ctl.enqueue(new Uint8Array(head.subarray(i, i + 64 * 1024)));
          ctl.close();
        },
      }),
    status: 413,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [re(`^body exceeds the limit of ${LIMIT} bytes$`)],
  });
}
{
  const m = marker('brotli');
  add({
    name: 'unsupported Content-Encoding: br',
    enc: 'json',
    headers: { 'Content-Encoding': 'br' },
    body: brotliCompressSync(jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')]))),
    status: 415,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/unsupported Content-Encoding "br"/, /gzip/],
  });
}

// -- HTTP level --
{
  const m = marker('text/plain');
  add({
    name: 'Content-Type: text/plain (with a JSON body)',
    contentType: 'text/plain',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')])),
    status: 415,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/unsupported Content-Type "text\/plain"/, /application\/x-protobuf or application\/json/],
  });
}
{
  const m = marker('no content type');
  add({
    name: 'no Content-Type (with a protobuf body)',
    contentType: null,
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]),
    status: 415,
    responseEnc: 'json',
    code: INVALID_ARGUMENT,
    message: [/unsupported Content-Type \(none\)/],
  });
}
add({
  name: 'GET /v1/traces',
  method: 'GET',
  contentType: null,
  status: 405,
  responseEnc: 'json',
  code: UNIMPLEMENTED,
  message: [/method GET not allowed/, /POST/],
  responseHeaders: { allow: 'POST' },
});
{
  const m = marker('PUT');
  add({
    name: 'PUT /v1/traces (protobuf body)',
    method: 'PUT',
    enc: 'protobuf',
    body: pbRequest(m.service, [pbSpan(m.traceId, SPAN_A, 'ok-span')]),
    status: 405,
    responseEnc: 'protobuf',
    code: UNIMPLEMENTED,
    message: [/method PUT not allowed/],
    responseHeaders: { allow: 'POST' },
  });
}
{
  const m = marker('unknown path');
  add({
    name: 'POST /v1/nope (unknown path, JSON body)',
    path: '/v1/nope',
    enc: 'json',
    body: jsonBody(jsonRequest(m.service, [jsonSpan(m.traceId, SPAN_A, 'ok-span')])),
    status: 404,
    responseEnc: 'json',
    code: UNIMPLEMENTED,
    message: [/no OTLP endpoint at \/v1\/nope/, /POST \/v1\/traces/],
  });
}

// ---- running it ----

async function send(c: Case): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  const ct = c.contentType === undefined ? (c.enc ? CT[c.enc] : undefined) : c.contentType;
  if (ct) headers['Content-Type'] = ct;
  const init: RequestInit & { duplex?: 'half' } = { method: c.method ?? 'POST', headers };
  if (typeof c.body === 'function') {
    init.body = c.body();
    init.duplex = 'half';
  } else if (c.body) init.body = new Uint8Array(c.body);
  return fetch(`${cw.otlpUrl}${c.path ?? '/v1/traces'}`, init);
}

function decodeStatus(enc: Enc, raw: Uint8Array): RpcStatus {
  if (enc === 'json') {
    const body = JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'message']);
    expect(typeof body.code).toBe('number');
    expect(typeof body.message).toBe('string');
    return body as unknown as RpcStatus;
  }
  return StatusType.toObject(StatusType.decode(raw), TO_OBJECT) as RpcStatus;
}

function decodeExportResponse(enc: Enc, raw: Uint8Array): { rejectedSpans: string; errorMessage: string } | undefined {
  if (enc === 'json') {
    const body = JSON.parse(Buffer.from(raw).toString('utf8')) as { partialSuccess?: { rejectedSpans: string; errorMessage: string } };
    return body.partialSuccess;
  }
  const o = ExportResponseType.toObject(ExportResponseType.decode(raw), { longs: String }) as {
    partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
  };
  return o.partialSuccess ? { rejectedSpans: o.partialSuccess.rejectedSpans ?? '0', errorMessage: o.partialSuccess.errorMessage ?? '' } : undefined;
}

describe('malformed and hostile OTLP/HTTP requests', () => {
  it('the table is big enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      c.before?.();
      const res = await send(c);
      const raw = new Uint8Array(await res.arrayBuffer());
      const context = `${c.name}: ${res.status} ${Buffer.from(raw).toString('utf8').slice(0, 300)}`;
      expect(res.status, context).toBe(c.status);
      expect(res.headers.get('content-type'), context).toBe(CT[c.responseEnc]);
      for (const [k, v] of Object.entries(c.responseHeaders ?? {})) expect(res.headers.get(k), k).toBe(v);
      if (c.status === 200) {
        c.ok?.(decodeExportResponse(c.responseEnc, raw));
      } else {
        const status = decodeStatus(c.responseEnc, raw);
        expect(status.code, context).toBe(c.code);
        for (const r of c.message ?? []) expect(status.message).toMatch(r);
        for (const s of c.notInMessage ?? []) expect(status.message).not.toContain(s);
        expect(status.message.length).toBeLessThan(2000);
      }
      c.after?.();
      expect(cw.child.exitCode, 'collector process is still running').toBeNull();
    });
  }

  it('afterwards the collector accepts a valid request, and nothing from a rejected request was stored', async () => {
    const valid = pbRequest('valid-after-malformed', [pbSpan(ACCEPTED.valid, SPAN_A, 'valid-span')]);
    const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': CT.protobuf }, body: new Uint8Array(valid) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CT.protobuf);
    expect((await res.arrayBuffer()).byteLength).toBe(0); // ExportTraceServiceResponse with nothing to report

    const health = await cw.settled();
    expect(health.store.lastError).toBeUndefined();

    const list = await getJson<TraceListResponse>(`${cw.apiUrl}/api/traces?limit=1000`);
    expect(list.status).toBe(200);
    const ids = list.body.traces.map((t) => t.traceId).sort();
    expect(ids).toEqual([ACCEPTED.protoPartial, ACCEPTED.jsonPartial, ACCEPTED.valid].sort());
    for (const t of list.body.traces) {
      expect(t.services.some((s) => s.startsWith('malformed-case-'))).toBe(false);
      expect(t.spanCount).toBe(1);
    }

    expect(markers.length).toBeGreaterThanOrEqual(24);
    for (const m of markers) {
      const r = await getJson<{ error: string }>(`${cw.apiUrl}/api/traces/${m.traceId}`);
      expect(r.status, `${m.caseName}: trace ${m.traceId} must not be stored`).toBe(404);
    }

    for (const [id, service, spanId, name] of [
      [ACCEPTED.valid, 'valid-after-malformed', SPAN_A, 'valid-span'],
      [ACCEPTED.protoPartial, 'partial-proto', SPAN_A, 'kept-span'],
      [ACCEPTED.jsonPartial, 'partial-json', SPAN_B, 'kept-span'],
    ] as const) {
      const { status, body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${id}`);
      expect(status).toBe(200);
      expect(body.spanCount).toBe(1);
      const rs = body.resourceSpans[0]!;
      expect(rs.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: service } }]);
      const span = rs.scopeSpans[0]!.spans[0]!;
      expect(span).toMatchObject({ traceId: id, spanId, name, startTimeUnixNano: String(START_NS) });
      if (id === ACCEPTED.jsonPartial) expect(span.attributes).toEqual([{ key: 'emoji', value: { stringValue: 'rocket \u{1F680}' } }]);
    }
  });
});
