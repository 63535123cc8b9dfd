// Spans from the real OpenTelemetry SDK, sent by the real OTLP exporters (HTTP JSON, HTTP
// protobuf and gRPC, with and without gzip), read back through the query API: every field must
// come back equal.
import { trace, context, propagation, SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AnyValue, KeyValue, OtlpSpan, TraceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';

let cw: CollectorProcess;
beforeAll(async () => {
  cw = await startCollector();
});
afterAll(async () => {
  await cw?.stop();
});

// Resource attributes are not sanitized by the SDK, so they carry every AnyValue kind.
const RESOURCE_ATTRS = {
  'service.name': 'roundtrip-agent',
  'str.unicode': 'naïve → ✓ 日本語 🚀',
  'int.neg': -42,
  'int.max_safe': Number.MAX_SAFE_INTEGER,
  'int.min_safe': Number.MIN_SAFE_INTEGER,
  'double.pi': 3.141592653589793,
  'double.tiny': 5e-324,
  'bool.false': false,
  'bytes.v': new Uint8Array([0, 1, 2, 250, 255]),
  'array.mixed': ['a', 1, 2.5, true, [1, [2, 'deep']], { k: 'v' }],
  'array.empty': [],
  'kvlist.nested': { a: 1, b: { c: [true, 'x'], d: { e: 0.25 } }, empty: {} },
  'array.with_empty': ['x', null], // null inside an array is an empty AnyValue
} as Record<string, unknown>;

const t = (sec: number, nanos: number): HrTime => [sec, nanos];

function emitScenario(sdkTracerName: string): void {
  const tracer = trace.getTracerProvider().getTracer(sdkTracerName, '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' });
  const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const root = tracer.startSpan('invoke_agent support-bot', { kind: SpanKind.SERVER, startTime: t(1_700_000_000, 123_456_789) });
  root.setAttributes({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'support-bot',
    'gen_ai.usage.input_tokens': 1234,
    'gen_ai.request.temperature': 0.7,
    'gen_ai.request.stream': true,
    'gen_ai.request.stop_sequences': ['\n\n', 'END'],
    'int.array': [1, -2, 3],
    'double.array': [0.5, 1.5],
    'bool.array': [true, false],
    'empty.string': '',
  });
  const ctx = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, startTime: t(1_700_000_000, 200_000_001), links: [{ context: linked, attributes: { 'link.reason': 'retry-of', 'link.n': 7 } }] }, ctx);
  llm.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Export the customers table.' }] }]));
  llm.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'Export the customers table.', n: 1 }, t(1_700_000_000, 250_000_002));
  llm.addEvent('no-attrs', t(1_700_000_000, 260_000_003));
  llm.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited: 429' });
  llm.recordException(new Error('boom'), t(1_700_000_000, 270_000_004));
  llm.end(t(1_700_000_000, 300_000_005));
  for (let i = 0; i < 3; i++) {
    const tool = tracer.startSpan(`execute_tool step-${i}`, { kind: SpanKind.INTERNAL, startTime: t(1_700_000_001, i) }, ctx);
    tool.setAttribute('gen_ai.tool.call.id', `call_${i}`);
    for (let k = 0; k < 12; k++) tool.setAttribute(`extra.${k}`, k); // over the limit: dropped_attributes_count
    for (let e = 0; e < 6; e++) tool.addEvent(`ev${e}`, { a: e, b: 'x', c: true, d: 1.5, e: 'over' }, t(1_700_000_001, 1000 + e)); // over event + per-event attribute limits
    tool.setStatus({ code: SpanStatusCode.OK });
    tool.end(t(1_700_000_001, 999_999_999));
  }
  const producer = tracer.startSpan('publish', { kind: SpanKind.PRODUCER, startTime: t(1_700_000_002, 0) }, ctx);
  producer.end(t(1_700_000_002, 1));
  const consumer = tracer.startSpan('consume', { kind: SpanKind.CONSUMER, startTime: t(1_700_000_002, 2), links: [{ context: linked }] }, ctx);
  consumer.end(t(1_700_000_002, 3));
  root.end(t(1_700_000_003, 0));
}

// ---- the oracle: OTLP/JSON built independently from the SDK's own ReadableSpans ----

function anyValue(v: unknown): AnyValue {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v as object).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

function kindsIn(values: AnyValue[], into = new Set<string>()): Set<string> {
  for (const v of values) {
    into.add(Object.keys(v)[0] ?? 'empty');
    if ('arrayValue' in v) kindsIn(v.arrayValue.values, into);
    if ('kvlistValue' in v) kindsIn(v.kvlistValue.values.map((kv) => kv.value), into);
  }
  return into;
}

const kvs = (attrs: Record<string, unknown>): KeyValue[] => Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(v) }));
const nanos = (h: HrTime): string => (BigInt(h[0]) * 1_000_000_000n + BigInt(h[1])).toString();
const flagsOf = (traceFlags: number, isRemote: boolean | undefined): number => traceFlags | 0x100 | (isRemote ? 0x200 : 0);

function expected(s: ReadableSpan): OtlpSpan {
  return {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    traceState: s.spanContext().traceState?.serialize() ?? '',
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    flags: flagsOf(s.spanContext().traceFlags, s.parentSpanContext?.isRemote),
    name: s.name,
    kind: s.kind + 1, // API SpanKind is 0-based INTERNAL; OTLP is 1-based
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: kvs(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({ timeUnixNano: nanos(e.time), name: e.name, attributes: kvs(e.attributes ?? {}), droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: kvs(l.attributes ?? {}),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: flagsOf(l.context.traceFlags, l.context.isRemote),
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message ?? '' },
  };
}

/** Keeps what the SDK finished, as the SDK saw it (the oracle's input). */
class Recorder implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(s: ReadableSpan): void {
    this.spans.push(s);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

const variants = [
  { name: 'OTLP/HTTP JSON', make: (c: CollectorProcess) => new JsonExporter({ url: `${c.otlpUrl}/v1/traces`, compression: 'none' as never }) },
  { name: 'OTLP/HTTP JSON + gzip', make: (c: CollectorProcess) => new JsonExporter({ url: `${c.otlpUrl}/v1/traces`, compression: 'gzip' as never }) },
  { name: 'OTLP/HTTP protobuf', make: (c: CollectorProcess) => new ProtoExporter({ url: `${c.otlpUrl}/v1/traces`, compression: 'none' as never }) },
  { name: 'OTLP/HTTP protobuf + gzip', make: (c: CollectorProcess) => new ProtoExporter({ url: `${c.otlpUrl}/v1/traces`, compression: 'gzip' as never }) },
  { name: 'OTLP/gRPC', make: (c: CollectorProcess) => new GrpcExporter({ url: c.otlpGrpcUrl, compression: 'none' as never }) },
  { name: 'OTLP/gRPC + gzip', make: (c: CollectorProcess) => new GrpcExporter({ url: c.otlpGrpcUrl, compression: 'gzip' as never }) },
];

describe('spans sent by the real OTel SDK read back exactly', () => {
  for (const v of variants) {
    it(`${v.name}: ids, nanosecond timestamps, typed attributes of every AnyValue kind, events, links, status, dropped counts`, async () => {
      const memory = new Recorder();
      const sdk = new NodeSDK({
        resource: resourceFromAttributes(RESOURCE_ATTRS as never),
        autoDetectResources: false,
        spanProcessors: [new BatchSpanProcessor(v.make(cw)), memory],
        spanLimits: { attributeCountLimit: 12, eventCountLimit: 4, attributePerEventCountLimit: 3, linkCountLimit: 4 },
      });
      sdk.start();
      try {
        emitScenario(`scenario/${v.name}`);
      } finally {
        await sdk.shutdown(); // flushes through the exporter; resolves after the collector answered
        trace.disable();
        context.disable();
        propagation.disable();
      }
      const sent = memory.spans;
      expect(sent.length).toBe(7);
      await cw.settled();

      const traceId = sent[0]!.spanContext().traceId;
      const { status, body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${traceId}`);
      expect(status).toBe(200);
      expect(body.spanCount).toBe(sent.length);
      expect(body.resourceSpans).toHaveLength(1);
      const rs = body.resourceSpans[0]!;
      expect(rs.resource).toEqual({ attributes: kvs(RESOURCE_ATTRS), droppedAttributesCount: 0 });
      expect(rs.scopeSpans).toHaveLength(1);
      const ss = rs.scopeSpans[0]!;
      expect(ss.scope).toEqual({ name: `scenario/${v.name}`, version: '1.2.3', attributes: [], droppedAttributesCount: 0 });
      expect(ss.schemaUrl).toBe('https://opentelemetry.io/schemas/1.28.0');

      const byId = new Map(ss.spans.map((s) => [s.spanId, s]));
      for (const s of sent) expect(byId.get(s.spanContext().spanId)).toEqual(expected(s));
      // the scenario really exercises what the title claims
      const all = ss.spans;
      expect(all.some((s) => s.droppedAttributesCount > 0 && s.droppedEventsCount > 0)).toBe(true);
      expect(all.some((s) => s.events.some((e) => e.droppedAttributesCount > 0))).toBe(true);
      expect(new Set(all.map((s) => s.kind))).toEqual(new Set([1, 2, 3, 4, 5]));
      expect(kindsIn(rs.resource.attributes.map((a) => a.value))).toEqual(
        new Set(['stringValue', 'intValue', 'doubleValue', 'boolValue', 'bytesValue', 'arrayValue', 'kvlistValue', 'empty']),
      );
    });
  }
});
