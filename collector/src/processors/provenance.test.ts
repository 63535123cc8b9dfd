import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spanRow } from '@causeway/testkit/adapters-support.ts';
import { createRedactor } from '../redaction/redactor.ts';
import { ProvenanceExtractor } from './provenance.ts';

const tenantKey = Buffer.alloc(32, 0x5a);
const extractor = (memoLimit?: number): ProvenanceExtractor =>
  new ProvenanceExtractor(createHmac('sha256', tenantKey).update('causeway provenance v1').digest(), createRedactor({ key: tenantKey }), memoLimit);

/** A tool span of the GenAI conventions, its arguments given as they came. */
const toolSpan = (spanId: string, args: string) =>
  spanRow('execute_tool send_email', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_email', 'gen_ai.tool.call.id': `call_${spanId}`, 'gen_ai.tool.call.arguments': args, 'gen_ai.tool.call.result': '{"status":"sent"}' }, { span_id: spanId });

describe('provenance extraction', () => {
  it("names a tool call's request by the same id on the call and on its request artifact, however deep its arguments are encoded", () => {
    // JSON text inside JSON text, ten times over: deeper than content unwrapping goes in one pass
    let args = JSON.stringify({ to: 'attacker@example.net', body: 'the table' });
    for (let i = 0; i < 10; i++) args = JSON.stringify({ payload: args });
    const b = extractor().fromSpans([toolSpan('a'.repeat(16), args)]);
    const request = b.relations.find((r) => r.artifact_kind === 'tool_request')!;
    expect(b.activities[0]!.request_id).not.toBe('');
    expect(request.artifact_id).toBe(b.activities[0]!.request_id);
  });

  it('gives content seen again the same ids, and writes it once, as one seen for the first time', () => {
    const spans = Array.from({ length: 6 }, (_, i) => toolSpan(`${i}`.padStart(16, 'b'), JSON.stringify({ to: 'ops@example.com', body: `report ${i % 2}` })));
    const warm = extractor();
    const once = spans.map((s) => extractor().fromSpans([s]));
    const again = spans.map((s) => {
      const b = warm.fromSpans([s]);
      warm.stored(b); // durable: not written again
      return b;
    });
    for (let i = 0; i < spans.length; i++) {
      expect(again[i]!.activities).toEqual(once[i]!.activities);
      expect(again[i]!.relations).toEqual(once[i]!.relations);
    }
    // the two distinct requests and their one result are written by the first span that had them
    expect(again.map((b) => b.artifacts.length)).toEqual([2, 1, 0, 0, 0, 0]);
    expect(again[1]!.artifacts[0]).toEqual(once[1]!.artifacts.find((a) => a.kind === 'tool_request'));
  });

  it('writes content met again and again once, however many other artifacts pass through its bounded memo', () => {
    // every call has its own arguments (a new request artifact) and the same result: with a memo
    // of 8, sixty new requests pass through it while the result keeps being met
    const x = extractor(8);
    const written: string[] = [];
    for (let i = 0; i < 60; i++) {
      const b = x.fromSpans([toolSpan(`${i}`.padStart(16, 'c'), JSON.stringify({ to: 'ops@example.com', body: `report ${i}` }))]);
      x.stored(b);
      written.push(...b.artifacts.map((a) => a.kind));
    }
    expect(written.filter((k) => k === 'tool_request')).toHaveLength(60);
    expect(written.filter((k) => k === 'tool_result')).toHaveLength(1);
  });
});
