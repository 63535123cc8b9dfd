// Event-loop health under hostile input: /healthz latency (p50/p99/max) while normal exporters
// send GenAI spans, first alone, then side by side with an adversarial exporter whose every span
// carries a 160 KB attribute from the slowest redaction families. The figure is the adversarial
// p99 (target < 100 ms) and its ratio to the same run's baseline p99; the adversarial requests'
// answers are counted too (every one must be 200: hostile input is stored, redacted, not refused).
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '@causeway/testkit/collector-process.ts';
import { ADVERSARIAL_FAMILIES } from '../src/redaction/adversarial.ts';

export interface LoopLatency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface EventLoopResult {
  baseline: LoopLatency;
  adversarial: LoopLatency;
  normalRequests: [number, number];
  hostileRequests: number;
  hostileStatuses: Record<string, number>;
  hostileBytes: number;
}

const ATTRIBUTE_CHARS = 160_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function latency(ms: number[]): LoopLatency {
  const s = [...ms].sort((a, b) => a - b);
  return { samples: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

/** One OTLP/JSON request: a tool span whose result is `text`. */
function hostileRequest(text: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile-agent' } }] },
        scopeSpans: [
          {
            scope: { name: 'bench' },
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                name: 'execute_tool fetch_page',
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 1_000_000n),
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                  { key: 'gen_ai.tool.name', value: { stringValue: 'fetch_page' } },
                  { key: 'gen_ai.tool.call.result', value: { stringValue: text } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

/** GET `url` every 50 ms until `until` (epoch ms) from a worker thread; the latencies in ms. */
function probe(url: string, until: number): Promise<number[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const ms = [];
      while (Date.now() < workerData.until) {
        const t = performance.now();
        const res = await fetch(workerData.url);
        await res.arrayBuffer();
        ms.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
      parentPort.postMessage(ms);
    })();`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { url, until } });
    w.once('message', (ms: number[]) => {
      resolve(ms);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

export async function benchEventLoop(batches: ReadableSpan[][], o: { seconds: number; concurrency: number; dataDir: string; log: (s: string) => void }): Promise<EventLoopResult> {
  const cw = await startCollector({ dataDir: o.dataDir });
  try {
    const payloads = batches.map((b) => Buffer.from(ProtobufTraceSerializer.serializeRequest(b)!));
    // every adversarial redaction family in turn, each a 160 KB attribute
    const families = Object.entries(ADVERSARIAL_FAMILIES).map(([, make]) => make(ATTRIBUTE_CHARS));
    const hostile = families.map((t) => hostileRequest(t));

    const phase = async (withHostile: boolean): Promise<{ lat: LoopLatency; normal: number; hostile: number; statuses: Record<string, number>; bytes: number }> => {
      const until = Date.now() + o.seconds * 1000;
      let normal = 0;
      let hostileSent = 0;
      let bytes = 0;
      const statuses: Record<string, number> = {};
      const normalSender = async (k: number): Promise<void> => {
        for (let i = k; Date.now() < until; i += o.concurrency) {
          const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/x-protobuf' }, body: new Uint8Array(payloads[i % payloads.length]!) });
          await res.arrayBuffer();
          normal++;
        }
      };
      const hostileSender = async (): Promise<void> => {
        for (let i = 0; Date.now() < until; i++) {
          const body = hostile[i % hostile.length]!;
          const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { ...cw.ingestHeaders, 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          hostileSent++;
          bytes += body.length;
        }
      };
      // The prober runs on a thread of its own: its latencies are the collector's, not this
      // process's event loop, busy with eight exporters' requests.
      const [ms] = await Promise.all([probe(`${cw.apiUrl}/healthz`, until), ...Array.from({ length: o.concurrency }, (_, k) => normalSender(k)), ...(withHostile ? [hostileSender()] : [])]);
      return { lat: latency(ms), normal, hostile: hostileSent, statuses, bytes };
    };

    o.log(`  baseline: ${o.concurrency} normal exporters, ${o.seconds} s…`);
    const base = await phase(false);
    o.log(`  adversarial: the same + one exporter of ${hostile.length} families × ${ATTRIBUTE_CHARS / 1000}k characters, ${o.seconds} s…`);
    const adv = await phase(true);
    return { baseline: base.lat, adversarial: adv.lat, normalRequests: [base.normal, adv.normal], hostileRequests: adv.hostile, hostileStatuses: adv.statuses, hostileBytes: adv.bytes };
  } finally {
    await cw.stop();
  }
}

export function printEventLoop(r: EventLoopResult): string {
  const row = (name: string, l: LoopLatency, requests: number): string => `| ${name} | ${l.samples} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.max.toFixed(1)} | ${requests} |`;
  return [
    '== Event-loop health: /healthz latency while exporters send (ms) ==',
    '| phase | probes | p50 | p99 | max | normal requests |',
    '|---|---:|---:|---:|---:|---:|',
    row('normal exporters only', r.baseline, r.normalRequests[0]),
    row('+ adversarial exporter', r.adversarial, r.normalRequests[1]),
    `  adversarial requests: ${r.hostileRequests} (${(r.hostileBytes / 2 ** 20).toFixed(0)} MiB), answers ${JSON.stringify(r.hostileStatuses)}; p99 adversarial ÷ baseline ${(r.adversarial.p99 / r.baseline.p99).toFixed(2)}; target p99 < 100 ms`,
  ].join('\n');
}
