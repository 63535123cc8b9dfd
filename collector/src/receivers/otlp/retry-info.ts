// How an OTLP/gRPC server asks a client to come back later: a google.rpc.Status whose details
// hold a google.rpc.RetryInfo, sent in the `grpc-status-details-bin` trailer (OTLP
// specification, "OTLP/gRPC Throttling": RESOURCE_EXHAUSTED is retried only with RetryInfo).
import { varint } from './responses.ts';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** google.rpc.Status { code = 1; message = 2; details = 3 (Any { type_url = 1; value = 2 }) }. */
export function statusWithRetryInfo(code: number, message: string, retryDelaySeconds: number): Buffer {
  const duration = field(1, Buffer.from(varint(BigInt(retryDelaySeconds))), 0); // Duration { seconds = 1 }
  const retryInfo = field(1, duration); // RetryInfo { retry_delay = 1 }
  const any = Buffer.concat([field(1, Buffer.from(RETRY_INFO_TYPE)), field(2, retryInfo)]);
  return Buffer.concat([field(1, Buffer.from(varint(BigInt(code))), 0), field(2, Buffer.from(message, 'utf8')), field(3, any)]);
}

/** One field: wire type 0 takes `value` as its varint bytes, wire type 2 length-prefixes it. */
function field(n: number, value: Buffer, wire: 0 | 2 = 2): Buffer {
  const key = Buffer.from(varint(BigInt((n << 3) | wire)));
  return wire === 0 ? Buffer.concat([key, value]) : Buffer.concat([key, Buffer.from(varint(BigInt(value.length))), value]);
}
