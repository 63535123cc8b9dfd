// One OTLP export request, from its body to the batch it amounts to: decoded by its encoding,
// admitted for the credential that sent it (admit.ts). Both receivers hand requests to a
// RequestDecoder and store the batch it gives back; where the decoding runs is the decoder's
// choice: here (`decodeHere`), or in an ingest worker that also runs the processors
// (workers/in-worker.ts), which keeps the event loop free of it.
import { type IngestBatch, logsBatch, spansBatch } from '../../consumer.ts';
import type { Principal } from '../../auth/principal.ts';
import { admitLogs, admitSpans, submitterOf } from '../admit.ts';
import { decodeLogsJson, decodeTracesJson } from './decode-json.ts';
import { decodeLogsProto } from './decode-logs-proto.ts';
import { decodeTracesProto } from './decode-proto.ts';
import type { Encoding } from './responses.ts';

export interface ExportRequest {
  signal: 'traces' | 'logs';
  encoding: Encoding;
  /** the request body, uncompressed */
  body: Uint8Array;
  /** who sent it: the tenant of every row, the binding its rows must keep */
  who: Principal;
  /** rows dated further ahead of this clock are rejected */
  maxFutureMs: number;
}

/** What a request amounts to: the batch to store, how many items it holds, which were rejected. */
export interface DecodedRequest {
  batch: IngestBatch;
  count: number;
  rejected: number;
  rejectionMessage: string;
}

/**
 * Decodes requests (throws DecodeError or RangeError: 400; BindingError: 403; NotStoredError:
 * decoded, but it could not be processed: 503, retry).
 */
export type RequestDecoder = (r: ExportRequest) => Promise<DecodedRequest>;

/** The request was valid but could not be processed now (e.g. its ingest worker stopped): retry. */
export class NotStoredError extends Error {
  override name = 'NotStoredError';
}

/** Decodes and admits a request on this thread. */
export function decodeRequest(r: ExportRequest): DecodedRequest {
  const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  const { who } = r;
  if (r.signal === 'traces') {
    const b = r.encoding === 'protobuf' ? decodeTracesProto(body, who.tenant) : decodeTracesJson(body, who.tenant);
    const a = admitSpans(who, b.rows, r.maxFutureMs);
    const message = [b.rejectionMessage, a.rejectionMessage].filter(Boolean).join('; ');
    return { batch: spansBatch(who.tenant, submitterOf(who), a.rows), count: a.rows.length, rejected: b.rejected + a.rejected, rejectionMessage: message };
  }
  const a = admitLogs(who, r.encoding === 'protobuf' ? decodeLogsProto(body, who.tenant) : decodeLogsJson(body, who.tenant), r.maxFutureMs);
  return { batch: logsBatch(who.tenant, submitterOf(who), a.rows), count: a.rows.length, rejected: a.rejected, rejectionMessage: a.rejectionMessage };
}

export const decodeHere: RequestDecoder = async (r) => decodeRequest(r);
