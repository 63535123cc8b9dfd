// Many slow gzip bodies that withhold their trailer cannot exhaust memory: the decoded bytes all
// OTLP requests hold at once are capped (CAUSEWAY_MAX_INFLIGHT_BYTES); requests beyond it get 429
// with Retry-After, a real exporter still gets through by retrying, and once the slow bodies go
// away a request needing nearly the whole budget is accepted. Nothing acknowledged is lost.
import { request, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Client, Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { TraceResponse } from '@causeway/schemas';
import { expect, it } from 'vitest';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { exportSpans, makeTrace } from '@causeway/testkit/sdk-spans.ts';

const MiB = 1 << 20;
const CAP = 64 * MiB;
const ATTACKERS = 16;
const ATTACK_BYTES = 48 * MiB; // each fits the 64 MiB body limit; at most one fits the cap

/** A valid ExportTraceServiceRequest padded with an unknown field (skipped by any protobuf reader) to `bytes`. */
function padded(spans: Uint8Array, bytes: number): Buffer {
  const pad = bytes - spans.length - 8;
  const len: number[] = [];
  for (let n = pad; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      len.push(n);
      break;
    }
    len.push((n % 128) | 128);
  }
  return Buffer.concat([Buffer.from([(15 << 3) | 2, ...len]), Buffer.alloc(pad), spans]);
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POSTs a gzip-encoded OTLP protobuf body; the answer's status. */
async function postGzip(otlpUrl: string, auth: Record<string, string>, body: Buffer): Promise<number> {
  const res = await fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

/** Sends `body` until it is no longer refused for the budget (429); its last status. */
async function acceptedOnceReleased(otlpUrl: string, auth: Record<string, string>, body: Buffer): Promise<number> {
  let last = 0;
  await until(async () => (last = await postGzip(otlpUrl, auth, body)) !== 429, 'the budget to be released');
  return last;
}

it('caps decoded bytes in flight across requests: slow gzip bodies get 429, memory stays bounded, ingest recovers', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_INFLIGHT_BYTES: String(CAP) } });
  const auth = cw.ingestHeaders;
  const attackers: ClientRequest[] = [];
  try {
    const warm = makeTrace(3);
    const exporter = new OTLPTraceExporter({ url: `${cw.otlpUrl}/v1/traces`, headers: auth, timeoutMillis: 60_000 });
    expect(await exportSpans(exporter, warm)).toBe(true);
    const baseline = rssBytes(cw.child.pid!);

    // Every attacker sends a whole gzip stream except its 8-byte trailer, then waits.
    const whole = gzipSync(Buffer.alloc(ATTACK_BYTES));
    const withheld = whole.subarray(0, whole.length - 8);
    const answers: { status: number; retryAfter?: string; body: string }[] = [];
    for (let i = 0; i < ATTACKERS; i++) {
      const req = request(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('latin1')));
        res.on('end', () => answers.push({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body }));
      });
      req.on('error', () => {}); // destroyed below
      req.write(withheld);
      attackers.push(req);
    }

    // All but at most one (48 MiB + 48 MiB > 64 MiB) are refused, retryably.
    let peak = 0;
    await until(() => {
      peak = Math.max(peak, rssBytes(cw.child.pid!));
      return answers.length >= ATTACKERS - 1;
    }, `${ATTACKERS - 1} refusals`);
    for (const a of answers) {
      expect(a.status).toBe(429);
      expect(a.retryAfter).toBe('1');
    }
    peak = Math.max(peak, rssBytes(cw.child.pid!));
    // Uncapped, the attackers would hold 16 × 48 MiB = 768 MiB of decoded bytes.
    console.log(`slow-body attack: RSS ${Math.round(baseline / MiB)} MiB before, peak ${Math.round(peak / MiB)} MiB during`);
    expect(peak - baseline).toBeLessThan(256 * MiB);

    // A real exporter still gets through during the attack (it honours 429 + Retry-After).
    const during = makeTrace(5);
    expect(await exportSpans(exporter, during)).toBe(true);

    // The slow bodies go away; a request needing nearly the whole budget is accepted again.
    for (const a of attackers) a.destroy();
    const after = makeTrace(5);
    const big = gzipSync(padded(ProtobufTraceSerializer.serializeRequest(after)!, CAP - MiB));
    expect(await acceptedOnceReleased(cw.otlpUrl, auth, big)).toBe(200);

    // Nothing acknowledged is lost.
    await cw.settled();
    for (const spans of [warm, during, after]) {
      const { status, body } = await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`);
      expect(status).toBe(200);
      expect(body.spanCount).toBe(spans.length);
    }
  } finally {
    for (const a of attackers) a.destroy();
    await cw.stop();
  }
}, 300_000);

/** Opens a raw connection to an http:// URL's host and port and sends `text`. */
function rawSocket(url: string, text: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      socket.write(text);
      resolve({ socket, received: () => got, closed });
    });
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', () => {}); // a reset counts as closed
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('error', reject);
  });
}

it('ends requests whose headers or body do not arrive in time, and gives their budget back', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_INFLIGHT_BYTES: String(CAP), CAUSEWAY_HEADERS_TIMEOUT_MS: '1000', CAUSEWAY_REQUEST_TIMEOUT_MS: '2000' } });
  const auth = cw.ingestHeaders;
  try {
    // Headers that never finish: the server answers 408 and closes.
    const slowHeaders = await rawSocket(cw.otlpUrl, 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-pro');
    await slowHeaders.closed;
    expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408/);

    // A body that never finishes holds 60 MiB of a 64 MiB budget until the request timeout ends it.
    const whole = gzipSync(padded(ProtobufTraceSerializer.serializeRequest(makeTrace(1))!, 60 * MiB));
    let ended = false;
    const slow = request(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } });
    slow.on('error', () => (ended = true));
    slow.on('response', (res) => {
      res.resume();
      res.on('end', () => (ended = true));
    });
    slow.on('close', () => (ended = true));
    slow.write(whole.subarray(0, whole.length - 8));
    await until(() => ended, 'the slow body to be timed out');

    // Its budget is back: a request needing nearly all of it is accepted (retried while the
    // timed-out request is still being unwound).
    const spans = makeTrace(4);
    const big = gzipSync(padded(ProtobufTraceSerializer.serializeRequest(spans)!, 60 * MiB));
    expect(await acceptedOnceReleased(cw.otlpUrl, auth, big)).toBe(200);
    await cw.settled();
    const { body } = await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`);
    expect(body.spanCount).toBe(4);
  } finally {
    await cw.stop();
  }
}, 300_000);

it('closes connections beyond CAUSEWAY_MAX_CONNECTIONS on the OTLP/HTTP and OTLP/gRPC ports and serves again once some close', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_CONNECTIONS: '4' } });
  const auth = cw.ingestHeaders;
  const held: Socket[] = [];
  try {
    // Four connections that send nothing (the default headers timeout, 66 s, keeps them open).
    for (let i = 0; i < 4; i++) held.push((await rawSocket(cw.otlpUrl, '')).socket);
    const fifth = await rawSocket(cw.otlpUrl, 'GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n');
    await fifth.closed;
    expect(fifth.received()).toBe(''); // closed unanswered

    for (const s of held) s.destroy();
    const spans = makeTrace(2);
    const post = async (): Promise<number> => {
      try {
        const res = await fetch(`${cw.otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/x-protobuf' },
          body: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
        });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0; // refused while the server has not yet seen the others close
      }
    };
    let status = 0;
    await until(async () => (status = await post()) !== 0, 'a connection to be served');
    expect(status).toBe(200);

    // The OTLP/gRPC port keeps the same cap: four silent connections are answered with the
    // server's HTTP/2 SETTINGS; a fifth is closed without a byte; a real exporter is served once
    // some close.
    const grpcHeld: Awaited<ReturnType<typeof rawSocket>>[] = [];
    for (let i = 0; i < 4; i++) grpcHeld.push(await rawSocket(cw.otlpGrpcUrl, ''));
    held.push(...grpcHeld.map((h) => h.socket));
    await until(() => grpcHeld.every((h) => h.received().length > 0), 'the gRPC server to greet the held connections');
    const fifthGrpc = await rawSocket(cw.otlpGrpcUrl, '');
    await fifthGrpc.closed;
    expect(fifthGrpc.received()).toBe('');
    for (const s of held) s.destroy();
    const grpcTrace = makeTrace(2);
    let code: number | null = -1;
    await until(async () => {
      const client = new Client(new URL(cw.otlpGrpcUrl).host, credentials.createInsecure());
      try {
        const err = await new Promise<ServiceError | null>((resolve) => {
          const md = new Metadata();
          for (const [k, v] of Object.entries(auth)) md.set(k.toLowerCase(), v);
          client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.from(ProtobufTraceSerializer.serializeRequest(grpcTrace)!), md, { deadline: Date.now() + 30_000 }, (e) => resolve(e));
        });
        code = err ? err.code : null;
      } finally {
        client.close();
      }
      return code !== 14; // UNAVAILABLE while the server has not yet seen the others close
    }, 'a gRPC connection to be served');
    expect(code).toBeNull();
    await cw.settled();
    const traceId = grpcTrace[0]!.spanContext().traceId;
    expect((await cw.getJson<TraceResponse>(`/api/traces/${traceId}`)).body.spanCount).toBe(2);
    // A connection that never becomes an HTTP/2 session does not hold shutdown open.
    const silent = await rawSocket(cw.otlpGrpcUrl, '');
    await cw.stop();
    await silent.closed;
  } finally {
    for (const s of held) s.destroy();
    await cw.stop();
  }
}, 300_000);

it('counts gRPC messages against the same budget: RESOURCE_EXHAUSTED with RetryInfo while HTTP bodies hold it', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_INFLIGHT_BYTES: String(CAP) } });
  const auth = cw.ingestHeaders;
  const client = new Client(new URL(cw.otlpGrpcUrl).host, credentials.createInsecure());
  const grpcExport = (msg: Buffer): Promise<ServiceError | null> =>
    new Promise((resolve) => {
      const md = new Metadata();
      for (const [k, v] of Object.entries(auth)) md.set(k.toLowerCase(), v);
      client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, msg, md, (err) => resolve(err));
    });
  let holder: ClientRequest | undefined;
  try {
    // An HTTP body that never finishes holds 48 MiB of the 64 MiB budget. A 17 MiB probe is
    // accepted until the holder holds more than 47 MiB and refused from then on. A probe in flight
    // while the holder is still growing can get the holder itself refused (that is the budget
    // working): then a new holder is started, until one holds its bytes.
    const whole = gzipSync(padded(ProtobufTraceSerializer.serializeRequest(makeTrace(1))!, ATTACK_BYTES));
    let holderAnswered = true;
    const startHolder = (): ClientRequest => {
      holderAnswered = false;
      const req = request(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } }, (res) => {
        res.resume();
        holderAnswered = true;
      });
      req.on('error', () => {});
      req.write(whole.subarray(0, whole.length - 8));
      return req;
    };
    const probe = gzipSync(padded(ProtobufTraceSerializer.serializeRequest(makeTrace(1))!, 17 * MiB));
    await until(async () => {
      if (holderAnswered) {
        holder?.destroy();
        holder = startHolder();
      }
      return (await postGzip(cw.otlpUrl, auth, probe)) === 429;
    }, 'the slow body to hold its bytes');
    expect(holderAnswered).toBe(false); // the 429 came from the holder's bytes, not a refused holder's leftovers

    const spans = makeTrace(3);
    const message = padded(ProtobufTraceSerializer.serializeRequest(spans)!, 20 * MiB);
    const refused = await grpcExport(message);
    expect(refused?.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(refused?.details).toBe('too many request bytes in flight across all clients; retry later');
    const details = refused!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(details.toString('latin1')).toContain('type.googleapis.com/google.rpc.RetryInfo');

    holder!.destroy();
    let last: ServiceError | null = refused;
    await until(async () => (last = await grpcExport(message)) === null || last.code !== 8, 'the budget to be released');
    expect(last).toBeNull();
    await cw.settled();
    const { body } = await cw.getJson<TraceResponse>(`/api/traces/${spans[0]!.spanContext().traceId}`);
    expect(body.spanCount).toBe(3);
  } finally {
    holder?.destroy();
    client.close();
    await cw.stop();
  }
}, 300_000);
