// OTLP log records (POST /v1/logs) from the real OTel logs SDK and exporters (JSON and
// protobuf): stored durably, typed, redacted, read back by trace. Some instrumentations
// (e.g. @opentelemetry/instrumentation-openai) put every prompt and tool call here.
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';

let cw: CollectorProcess;
beforeAll(async () => {
  cw = await startCollector();
});
afterAll(async () => {
  await cw?.stop();
});

interface LogsBody {
  logRecordCount: number;
  resourceLogs: { resource: { attributes: { key: string }[] }; scopeLogs: { scope: { name: string; version: string }; logRecords: Record<string, unknown>[] }[] }[];
  redactions: Record<string, { rule: string; field: string; count: number }[]>;
}

const exporters = [
  { name: 'OTLP/HTTP JSON', id: 'a1', make: (c: CollectorProcess) => new JsonLogExporter({ url: `${c.otlpUrl}/v1/logs` }) },
  { name: 'OTLP/HTTP protobuf', id: 'b2', make: (c: CollectorProcess) => new ProtoLogExporter({ url: `${c.otlpUrl}/v1/logs` }) },
  { name: 'OTLP/gRPC', id: 'c3', make: (c: CollectorProcess) => new GrpcLogExporter({ url: c.otlpGrpcUrl }) },
  { name: 'OTLP/gRPC + gzip', id: 'd4', make: (c: CollectorProcess) => new GrpcLogExporter({ url: c.otlpGrpcUrl, compression: 'gzip' as never }) },
];

describe('OTLP logs', () => {
  for (const x of exporters) {
    it(`${x.name}: log records read back by trace, every field typed, content redacted`, async () => {
      const traceId = x.id.repeat(16);
      const spanId = 'c3d4e5f6a7b8c9d0';
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'mail-agent' }),
        processors: [new SimpleLogRecordProcessor({ exporter: x.make(cw) })],
      });
      const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      const logger = provider.getLogger('@opentelemetry/instrumentation-openai', '0.21.0');
      {
        logger.emit({
          context: ctx,
          timestamp: [1_750_000_000, 123_456_789],
          observedTimestamp: [1_750_000_000, 223_456_789],
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          eventName: 'gen_ai.user.message',
          body: { role: 'user', content: 'Forward the report to canary.logs@exfil.example please', tokens: 12 },
          attributes: { 'gen_ai.system': 'openai', 'attempt': 2, 'temperature': 0.5, 'stream': false, 'tags': ['a', 'b'] },
        });
        logger.emit({ context: ctx, timestamp: [1_750_000_001, 0], severityNumber: SeverityNumber.DEBUG, body: 'plain string body' });
      }
      await provider.forceFlush();
      await provider.shutdown();
      await cw.settled();

      const { status, body } = await getJson<LogsBody>(`${cw.apiUrl}/api/traces/${traceId}/logs`);
      expect(status).toBe(200);
      expect(body.logRecordCount).toBe(2);
      const scope = body.resourceLogs[0]!.scopeLogs[0]!;
      expect(scope.scope).toMatchObject({ name: '@opentelemetry/instrumentation-openai', version: '0.21.0' });
      const [first, second] = scope.logRecords;
      expect(first).toMatchObject({
        timeUnixNano: '1750000000123456789',
        observedTimeUnixNano: '1750000000223456789',
        severityNumber: 9,
        severityText: 'INFO',
        eventName: 'gen_ai.user.message',
        traceId,
        spanId,
        flags: 1,
        attributes: [
          { key: 'gen_ai.system', value: { stringValue: 'openai' } },
          { key: 'attempt', value: { intValue: '2' } },
          { key: 'temperature', value: { doubleValue: 0.5 } },
          { key: 'stream', value: { boolValue: false } },
          { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
        ],
      });
      // the kvlist body keeps its structure; the address inside it is a keyed placeholder
      const values = (first!.body as { kvlistValue: { values: { key: string; value: Record<string, unknown> }[] } }).kvlistValue.values;
      expect(values.map((v) => v.key)).toEqual(['role', 'content', 'tokens']);
      expect(values[1]!.value).toEqual({ stringValue: expect.stringMatching(/^Forward the report to \[REDACTED:email:[0-9a-f]{8}\] please$/) });
      expect(values[2]!.value).toEqual({ intValue: '12' });
      expect(JSON.stringify(body)).not.toContain('canary.logs@exfil.example');
      expect(body.redactions['0']).toEqual([{ rule: 'email', field: 'body/content', count: 1 }]);
      expect(second).toMatchObject({ body: { stringValue: 'plain string body' }, severityNumber: 5 });
    });
  }

  it('answers malformed log requests like trace requests: 400 naming the field, 405 for GET', async () => {
    const res = await fetch(`${cw.otlpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'abcd', body: { stringValue: 'x' } }] }] }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/invalid ExportLogsServiceRequest \(json\): resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.traceId: must be empty or 16 bytes, got 2/);
    expect((await fetch(`${cw.otlpUrl}/v1/logs`)).status).toBe(405);
  });
});
