// OTLP/HTTP receiver: POST /v1/traces and /v1/logs, protobuf or JSON by Content-Type, gzip or identity.
// Status codes and bodies follow the OTLP/HTTP spec; error messages say what was wrong and
// where, and never echo attribute values.
import { Readable } from 'node:stream';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { IngestConsumer } from '../consumer.ts';
import type { IngestAuthResult, IngestAuthenticator } from '../auth/ingest-auth.ts';
import { BindingError } from './admit.ts';
import { DecodeError } from './otlp/decode-error.ts';
import { type DecodedRequest, type ExportRequest, NotStoredError, type RequestDecoder, decodeHere } from './otlp/export-request.ts';
import type { InFlightBytes } from './in-flight.ts';
import { BodyError, readBody } from './otlp/read-body.ts';
import { CONTENT_TYPE, type Encoding, GrpcCode, exportResponse, statusBody } from './otlp/responses.ts';

export interface OtlpHttpOptions {
  /** who is sending: the tenant of every row comes from here, never from the payload */
  authenticate: IngestAuthenticator;
  /** told of every refused request (the access audit) */
  onRefused?: (refusal: Extract<IngestAuthResult, { ok: false }>, req: { path: string; clientAddress: string; userAgent: string }) => void;
  /** spans and log records dated further ahead of this collector's clock are rejected */
  maxFutureMs: number;
  maxBodyBytes: number;
  /** the decoded-bytes budget shared with the gRPC receiver */
  inFlight: InFlightBytes;
  /** where requests are decoded (default: on this thread) */
  decode?: RequestDecoder;
  log: (msg: string) => void;
}

type Ctx = Context<{ Bindings: HttpBindings }>;

interface Signal {
  signal: ExportRequest['signal'];
  request: string;
  items: string;
  rejectedJsonKey: string;
}

const RETRY_AFTER_SECONDS = '1';

export function otlpHttpReceiver(next: IngestConsumer, o: OtlpHttpOptions): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const decode = o.decode ?? decodeHere;

  /** The same rules for every signal: method, content type, backpressure, limits, decoding, durability. */
  const exportRoute = (path: string, signal: Signal): void => {
    app.all(path, async (c) => {
      const enc = encodingOf(c.req.header('content-type'));
      if (c.req.method !== 'POST') {
        discard(c);
        return fail(enc ?? 'json', 405, GrpcCode.UNIMPLEMENTED, `method ${c.req.method} not allowed: OTLP/HTTP export is POST`, { Allow: 'POST' });
      }
      // Before the body is read: an unauthenticated sender costs no decoding.
      const auth = o.authenticate(c.req.header('authorization'));
      if (!auth.ok) {
        discard(c);
        o.onRefused?.(auth, { path, clientAddress: c.env?.incoming?.socket.remoteAddress ?? '', userAgent: c.req.header('user-agent') ?? '' });
        return fail(enc ?? 'json', auth.status, auth.grpcCode, auth.message, auth.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="causeway-otlp"' } : {});
      }
      if (!enc) {
        discard(c);
        const got = c.req.header('content-type');
        return fail('json', 415, GrpcCode.INVALID_ARGUMENT, `unsupported Content-Type ${got ? `"${got.slice(0, 80)}"` : '(none)'}: use application/x-protobuf or application/json`);
      }
      if (!next.accepting) {
        discard(c);
        return fail(enc, 429, GrpcCode.RESOURCE_EXHAUSTED, 'write queue is full; retry later', { 'Retry-After': RETRY_AFTER_SECONDS });
      }
      const declared = Number(c.req.header('content-length') ?? NaN);
      const gzip = !!c.req.header('content-encoding');
      if (!gzip && declared > o.maxBodyBytes) {
        discard(c);
        return fail(enc, 413, GrpcCode.INVALID_ARGUMENT, `body of ${declared} bytes exceeds the limit of ${o.maxBodyBytes} bytes`);
      }

      const notStored = (e: Error, count?: number): Response => {
        o.log(`could not make ${count ?? 'the'} ${signal.items} durable: ${e.message}`);
        return fail(enc, 503, GrpcCode.UNAVAILABLE, `${signal.items} could not be stored; retry later`, { 'Retry-After': RETRY_AFTER_SECONDS });
      };
      // The body's decoded bytes count against the shared budget until this request is answered.
      const lease = o.inFlight.lease();
      try {
        let body: Buffer;
        try {
          body = await readBody(source(c), c.req.header('content-encoding'), o.maxBodyBytes, lease.take);
        } catch (e) {
          if (e instanceof BodyError && e.status === 429) return fail(enc, 429, GrpcCode.RESOURCE_EXHAUSTED, e.message, { 'Retry-After': RETRY_AFTER_SECONDS });
          if (e instanceof BodyError) return fail(enc, e.status, GrpcCode.INVALID_ARGUMENT, e.message);
          throw e;
        }

        let accepted: DecodedRequest;
        try {
          accepted = await decode({ signal: signal.signal, encoding: enc, body, who: auth.principal, maxFutureMs: o.maxFutureMs });
        } catch (e) {
          if (e instanceof DecodeError || e instanceof RangeError) {
            return fail(enc, 400, GrpcCode.INVALID_ARGUMENT, `invalid ${signal.request} (${enc}): ${e.message}`);
          }
          if (e instanceof BindingError) {
            o.onRefused?.(
              { ok: false, status: 403, grpcCode: GrpcCode.PERMISSION_DENIED, reason: 'outside binding', message: e.message, principal: auth.principal },
              { path, clientAddress: c.env?.incoming?.socket.remoteAddress ?? '', userAgent: c.req.header('user-agent') ?? '' },
            );
            return fail(enc, 403, GrpcCode.PERMISSION_DENIED, `${signal.request} refused, nothing stored: ${e.message}`);
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
        return send(enc, 200, exportResponse(enc, accepted.rejected, accepted.rejectionMessage, signal.rejectedJsonKey));
      } finally {
        lease.release();
      }
    });
  };

  exportRoute('/v1/traces', { signal: 'traces', request: 'ExportTraceServiceRequest', items: 'span(s)', rejectedJsonKey: 'rejectedSpans' });
  exportRoute('/v1/logs', { signal: 'logs', request: 'ExportLogsServiceRequest', items: 'log record(s)', rejectedJsonKey: 'rejectedLogRecords' });

  app.notFound((c) => fail(encodingOf(c.req.header('content-type')) ?? 'json', 404, GrpcCode.UNIMPLEMENTED, `no OTLP endpoint at ${c.req.path}: traces go to POST /v1/traces, logs to POST /v1/logs`));
  app.onError((e, c) => {
    o.log(`internal error: ${e.message}`);
    return fail(encodingOf(c.req.header('content-type')) ?? 'json', 500, GrpcCode.INTERNAL, 'internal error');
  });
  return app;
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json') return 'json';
  return undefined;
}

/** The raw request stream: straight from Node when served by @hono/node-server. */
function source(c: Ctx): Readable {
  const incoming = c.env?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream) : Readable.from([]);
}

function discard(c: Ctx): void {
  c.env?.incoming?.resume();
}

function fail(enc: Encoding, status: number, grpc: number, message: string, headers: Record<string, string> = {}): Response {
  return send(enc, status, statusBody(enc, grpc, message), headers);
}

function send(enc: Encoding, status: number, body: Uint8Array | string, headers: Record<string, string> = {}): Response {
  return new Response(body as BodyInit, { status, headers: { 'Content-Type': CONTENT_TYPE[enc], ...headers } });
}
