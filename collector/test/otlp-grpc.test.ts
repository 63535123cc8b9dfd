// The OTLP/gRPC receiver beyond the round trip (otlp-roundtrip.test.ts, logs.test.ts): the same
// answers as OTLP/HTTP for the same bytes, malformed frames and messages answered with the right
// status while the server keeps serving, RetryInfo when the queue is full, nothing acknowledged
// lost on kill -9, and TLS on both receivers. Every call carries the ingest token in its metadata
// (`authorization: Bearer …`), as over HTTP; without one, or outside its binding, nothing is stored.
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Client, Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { HealthResponse, TraceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type CollectorProcess, getJson, startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { grpcMetadata } from '@causeway/testkit/grpc-metadata.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const LIMIT = 256 * 1024;
/** concurrent calls per connection (CAUSEWAY_GRPC_MAX_CONCURRENT_STREAMS) in the shared collector */
const STREAMS = 2;
const OK = 0;

// ---- protobuf by hand: what a client could send, and a reader for what comes back ----

const varint = (n: number): Buffer => {
  const out: number[] = [];
  for (let x = n; ; x = Math.floor(x / 128)) {
    if (x < 128) return Buffer.from([...out, x]);
    out.push((x % 128) | 0x80);
  }
};
const len = (field: number, body: Buffer): Buffer => Buffer.concat([varint((field << 3) | 2), varint(body.length), body]);
/** ExportTraceServiceRequest with one resource, one scope and these spans (trace id, span id, name). */
const traceRequest = (spans: [Buffer, Buffer, string][]): Buffer =>
  len(1, len(2, Buffer.concat(spans.map(([t, s, name]) => len(2, Buffer.concat([len(1, t), len(2, s), len(5, Buffer.from(name))]))))));

type Fields = Map<number, (bigint | Buffer)[]>;
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const readVarint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = Number(readVarint());
    let value: bigint | Buffer;
    if ((key & 7) === 0) value = readVarint();
    else if ((key & 7) === 2) {
      const n = Number(readVarint());
      value = buf.subarray(i, i + n);
      i += n;
    } else throw new Error(`unexpected wire type ${key & 7}`);
    out.set(key >> 3, [...(out.get(key >> 3) ?? []), value]);
  }
  return out;
}

/** A length-prefixed gRPC message frame: compressed flag, u32 length, message. */
function frame(msg: Buffer, compressed = false): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed ? 1 : 0;
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

interface Answer {
  status: number;
  message: string;
  details?: Buffer;
  /** the response message, unframed */
  body: Buffer;
}

/** One gRPC call over raw HTTP/2, as any client (or attacker) may send it. */
function call(url: string, path: string, body: Buffer, headers: Record<string, string> = {}, ca?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, ca ? { ca } : {});
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const meta: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => Object.assign(meta, h));
    req.on('trailers', (t) => Object.assign(meta, t));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      session.close();
      const data = Buffer.concat(chunks);
      const details = meta['grpc-status-details-bin'];
      resolve({
        status: Number(meta['grpc-status']),
        message: decodeURIComponent(String(meta['grpc-message'] ?? '')),
        details: details === undefined ? undefined : Buffer.from(String(details), 'base64'),
        body: data.length >= 5 ? data.subarray(5, 5 + data.readUInt32BE(1)) : Buffer.alloc(0),
      });
    });
    req.end(body);
  });
}

const id = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

describe('OTLP/gRPC receiver', () => {
  let cw: CollectorProcess;
  beforeAll(async () => {
    cw = await startCollector({ env: { CAUSEWAY_MAX_BODY_BYTES: String(LIMIT), CAUSEWAY_GRPC_MAX_CONCURRENT_STREAMS: String(STREAMS) } });
  });
  afterAll(async () => {
    await cw?.stop();
  });

  /** a call with the ingest token, as an exporter configured with OTEL_EXPORTER_OTLP_HEADERS sends it */
  const send = (path: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> => call(cw.otlpGrpcUrl, path, body, { ...cw.ingestHeaders, ...headers });
  const postProto = (body: Buffer): Promise<Response> => fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...cw.ingestHeaders }, body: new Uint8Array(body) });

  it('refuses a call without a token UNAUTHENTICATED, and a token bound to another service PERMISSION_DENIED; nothing is stored', async () => {
    const unsigned = traceRequest([[id(16, 0x5a), id(8, 0x5b), 'no token']]);
    const none = await call(cw.otlpGrpcUrl, TRACES, frame(unsigned));
    expect([none.status, none.message]).toEqual([16, expect.stringMatching(/Authorization: Bearer/)]);
    expect((await call(cw.otlpGrpcUrl, TRACES, frame(unsigned), { authorization: 'Bearer cw_0123456789abcdef_' + 'A'.repeat(43) })).status).toBe(16);
    expect((await call(cw.otlpGrpcUrl, LOGS, frame(Buffer.alloc(0)))).status).toBe(16);
    const anonymous = makeTrace(2, 'grpc-no-token');
    expect(await exportSpans(new GrpcExporter({ url: cw.otlpGrpcUrl, timeoutMillis: 10_000 }), anonymous)).toBe(false);

    // an ingest token bound to billing-agent sending spans of another service, through the real exporter
    const billing = cw.createToken({ tenant: 'default', role: 'ingest', name: 'billing', services: ['billing-agent'] });
    const bound = new GrpcExporter({ url: cw.otlpGrpcUrl, metadata: grpcMetadata({ authorization: `Bearer ${billing}` }), timeoutMillis: 10_000 });
    const forged = makeTrace(3, 'mail-triage-agent');
    expect(await exportSpans(bound, forged)).toBe(false);
    const denied = await call(cw.otlpGrpcUrl, TRACES, frame(unsigned), { authorization: `Bearer ${billing}` }); // no service.name at all: outside the binding too
    expect([denied.status, denied.message]).toEqual([7, expect.stringMatching(/refused, nothing stored/)]);
    // a viewer's key is no ingest token
    const viewer = cw.createToken({ tenant: 'default', role: 'viewer' });
    expect((await call(cw.otlpGrpcUrl, TRACES, frame(unsigned), { authorization: `Bearer ${viewer}` })).status).toBe(7);
    // … while the same token sending its own service is stored
    const own = makeTrace(2, 'billing-agent');
    expect(await exportSpans(bound, own)).toBe(true);
    await cw.settled();
    expect((await cw.getJson<TraceResponse>(`/api/traces/${own[0]!.spanContext().traceId}`)).body.spanCount).toBe(2);
    for (const t of ['5a'.repeat(16), anonymous[0]!.spanContext().traceId, forged[0]!.spanContext().traceId]) expect([t, (await cw.fetch(`/api/traces/${t}`)).status]).toEqual([t, 404]);
  });

  it('answers invalid messages INVALID_ARGUMENT with the HTTP receiver’s message, and partial_success byte for byte as OTLP/HTTP', async () => {
    const badId = traceRequest([[id(5, 1), id(8, 2), 'short trace id']]);
    const grpc = await send(TRACES, frame(badId));
    const http = await postProto(badId);
    const httpStatus = fields(Buffer.from(await http.arrayBuffer()));
    expect(grpc.status).toBe(3);
    expect(grpc.message).toBe('invalid ExportTraceServiceRequest (protobuf): resource_spans[0].scope_spans[0].spans[0].trace_id: must be 16 bytes, got 5');
    expect(grpc.message).toBe((httpStatus.get(2)![0] as Buffer).toString());
    for (const junk of [Buffer.from([0x0a, 0x10, 0x01]), Buffer.from('not a protobuf at all, just text'), Buffer.from([0xff, 0xff, 0xff])]) {
      const a = await send(TRACES, frame(junk));
      expect(a.status, junk.toString('hex')).toBe(3);
      expect(a.message).toMatch(/^invalid ExportTraceServiceRequest \(protobuf\): /);
    }
    expect((await send(LOGS, frame(Buffer.from([0x0a, 0x05, 0x0a])))).message).toMatch(/^invalid ExportLogsServiceRequest \(protobuf\): /);

    // One span stored, one rejected (all-zero trace id): the same ExportTraceServiceResponse bytes.
    const mixed = traceRequest([[id(16, 0xab), id(8, 0xcd), 'kept'], [id(16, 0), id(8, 0xef), 'zero trace id']]);
    const g = await send(TRACES, frame(mixed));
    const h = Buffer.from(await (await postProto(mixed)).arrayBuffer());
    expect(g.status).toBe(OK);
    expect(g.body.equals(h)).toBe(true);
    const partial = fields(fields(g.body).get(1)![0] as Buffer);
    expect(partial.get(1)).toEqual([1n]);
    expect((partial.get(2)![0] as Buffer).toString()).toMatch(/trace_id/);
    await cw.settled();
    expect((await cw.getJson<TraceResponse>(`/api/traces/${'ab'.repeat(16)}`)).body.spanCount).toBe(1);
  });

  it('caps concurrent calls per connection: a client holding every stream open makes its next call wait, not the server', async () => {
    const client = new Client(new URL(cw.otlpGrpcUrl).host, credentials.createInsecure());
    onTestFinished(() => client.close());
    const meta = (): Metadata => {
      const m = new Metadata();
      m.set('authorization', cw.ingestHeaders.authorization!);
      return m;
    };
    const pass = (b: Buffer): Buffer => b;
    // the server announces the cap in its HTTP/2 SETTINGS
    const session = http2.connect(cw.otlpGrpcUrl);
    onTestFinished(() => void session.close());
    await new Promise((r) => session.once('remoteSettings', r));
    expect(session.remoteSettings.maxConcurrentStreams).toBe(STREAMS);
    // connected first: the client knows the server's SETTINGS (its stream cap) before it opens streams
    await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 60_000, (e) => (e ? reject(e) : resolve())));
    const valid = (n: number): Buffer => traceRequest([[id(16, 0x40 + n), id(8, 0x50 + n), `held-${n}`]]);
    // STREAMS calls that open their stream and send nothing yet (a client-streaming call on the unary method)
    const held = Array.from({ length: STREAMS }, () => {
      let done!: (e: ServiceError | null) => void;
      const answered = new Promise<ServiceError | null>((r) => (done = r));
      const stream = client.makeClientStreamRequest(TRACES, pass, pass, meta(), (e) => done(e));
      return { stream, answered };
    });
    // one more call on the same connection, complete: it waits for a free stream
    let third: ServiceError | null | undefined;
    const thirdAnswered = new Promise<void>((r) =>
      client.makeUnaryRequest(TRACES, pass, pass, valid(9), meta(), (e) => {
        third = e;
        r();
      }),
    );
    // meanwhile the server answers other connections, and stores what they sent
    expect((await send(TRACES, frame(valid(8)))).status).toBe(OK);
    await cw.settled();
    expect((await cw.getJson<TraceResponse>(`/api/traces/${id(16, 0x48).toString('hex')}`)).body.spanCount).toBe(1);
    expect(third).toBeUndefined();
    // one held call sends its message: its stream frees, and the waiting call is answered
    held[0]!.stream.write(valid(0));
    held[0]!.stream.end();
    expect(await held[0]!.answered).toBeNull();
    await thirdAnswered;
    expect(third).toBeNull();
    held[1]!.stream.write(valid(1));
    held[1]!.stream.end();
    expect(await held[1]!.answered).toBeNull();
    await cw.settled();
    for (const n of [0, 1, 9]) expect((await cw.getJson<TraceResponse>(`/api/traces/${id(16, 0x40 + n).toString('hex')}`)).body.spanCount).toBe(1);
  });

  it('answers malformed frames with the right status and keeps serving', async () => {
    const valid = traceRequest([[id(16, 0x11), id(8, 0x22), 'framed']]);
    const cases: { what: string; body: Buffer; headers?: Record<string, string>; path?: string; status: number }[] = [
      { what: 'a method that does not exist', body: frame(valid), path: '/opentelemetry.proto.collector.trace.v1.TraceService/Nope', status: 12 },
      { what: 'a service that does not exist', body: frame(valid), path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', status: 12 },
      { what: 'gzip that is not gzip', body: frame(Buffer.from('definitely not gzip'), true), headers: { 'grpc-encoding': 'gzip' }, status: 13 },
      { what: 'an encoding nobody declared', body: frame(gzipSync(valid), true), headers: { 'grpc-encoding': 'snappy' }, status: 12 },
      { what: 'a message over the limit', body: frame(Buffer.alloc(LIMIT + 1)), status: 8 },
      { what: 'a gzip bomb, over the limit once inflated', body: frame(gzipSync(Buffer.alloc(64 << 20)), true), headers: { 'grpc-encoding': 'gzip' }, status: 8 },
      // grpc-js answers a unary call that brought no whole message UNIMPLEMENTED ("Received no request message").
      { what: 'a frame cut short', body: frame(valid).subarray(0, 12), status: 12 },
      { what: 'no message at all', body: Buffer.alloc(0), status: 12 },
    ];
    for (const c of cases) {
      const a = await send(c.path ?? TRACES, c.body, c.headers);
      expect(a.status, `${c.what}: ${a.message}`).toBe(c.status);
    }
    // gzip with grpc-encoding is decoded; the server still answers the real exporter.
    expect((await send(TRACES, frame(gzipSync(valid), true), { 'grpc-encoding': 'gzip' })).status).toBe(OK);
    const spans = makeTrace(4, 'grpc-after-junk');
    expect(await exportSpans(new GrpcExporter({ url: cw.otlpGrpcUrl, metadata: grpcMetadata(cw.ingestHeaders) }), spans)).toBe(true);
    await cw.settled();
    expect((await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`)).body.spanCount).toBe(4);
    expect((await cw.getJson<TraceResponse>(`/api/traces/${'11'.repeat(16)}`)).body.spanCount).toBe(1);
  });
});

it('answers RESOURCE_EXHAUSTED with google.rpc.RetryInfo while the write queue is full, then accepts again', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_PENDING_BYTES: '1', CAUSEWAY_FLUSH_INTERVAL_MS: '1500' } });
  try {
    const req = (n: number): Buffer => frame(traceRequest([[id(16, n), id(8, n), `queued ${n}`]]));
    expect((await call(cw.otlpGrpcUrl, TRACES, req(1), cw.ingestHeaders)).status).toBe(OK);
    const refused = await call(cw.otlpGrpcUrl, TRACES, req(2), cw.ingestHeaders);
    expect([refused.status, refused.message]).toEqual([8, 'write queue is full; retry later']);
    const status = fields(refused.details!);
    expect([status.get(1), (status.get(2)![0] as Buffer).toString()]).toEqual([[8n], 'write queue is full; retry later']);
    const any = fields(status.get(3)![0] as Buffer);
    expect((any.get(1)![0] as Buffer).toString()).toBe('type.googleapis.com/google.rpc.RetryInfo');
    const delay = fields(fields(any.get(2)![0] as Buffer).get(1)![0] as Buffer);
    expect(delay.get(1)).toEqual([1n]); // retry_delay: 1 s
    await cw.settled();
    expect((await call(cw.otlpGrpcUrl, TRACES, req(2), cw.ingestHeaders)).status).toBe(OK);
  } finally {
    await cw.stop();
  }
});

it('loses no span acknowledged over gRPC when the collector is killed with SIGKILL during sustained ingest', async () => {
  const dataDir = tempDataDir();
  const a = await startCollector({ dataDir, env: { CAUSEWAY_FLUSH_INTERVAL_MS: '400' } });
  const exporter = new GrpcExporter({ url: a.otlpGrpcUrl, timeoutMillis: 3000, compression: 'gzip' as never, metadata: grpcMetadata(a.ingestHeaders) });
  const acked: { traceId: string; spanIds: string[] }[] = [];
  let sent = 0;
  let killed = false;
  onTestFinished(async () => {
    killed = true; // the exporting workers stop, and the collector goes, even when a check failed
    await a.kill9();
  });
  const worker = async (): Promise<void> => {
    while (!killed) {
      const spans = makeTrace(40, 'grpc-durability');
      sent++;
      if (await exportSpans(exporter, spans)) acked.push({ traceId: spans[0]!.spanContext().traceId, spanIds: spans.map((s) => s.spanContext().spanId) });
    }
  };
  const workers = Array.from({ length: 6 }, worker);
  for (;;) {
    const h = (await getJson<HealthResponse>(`${a.apiUrl}/healthz`)).body.store;
    if (acked.length >= 60 && h.insertedRows > 0 && h.pendingRows > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await a.kill9();
  killed = true;
  await Promise.all(workers);
  expect(sent).toBeGreaterThan(acked.length);

  const b = await startCollector({ dataDir });
  try {
    await b.settled();
    for (const t of acked) {
      const { status, body } = await b.getJson<TraceResponse>(`/api/traces/${t.traceId}`);
      expect(status, `acknowledged trace ${t.traceId} missing after kill -9`).toBe(200);
      const ids = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.spanId)));
      expect(new Set(ids)).toEqual(new Set(t.spanIds));
    }
  } finally {
    await b.stop();
  }
});

it('serves both OTLP receivers over TLS with CAUSEWAY_TLS_CERT_FILE and CAUSEWAY_TLS_KEY_FILE', async () => {
  const certFile = join(ROOT, 'fixtures/tls/test-only.crt');
  const cert = readFileSync(certFile);
  const cw = await startCollector({ env: { CAUSEWAY_TLS_CERT_FILE: certFile, CAUSEWAY_TLS_KEY_FILE: join(ROOT, 'fixtures/tls/test-only.key') } });
  try {
    expect(cw.otlpUrl).toMatch(/^https:\/\//);
    expect(cw.otlpGrpcUrl).toMatch(/^https:\/\//);
    const overGrpc = makeTrace(3, 'tls-grpc');
    const overHttp = makeTrace(3, 'tls-http');
    const metadata = (): Metadata => grpcMetadata(cw.ingestHeaders);
    expect(await exportSpans(new GrpcExporter({ url: cw.otlpGrpcUrl, credentials: credentials.createSsl(cert), metadata: metadata() }), overGrpc)).toBe(true);
    expect(await exportSpans(new ProtoExporter({ url: `${cw.otlpUrl}/v1/traces`, httpAgentOptions: { ca: cert }, headers: cw.ingestHeaders }), overHttp)).toBe(true);
    // Plaintext gets nowhere, and neither does a client that does not trust the certificate (both with the token).
    expect(await exportSpans(new GrpcExporter({ url: cw.otlpGrpcUrl.replace('https', 'http'), credentials: credentials.createInsecure(), timeoutMillis: 3000, metadata: metadata() }), makeTrace(1))).toBe(false);
    expect(await exportSpans(new GrpcExporter({ url: cw.otlpGrpcUrl, credentials: credentials.createSsl(), timeoutMillis: 3000, metadata: metadata() }), makeTrace(1))).toBe(false);
    expect((await call(cw.otlpGrpcUrl, TRACES, frame(traceRequest([[id(16, 0x77), id(8, 0x77), 'raw tls']])), cw.ingestHeaders, cert)).status).toBe(OK);
    await cw.settled();
    for (const t of [overGrpc, overHttp]) expect((await cw.getJson<TraceResponse>(`/api/traces/${t[0]!.spanContext().traceId}`)).body.spanCount).toBe(3);
  } finally {
    await cw.stop();
  }
});
