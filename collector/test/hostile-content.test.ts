// Content an agent could have read (a fetched page, an email) that was built to hurt the
// collector: deeply nested JSON in a tool result, and inputs that made the old detectors
// backtrack for seconds. Every span of the request is stored, redacted, and acknowledged.
import { randomBytes } from 'node:crypto';
import type { TraceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADVERSARIAL_FAMILIES } from '../src/redaction/adversarial.ts';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';

let cw: CollectorProcess;
beforeAll(async () => {
  cw = await startCollector();
});
afterAll(async () => {
  await cw?.stop();
});

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

async function send(traceId: string, spans: { spanId: string; name: string; attributes: unknown[] }[]): Promise<Response> {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'hostile-content-test')] },
        scopeSpans: [{ spans: spans.map((s) => ({ traceId, spanId: s.spanId, name: s.name, startTimeUnixNano: now, endTimeUnixNano: now, attributes: s.attributes })) }],
      },
    ],
  };
  return fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function storedSpans(traceId: string): Promise<{ name: string; attributes: { key: string; value: { stringValue?: string } }[] }[]> {
  await cw.settled();
  const { status, body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${traceId}`);
  expect(status).toBe(200);
  return body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)) as never;
}

for (const [shape, deep] of [
  ['{"a":×2,500 (15 KB)', `${'{"a":'.repeat(2500)}"mail x@evil.example"${'}'.repeat(2500)}`],
  ['[×10,000 (20 KB)', `${'['.repeat(10_000)}"x@evil.example"${']'.repeat(10_000)}`],
  ['{"a":×100,000 (600 KB)', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
] as const) {
  it(`a tool result of nested JSON ${shape} costs nothing: both spans of the request are stored, redacted`, async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await send(traceId, [
      { spanId: '0000000000000001', name: 'execute_tool send_email', attributes: [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'send_email'), str('gen_ai.tool.call.arguments', '{"to":"boss@corp.example"}')] },
      { spanId: '0000000000000002', name: 'execute_tool fetch_page', attributes: [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'fetch_page'), str('gen_ai.tool.call.result', deep)] },
    ]);
    expect(res.status).toBe(200);
    const spans = await storedSpans(traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool fetch_page', 'execute_tool send_email']);
    const text = JSON.stringify(spans);
    expect(text).not.toContain('boss@corp.example');
    expect(text).not.toContain('x@evil.example');
  });
}

it('every adversarial family at 160k characters is ingested, redacted, and the API answers meanwhile', async () => {
  const traceId = randomBytes(16).toString('hex');
  const families = Object.entries(ADVERSARIAL_FAMILIES);
  const res = await send(
    traceId,
    families.map(([name, make], i) => ({ spanId: (i + 1).toString(16).padStart(16, '0'), name: `family ${i}`, attributes: [str('note', `${make(160_000)} canary-${name.length}@victim.example`)] })),
  );
  expect(res.status).toBe(200);
  expect((await fetch(`${cw.apiUrl}/healthz`)).status).toBe(200);
  const spans = await storedSpans(traceId);
  expect(spans).toHaveLength(families.length);
  expect(JSON.stringify(spans)).not.toMatch(/canary-\d+@victim\.example/);
});
