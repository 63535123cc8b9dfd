// Decode throughput: our protobuf and JSON decoders beside protobufjs reflection and JSON.parse,
// on the same OTLP payloads produced by the real OTel serializers. Each decoder runs in
// interleaved timed rounds; the median round is reported.
import protobuf from 'protobufjs';
import { decodeTracesJson } from '../src/receivers/otlp/decode-json.ts';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { exportTraceServiceRequestType } from './otlp-proto-schema.ts';

export interface DecodeResult {
  name: string;
  encoding: 'protobuf' | 'json';
  mbPerSec: number;
  spansPerSec: number;
}

export interface DecodeReport {
  results: DecodeResult[];
  protoBytes: number;
  jsonBytes: number;
  spans: number;
  longAvailable: boolean;
  /** one span's start_time_unix_nano as each decoder returns it */
  sampleTimestamp: { ours: string; protobufjsLong: string; protobufjsNumber: string };
}

interface Case {
  name: string;
  encoding: 'protobuf' | 'json';
  payloads: Buffer[];
  setup?: () => void;
  /** decodes one payload, returns the number of spans seen */
  decode: (b: Buffer) => number;
}

type PbSpan = { start_time_unix_nano: unknown };
type PbRequest = { resource_spans: { scope_spans: { spans: PbSpan[] }[] }[] };

function countPb(m: protobuf.Message): number {
  let n = 0;
  for (const rs of (m as unknown as PbRequest).resource_spans) for (const ss of rs.scope_spans) n += ss.spans.length;
  return n;
}

const util = protobuf.util as unknown as { Long: unknown };
const LONG = util.Long;

/** protobufjs decodes 64-bit fields to long.js Long objects when `long` is loadable, else to JS numbers. */
function useLong(on: boolean): void {
  util.Long = on ? LONG : null;
  protobuf.configure();
}

export function benchDecode(protoPayloads: Buffer[], jsonPayloads: Buffer[], opts: { roundMs: number; rounds: number; log: (s: string) => void }): DecodeReport {
  const Req = exportTraceServiceRequestType();
  const spans = protoPayloads.reduce((n, b) => n + decodeTracesProto(b, 'default').rows.length, 0);
  const jsonSpans = jsonPayloads.reduce((n, b) => n + decodeTracesJson(b, 'default').rows.length, 0);
  if (jsonSpans !== spans) throw new Error(`JSON and protobuf payloads disagree: ${jsonSpans} vs ${spans} spans`);

  const cases: Case[] = [
    { name: 'decodeTracesProto (Causeway)', encoding: 'protobuf', payloads: protoPayloads, decode: (b) => decodeTracesProto(b, 'default').rows.length },
    {
      name: 'protobufjs reflection, Long',
      encoding: 'protobuf',
      payloads: protoPayloads,
      setup: () => useLong(true),
      decode: (b) => countPb(Req.decode(b)),
    },
    {
      name: 'protobufjs reflection, number',
      encoding: 'protobuf',
      payloads: protoPayloads,
      setup: () => useLong(false),
      decode: (b) => countPb(Req.decode(b)),
    },
    { name: 'decodeTracesJson (Causeway)', encoding: 'json', payloads: jsonPayloads, decode: (b) => decodeTracesJson(b, 'default').rows.length },
    {
      name: 'JSON.parse only (ceiling)',
      encoding: 'json',
      payloads: jsonPayloads,
      decode: (b) => {
        const doc = JSON.parse(b.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
        let n = 0;
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
        return n;
      },
    },
  ];

  // Same span count from every decoder, and the 64-bit sample that shows why exactness matters.
  // (the first span whose timestamp a double cannot hold, if any)
  const first = protoPayloads[0]!;
  const oursAll = decodeTracesProto(first, 'default').rows.map((r) => r.start_time_unix_nano);
  useLong(true);
  const longAll = allSpans(Req.decode(first)).map((s) => String(s.start_time_unix_nano));
  useLong(false);
  const numberAll = allSpans(Req.decode(first)).map((s) => String(s.start_time_unix_nano));
  const k = Math.max(0, numberAll.findIndex((v, i) => v !== oursAll[i]));
  const [ours, viaLong, viaNumber] = [oursAll[k]!, longAll[k]!, numberAll[k]!];
  for (const c of cases) {
    c.setup?.();
    const n = c.payloads.reduce((k, b) => k + c.decode(b), 0); // also the warm-up pass
    if (n !== spans) throw new Error(`${c.name} decoded ${n} spans, expected ${spans}`);
  }

  const rates = new Map<string, { mb: number[]; sp: number[] }>();
  for (let round = 0; round < opts.rounds; round++) {
    for (const c of cases) {
      c.setup?.();
      let bytes = 0;
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      let i = 0;
      while (t - t0 < opts.roundMs) {
        const b = c.payloads[i]!;
        n += c.decode(b);
        bytes += b.length;
        i = (i + 1) % c.payloads.length;
        t = performance.now();
      }
      const s = (t - t0) / 1000;
      const r = rates.get(c.name) ?? { mb: [], sp: [] };
      r.mb.push(bytes / 1e6 / s);
      r.sp.push(n / s);
      rates.set(c.name, r);
    }
    opts.log(`  decode round ${round + 1}/${opts.rounds} done`);
  }
  useLong(true);

  return {
    results: cases.map((c) => ({ name: c.name, encoding: c.encoding, mbPerSec: median(rates.get(c.name)!.mb), spansPerSec: median(rates.get(c.name)!.sp) })),
    protoBytes: protoPayloads.reduce((n, b) => n + b.length, 0),
    jsonBytes: jsonPayloads.reduce((n, b) => n + b.length, 0),
    spans,
    longAvailable: LONG != null,
    sampleTimestamp: { ours, protobufjsLong: viaLong, protobufjsNumber: viaNumber },
  };
}

function allSpans(m: protobuf.Message): PbSpan[] {
  return (m as unknown as PbRequest).resource_spans.flatMap((rs) => rs.scope_spans.flatMap((ss) => ss.spans));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
