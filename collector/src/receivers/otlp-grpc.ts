// OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export and
// …logs.v1.LogsService/Export on @grpc/grpc-js. The request message's bytes go to the same
// protobuf decoders as OTLP/HTTP (the service is defined with pass-through serializers: no
// generated code, no second decoding path), with the same semantics: durable before OK,
// partial_success, gzip (grpc-encoding), the body limit after decompression, the same
// INVALID_ARGUMENT messages, and RESOURCE_EXHAUSTED / UNAVAILABLE with RetryInfo to slow down.
import * as grpc from '@grpc/grpc-js';
import { type IngestConsumer, logsBatch, spansBatch } from '../consumer.ts';
import type { InFlightBytes } from './in-flight.ts';
import { DecodeError } from './otlp/decode-error.ts';
import { decodeLogsProto } from './otlp/decode-logs-proto.ts';
import { decodeTracesProto } from './otlp/decode-proto.ts';
import { exportResponse } from './otlp/responses.ts';
import { statusWithRetryInfo } from './otlp/retry-info.ts';

export interface OtlpGrpcOptions {
  tenant: string;
  /** the largest request message, counted after decompression (grpc-js stops inflating there) */
  maxBodyBytes: number;
  /** the decoded-bytes budget shared with the HTTP receiver (grpc-js has read the message already) */
  inFlight: InFlightBytes;
  log: (msg: string) => void;
  /** PEM certificate chain and private key: serve gRPC over TLS */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * Where credentials will be checked (issue 13: `authorization: Bearer …` in the call's
   * metadata, as the HTTP receiver's Authorization header): throws an Error to refuse the call
   * with UNAUTHENTICATED, before anything is decoded. Unset: every call is accepted.
   */
  authenticate?: (metadata: grpc.Metadata) => void | Promise<void>;
}

export interface OtlpGrpcReceiver {
  /** e.g. http://127.0.0.1:4317 (https:// with TLS), as OTLP/gRPC exporters take it */
  url: string;
  close(): Promise<void>;
}

/** What one request amounts to: how many items, which were rejected, how to store the rest. */
interface Accepted {
  count: number;
  rejected: number;
  rejectionMessage: string;
  consume(): Promise<void>;
}

interface Signal {
  path: string;
  request: string;
  items: string;
  decode(body: Buffer): Accepted;
}

const RETRY_AFTER_SECONDS = 1;
const passThrough = (b: Buffer): Buffer => b;

export async function startOtlpGrpcReceiver(next: IngestConsumer, host: string, port: number, o: OtlpGrpcOptions): Promise<OtlpGrpcReceiver> {
  const signals: Signal[] = [
    {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      request: 'ExportTraceServiceRequest',
      items: 'span(s)',
      decode: (body) => {
        const b = decodeTracesProto(body, o.tenant);
        return { count: b.rows.length, rejected: b.rejected, rejectionMessage: b.rejectionMessage, consume: () => next.consume(spansBatch(b.rows)) };
      },
    },
    {
      path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
      request: 'ExportLogsServiceRequest',
      items: 'log record(s)',
      decode: (body) => {
        const rows = decodeLogsProto(body, o.tenant);
        return { count: rows.length, rejected: 0, rejectionMessage: '', consume: () => next.consume(logsBatch(rows)) };
      },
    },
  ];

  const server = new grpc.Server({
    // grpc-js checks this on the message as framed and again while inflating a compressed one,
    // and answers RESOURCE_EXHAUSTED (not retried: no RetryInfo) beyond it.
    'grpc.max_receive_message_length': o.maxBodyBytes,
  });
  for (const signal of signals) {
    const method: grpc.MethodDefinition<Buffer, Buffer> = {
      path: signal.path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    };
    server.addService({ Export: method }, { Export: exportHandler(next, signal, o) });
  }

  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const credentials = o.tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: o.tls.cert, private_key: o.tls.key }], false) : grpc.ServerCredentials.createInsecure();
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (e, p) => (e ? reject(new Error(`OTLP/gRPC receiver cannot listen on ${address}: ${e.message}`)) : resolve(p))),
  );
  return {
    url: `${o.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Calls in flight finish (their batches become durable and are answered); then it stops.
        const force = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function exportHandler(next: IngestConsumer, signal: Signal, o: OtlpGrpcOptions): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    void (async () => {
      if (o.authenticate) {
        try {
          await o.authenticate(call.metadata);
        } catch (e) {
          return callback({ code: grpc.status.UNAUTHENTICATED, details: (e as Error).message });
        }
      }
      if (!next.accepting) return callback(retryLater(grpc.status.RESOURCE_EXHAUSTED, 'write queue is full; retry later'));

      // The message's bytes count against the shared budget until this call is answered.
      const lease = o.inFlight.lease();
      if (!lease.take(call.request.length)) return callback(retryLater(grpc.status.RESOURCE_EXHAUSTED, 'too many request bytes in flight across all clients; retry later'));
      try {
        let accepted: Accepted;
        try {
          accepted = signal.decode(call.request);
        } catch (e) {
          if (e instanceof DecodeError || e instanceof RangeError) {
            return callback({ code: grpc.status.INVALID_ARGUMENT, details: `invalid ${signal.request} (protobuf): ${e.message}` });
          }
          throw e;
        }
        try {
          await accepted.consume();
        } catch (e) {
          o.log(`could not make ${accepted.count} ${signal.items} durable: ${(e as Error).message}`);
          return callback(retryLater(grpc.status.UNAVAILABLE, `${signal.items} could not be stored; retry later`));
        }
        if (accepted.rejected > 0) o.log(`rejected ${accepted.rejected} invalid ${signal.items}: ${accepted.rejectionMessage}`);
        callback(null, Buffer.from(exportResponse('protobuf', accepted.rejected, accepted.rejectionMessage)));
      } finally {
        lease.release();
      }
    })().catch((e: Error) => {
      o.log(`internal error: ${e.message}`);
      callback({ code: grpc.status.INTERNAL, details: 'internal error' });
    });
  };
}

/** A status the client should retry after RETRY_AFTER_SECONDS (the RetryInfo in its details). */
function retryLater(code: grpc.status, details: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', statusWithRetryInfo(code, details, RETRY_AFTER_SECONDS));
  return { code, details, metadata };
}
