// Real ReadableSpans from the OpenTelemetry SDK, for tests that export them directly
// through the real OTLP exporters (exporter.export) and need to know which were acknowledged.
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

class Recorder implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(s: ReadableSpan): void {
    this.spans.push(s);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** One agent trace of `size` spans (a root and its children), as the SDK finished them. */
export function makeTrace(size: number, service = 'durability-agent'): ReadableSpan[] {
  const recorder = new Recorder();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [recorder] });
  const tracer = provider.getTracer('causeway-tests', '1.0.0');
  const root = tracer.startSpan('invoke_agent', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  for (let i = 1; i < size; i++) {
    const s = tracer.startSpan(i % 2 ? 'chat gpt-4o' : 'execute_tool lookup', { kind: SpanKind.CLIENT }, ctx);
    s.setAttributes({ 'gen_ai.operation.name': i % 2 ? 'chat' : 'execute_tool', 'step.index': i, 'gen_ai.input.messages': `[{"role":"user","parts":[{"type":"text","content":"step ${i}"}]}]` });
    s.end();
  }
  root.end();
  return recorder.spans;
}

/** Exports through a real exporter; resolves true when the collector acknowledged the batch. */
export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<boolean> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS)));
}

export function shuffle<T>(a: T[], seed = 42): T[] {
  const out = [...a];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
