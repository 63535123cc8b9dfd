// OTLP/HTTP response bodies, in the request's encoding: ExportTraceServiceResponse on
// success, google.rpc.Status on failure (opentelemetry-proto docs/specification.md).

export type Encoding = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** Export{Trace,Logs}ServiceResponse: partial_success is field 1 with rejected count 1, message 2 in both. */
export function exportResponse(enc: Encoding, rejected: number, errorMessage: string, rejectedJsonKey = 'rejectedSpans'): Uint8Array | string {
  if (enc === 'json') {
    return rejected > 0 || errorMessage
      ? JSON.stringify({ partialSuccess: { [rejectedJsonKey]: String(rejected), errorMessage } })
      : '{}';
  }
  if (rejected === 0 && !errorMessage) return new Uint8Array(0);
  const inner = concat(rejected > 0 ? [varintField(1, BigInt(rejected))] : [], stringField(2, errorMessage));
  return concat([lenPrefix(1, inner)]);
}

/** google.rpc.Status; `code` is the gRPC code matching the HTTP status. */
export function statusBody(enc: Encoding, code: number, message: string): Uint8Array | string {
  if (enc === 'json') return JSON.stringify({ code, message });
  return concat([varintField(1, BigInt(code))], stringField(2, message));
}

/** gRPC status codes that correspond to the HTTP statuses we send (per the OTLP spec mapping). */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** A protobuf varint (two's complement for negatives, as int64 is encoded). */
export function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

function varintField(field: number, v: bigint): Uint8Array {
  return Uint8Array.from([...varint(BigInt(field << 3)), ...varint(v)]);
}

function stringField(field: number, s: string): Uint8Array[] {
  if (!s) return [];
  return [lenPrefix(field, Buffer.from(s, 'utf8'))];
}

function lenPrefix(field: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varint(BigInt((field << 3) | 2)), ...varint(BigInt(body.length))]), body]);
}

function concat(parts: Uint8Array[], more: Uint8Array[] = []): Uint8Array {
  return Buffer.concat([...parts, ...more]);
}
