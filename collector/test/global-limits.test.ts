// Many slow gzip bodies that withhold their trailer cannot exhaust memory: the decoded bytes all
// OTLP requests hold at once are capped (CAUSEWAY_MAX_INFLIGHT_BYTES); requests beyond it get 429
// with Retry-After, a real exporter still gets through by retrying, and once the slow bodies go
// away a request needing nearly the whole budget is accepted. Nothing acknowledged is lost.
import { request, type ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { TraceResponse } from '@causeway/schemas';
import { expect, it } from 'vitest';
import { getJson, startCollector } from '@causeway/testkit/collector-process.ts';
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

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('caps decoded bytes in flight across requests: slow gzip bodies get 429, memory stays bounded, ingest recovers', async () => {
  const cw = await startCollector({ env: { CAUSEWAY_MAX_INFLIGHT_BYTES: String(CAP) } });
  const auth = (cw as { ingestHeaders?: Record<string, string> }).ingestHeaders ?? {};
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
    let last = 0;
    await until(async () => {
      const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: big });
      last = res.status;
      await res.arrayBuffer();
      return last !== 429;
    }, 'the budget to be released');
    expect(last).toBe(200);

    // Nothing acknowledged is lost.
    await cw.settled();
    for (const spans of [warm, during, after]) {
      const { status, body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${spans[0]!.spanContext().traceId}`);
      expect(status).toBe(200);
      expect(body.spanCount).toBe(spans.length);
    }
  } finally {
    for (const a of attackers) a.destroy();
    await cw.stop();
  }
}, 300_000);
