// Valid requests the mutating generators start from: a trace and a log request with one of
// everything (every AnyValue kind, events, links, status), as OTLP/JSON and as protobuf.
import { exportTraceServiceRequestType } from '../bench/otlp-proto-schema.ts';

const attrs = [
  { key: 'gen_ai.tool.call.arguments', value: { stringValue: '{"to":"a@b.example","password":"hunter2"}' } },
  { key: 'n', value: { intValue: '4111111111111111' } },
  { key: 'd', value: { doubleValue: 1.5 } },
  { key: 'b', value: { bytesValue: Buffer.from('ghp_R7nB2kQ9xW4mT6vL8pZ3cY5hJ1dF0gS2aE4u').toString('base64') } },
  { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { boolValue: true }] } } },
  { key: 'kv', value: { kvlistValue: { values: [{ key: 'token', value: { stringValue: 'x' } }] } } },
];
const trace = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...attrs] },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeSpans: [
        {
          scope: { name: 'scope', version: '1', attributes: attrs },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
              parentSpanId: '00f067aa0ba902b7',
              traceState: 'k=v',
              name: 'execute_tool send_email',
              kind: 3,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000100000000',
              attributes: attrs,
              events: [{ timeUnixNano: '1700000000050000000', name: 'e', attributes: attrs }],
              links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332', attributes: attrs }],
              status: { code: 2, message: 'failed for a@b.example' },
            },
          ],
        },
      ],
    },
  ],
};
const logs = {
  resourceLogs: [
    {
      resource: { attributes: attrs },
      scopeLogs: [
        {
          scope: { name: 'scope', version: '1' },
          logRecords: [
            { timeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO', eventName: 'gen_ai.user.message', body: { stringValue: 'x' }, attributes: attrs, traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },
          ],
        },
      ],
    },
  ],
};

export const SEED_TRACES_JSON = JSON.stringify(trace);
export const SEED_LOGS_JSON = JSON.stringify(logs);

function protoOf(o: typeof trace): Buffer {
  const hex = (s: string): string => Buffer.from(s, 'hex').toString('base64');
  const T = exportTraceServiceRequestType();
  const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const convert = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(convert);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), ['traceId', 'spanId', 'parentSpanId'].includes(k) && typeof x === 'string' ? hex(x) : convert(x)]));
  };
  return Buffer.from(T.encode(T.fromObject(convert(o) as Record<string, unknown>)).finish());
}

export const SEED_TRACES_PROTO = protoOf(trace);
