// OTLP/HTTP receiver: POST /v1/traces and /v1/logs, protobuf or JSON by Content-Type, gzip or identity.
// Status codes and bodies follow the OTLP/HTTP spec; error messages say what was wrong and
// where, and never echo attribute values.
import { Readable } from 'node:stream';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { LogRow, SpanRow } from '@causeway/schemas';
import { type IngestConsumer, type Submitter, logsBatch, spansBatch } from '../consumer.ts';
import { bindingViolation } from '../auth/binding.ts';
import type { IngestAuthResult, IngestAuthenticator } from '../auth/ingest-auth.ts';
import type { Principal } from '../auth/principal.ts';
import { DecodeError } from './otlp/decode-error.ts';
import { decodeLogsJson, decodeTracesJson } from './otlp/decode-json.ts';
import { decodeLogsProto } from './otlp/decode-logs-proto.ts';
import { decodeTracesProto } from './otlp/decode-proto.ts';
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
  log: (msg: string) => void;
}

type Ctx = Context<{ Bindings: HttpBindings }>;

/** What a decoded request amounts to: how many items, which were rejected, how to store the rest. */
interface Accepted {
  count: number;
  rejected: number;
  rejectionMessage: string;
  consume(): Promise<void>;
}

interface Signal {
  request: string;
  items: string;
  rejectedJsonKey: string;
  decode(body: Buffer, enc: Encoding, who: Principal): Accepted;
}

const RETRY_AFTER_SECONDS = '1';

export function otlpHttpReceiver(next: IngestConsumer, o: OtlpHttpOptions): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();

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

      let body: Buffer;
      try {
        body = await readBody(source(c), c.req.header('content-encoding'), o.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyError) return fail(enc, e.status, GrpcCode.INVALID_ARGUMENT, e.message);
        throw e;
      }

      let accepted: Accepted;
      try {
        accepted = signal.decode(body, enc, auth.principal);
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
        throw e;
      }

      try {
        await accepted.consume();
      } catch (e) {
        o.log(`could not make ${accepted.count} ${signal.items} durable: ${(e as Error).message}`);
        return fail(enc, 503, GrpcCode.UNAVAILABLE, `${signal.items} could not be stored; retry later`, { 'Retry-After': RETRY_AFTER_SECONDS });
      }
      if (accepted.rejected > 0) o.log(`rejected ${accepted.rejected} invalid ${signal.items}: ${accepted.rejectionMessage}`);
      return send(enc, 200, exportResponse(enc, accepted.rejected, accepted.rejectionMessage, signal.rejectedJsonKey));
    });
  };

  exportRoute('/v1/traces', {
    request: 'ExportTraceServiceRequest',
    items: 'span(s)',
    rejectedJsonKey: 'rejectedSpans',
    decode: (body, enc, who) => {
      const b = enc === 'protobuf' ? decodeTracesProto(body, who.tenant) : decodeTracesJson(body, who.tenant);
      const violation = bindingViolation(who, b.rows, 'span');
      if (violation) throw new BindingError(violation);
      const late = notInFuture(b.rows, (r) => laterOf(r.start_time_unix_nano, r.end_time_unix_nano), o.maxFutureMs, 'span', (r) => `${r.trace_id}/${r.span_id}`);
      const rows = stamp(late.kept, who);
      const message = [b.rejectionMessage, late.message].filter(Boolean).join('; ');
      return { count: rows.length, rejected: b.rejected + late.rejected, rejectionMessage: message, consume: () => next.consume(spansBatch(who.tenant, submitter(who), rows)) };
    },
  });
  exportRoute('/v1/logs', {
    request: 'ExportLogsServiceRequest',
    items: 'log record(s)',
    rejectedJsonKey: 'rejectedLogRecords',
    decode: (body, enc, who) => {
      const decoded = enc === 'protobuf' ? decodeLogsProto(body, who.tenant) : decodeLogsJson(body, who.tenant);
      const violation = bindingViolation(who, decoded, 'log record');
      if (violation) throw new BindingError(violation);
      const late = notInFuture(decoded, (r) => laterOf(r.time_unix_nano, r.observed_time_unix_nano), o.maxFutureMs, 'log record', (_, i) => String(i));
      const rows = stamp(late.kept, who);
      return { count: rows.length, rejected: late.rejected, rejectionMessage: late.message, consume: () => next.consume(logsBatch(who.tenant, submitter(who), rows)) };
    },
  });

  app.notFound((c) => fail(encodingOf(c.req.header('content-type')) ?? 'json', 404, GrpcCode.UNIMPLEMENTED, `no OTLP endpoint at ${c.req.path}: traces go to POST /v1/traces, logs to POST /v1/logs`));
  app.onError((e, c) => {
    o.log(`internal error: ${e.message}`);
    return fail(encodingOf(c.req.header('content-type')) ?? 'json', 500, GrpcCode.INTERNAL, 'internal error');
  });
  return app;
}

class BindingError extends Error {}

const submitter = (p: Principal): Submitter => ({ id: p.id, name: p.name });

/** Every row carries who sent it, inside its canonical form (and so its ledger leaf). */
function stamp<R extends SpanRow | LogRow>(rows: R[], p: Principal): R[] {
  if (p.id) {
    for (const r of rows) {
      r.credential_id = p.id;
      r.credential_name = p.name;
    }
  }
  return rows;
}

/**
 * Rows dated more than `maxFutureMs` ahead of this clock are rejected (partial_success), not
 * clamped: evidence is stored as sent or not at all. Such a row would otherwise sort first forever.
 */
function notInFuture<R>(rows: R[], timeOf: (r: R) => string, maxFutureMs: number, item: string, name: (r: R, i: number) => string): { kept: R[]; rejected: number; message: string } {
  const limit = (BigInt(Date.now() + maxFutureMs) * 1_000_000n).toString();
  const kept: R[] = [];
  let first = '';
  let rejected = 0;
  rows.forEach((r, i) => {
    if (decimalGreater(timeOf(r), limit)) {
      rejected++;
      first ||= `${item} ${name(r, i)}: timestamp is more than ${Math.round(maxFutureMs / 1000)} s ahead of the collector's clock`;
    } else kept.push(r);
  });
  return { kept, rejected, message: rejected ? `${rejected} ${item}(s) rejected, e.g. ${first}` : '' };
}

/** Unsigned decimal strings without leading zeros (as the decoders write them): by length, then lexically. */
function decimalGreater(a: string, b: string): boolean {
  return a.length > b.length || (a.length === b.length && a > b);
}

const laterOf = (a: string, b: string): string => (decimalGreater(a, b) ? a : b);

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
