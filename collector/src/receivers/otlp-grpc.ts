// OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export and
// …logs.v1.LogsService/Export on @grpc/grpc-js. The request message's bytes go to the same
// protobuf decoders as OTLP/HTTP (the service is defined with pass-through serializers: no
// generated code, no second decoding path), with the same semantics: durable before OK,
// partial_success, gzip (grpc-encoding), the body limit after decompression, the same
// INVALID_ARGUMENT messages, and RESOURCE_EXHAUSTED / UNAVAILABLE with RetryInfo to slow down.
// Senders authenticate as over HTTP (`authorization: Bearer <ingest token>` in the call's
// metadata, the same authenticator), and their rows are admitted by the same rules (admit.ts).
import * as grpc from '@grpc/grpc-js';
import type { IngestAuthResult, IngestAuthenticator } from '../auth/ingest-auth.ts';
import type { IngestConsumer } from '../consumer.ts';
import { BindingError } from './admit.ts';
import { listenGrpc } from './grpc-listener.ts';
import type { InFlightBytes } from './in-flight.ts';
import { DecodeError } from './otlp/decode-error.ts';
import { type DecodedRequest, type ExportRequest, NotStoredError, type RequestDecoder, decodeHere } from './otlp/export-request.ts';
import { exportResponse } from './otlp/responses.ts';
import { statusWithRetryInfo } from './otlp/retry-info.ts';

export interface OtlpGrpcOptions {
  /** the largest request message, counted after decompression (grpc-js stops inflating there) */
  maxBodyBytes: number;
  /** the decoded-bytes budget shared with the HTTP receiver (grpc-js has read the message already) */
  inFlight: InFlightBytes;
  log: (msg: string) => void;
  /** PEM certificate chain and private key: serve gRPC over TLS */
  tls?: { cert: Buffer; key: Buffer };
  /** the same authenticator as OTLP/HTTP's, given the call's `authorization` metadata */
  authenticate: IngestAuthenticator;
  onRefused?: (refusal: Extract<IngestAuthResult, { ok: false }>, req: { path: string; clientAddress: string; userAgent: string }) => void;
  /** rows dated further ahead than this are rejected (admit.ts) */
  maxFutureMs: number;
  /** per connection: concurrent calls, idle and total lifetime, keepalive pings (config.ts `grpc`) */
  limits: GrpcLimits;
  /** open connections at most (CAUSEWAY_MAX_CONNECTIONS, as each HTTP server); more are closed on arrival */
  maxConnections: number;
  /** where requests are decoded (default: on this thread) */
  decode?: RequestDecoder;
}

export interface GrpcLimits {
  maxConcurrentStreams: number;
  maxConnectionIdleMs: number;
  maxConnectionAgeMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

export interface OtlpGrpcReceiver {
  /** e.g. http://127.0.0.1:4317 (https:// with TLS), as OTLP/gRPC exporters take it */
  url: string;
  close(): Promise<void>;
}

interface Signal {
  signal: ExportRequest['signal'];
  path: string;
  request: string;
  items: string;
}

const RETRY_AFTER_SECONDS = 1;
/** calls still in flight this long after close are cut */
const FORCE_CLOSE_MS = 10_000;
const passThrough = (b: Buffer): Buffer => b;

export async function startOtlpGrpcReceiver(next: IngestConsumer, host: string, port: number, o: OtlpGrpcOptions): Promise<OtlpGrpcReceiver> {
  const signals: Signal[] = [
    { signal: 'traces', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', request: 'ExportTraceServiceRequest', items: 'span(s)' },
    { signal: 'logs', path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', request: 'ExportLogsServiceRequest', items: 'log record(s)' },
  ];

  const server = new grpc.Server(serverOptions(o.maxBodyBytes, o.limits));
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

  const credentials = o.tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: o.tls.cert, private_key: o.tls.key }], false) : grpc.ServerCredentials.createInsecure();
  const listener = await listenGrpc(server, credentials, host, port, o.maxConnections, o.log);
  return {
    url: `${o.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${listener.port}`,
    close: async () => {
      // Stop accepting first; the listener's close completes once grpc-js has closed its sessions.
      const closed = listener.close(FORCE_CLOSE_MS);
      await new Promise<void>((resolve) => {
        // Calls in flight finish (their batches become durable and are answered); then it stops.
        const force = setTimeout(() => server.forceShutdown(), FORCE_CLOSE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await closed;
    },
  };
}

function exportHandler(next: IngestConsumer, signal: Signal, o: OtlpGrpcOptions): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    void (async () => {
      // Before the message is decoded: an unauthenticated sender costs no decoding.
      const header = call.metadata.get('authorization')[0];
      const auth = o.authenticate(typeof header === 'string' ? header : undefined);
      const peer = (): { path: string; clientAddress: string; userAgent: string } => ({ path: signal.path, clientAddress: call.getPeer(), userAgent: String(call.metadata.get('user-agent')[0] ?? '') });
      if (!auth.ok) {
        o.onRefused?.(auth, peer());
        return callback({ code: auth.grpcCode, details: auth.message });
      }
      if (!next.accepting) return callback(retryLater(grpc.status.RESOURCE_EXHAUSTED, 'write queue is full; retry later'));

      // The message's bytes count against the shared budget until this call is answered.
      const lease = o.inFlight.lease();
      if (!lease.take(call.request.length)) return callback(retryLater(grpc.status.RESOURCE_EXHAUSTED, 'too many request bytes in flight across all clients; retry later'));
      try {
        const notStored = (e: Error, count?: number): void => {
          o.log(`could not make ${count ?? 'the'} ${signal.items} durable: ${e.message}`);
          callback(retryLater(grpc.status.UNAVAILABLE, `${signal.items} could not be stored; retry later`));
        };
        let accepted: DecodedRequest;
        try {
          accepted = await (o.decode ?? decodeHere)({ signal: signal.signal, encoding: 'protobuf', body: call.request, who: auth.principal, maxFutureMs: o.maxFutureMs });
        } catch (e) {
          if (e instanceof DecodeError || e instanceof RangeError) {
            return callback({ code: grpc.status.INVALID_ARGUMENT, details: `invalid ${signal.request} (protobuf): ${e.message}` });
          }
          if (e instanceof BindingError) {
            o.onRefused?.({ ok: false, status: 403, grpcCode: grpc.status.PERMISSION_DENIED, reason: 'outside binding', message: e.message, principal: auth.principal }, peer());
            return callback({ code: grpc.status.PERMISSION_DENIED, details: `${signal.request} refused, nothing stored: ${e.message}` });
          }
          if (e instanceof NotStoredError) return notStored(e);
          throw e;
        }
        try {
          await next.consume(accepted.batch);
        } catch (e) {
          return notStored(e as Error, accepted.count);
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

/**
 * grpc-js leaves every one of these unbounded by default. A connection carries at most
 * `maxConcurrentStreams` calls at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: a conforming
 * client waits for a free stream, one that does not is refused with REFUSED_STREAM); a
 * connection without calls is closed after `maxConnectionIdleMs`, any connection after
 * `maxConnectionAgeMs` (GOAWAY, calls in flight get a grace period); a peer that stops answering
 * keepalive pings is dropped. The message size limit is checked on the message as framed and
 * again while inflating a compressed one: RESOURCE_EXHAUSTED (not retried: no RetryInfo).
 */
export function serverOptions(maxBodyBytes: number, l: GrpcLimits): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': maxBodyBytes,
    'grpc.max_concurrent_streams': l.maxConcurrentStreams,
    'grpc.max_connection_idle_ms': l.maxConnectionIdleMs,
    'grpc.max_connection_age_ms': l.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': GRACE_MS,
    'grpc.keepalive_time_ms': l.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': l.keepaliveTimeoutMs,
  };
}

/** Time calls in flight on a connection past its age get to finish (a 64 MiB batch on a slow link). */
const GRACE_MS = 60_000;
