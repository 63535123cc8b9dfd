import { describe, expect, it } from 'vitest';
import { decodeSteps, encodeSteps } from './overview-steps.ts';
import type { SliceActivity } from './provenance.ts';

const T = 'a'.repeat(32);
const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

/** Steps as the trace graph has them, submitted by two credentials (one step by neither), some marked as another's. */
function steps(n: number): SliceActivity[] {
  const creds = [{ id: 'c1', name: 'agents' }, { id: 'c2', name: 'intruder' }];
  return Array.from({ length: n }, (_, i) => {
    const tool = i % 3 === 0;
    const a: SliceActivity = {
      id: `act:${T}/${hex(i + 1, 16)}`,
      type: 'activity',
      traceId: T,
      spanId: hex(i + 1, 16),
      parentSpanId: i === 0 ? '' : hex(Math.floor(i / 4) + 1, 16),
      kind: tool ? 'tool' : i % 3 === 1 ? 'llm' : 'agent',
      name: tool ? `execute_tool tool_${i % 5}` : i % 3 === 1 ? 'chat gpt-4o' : `invoke_agent agent-${i % 7}`,
      operation: tool ? 'execute_tool' : i % 3 === 1 ? 'chat' : 'invoke_agent',
      convention: 'genai',
      agent: `agent-${i % 7}`,
      toolName: tool ? `tool_${i % 5}` : '',
      callId: tool ? `call_${hex(i * 7919, 12)}` : '',
      service: 'ops-agents',
      start: String(1_796_554_338_483_207_936n + BigInt(i) * 1_000_000n),
      end: String(1_796_554_338_583_207_936n + BigInt(i) * 1_000_000n),
      status: i % 11 === 0 ? 2 : 0,
      depth: 0,
      tainted: false,
    };
    if (i % 13 !== 5) a.submittedBy = creds[i % 17 === 3 ? 1 : 0]!;
    if (i % 17 === 3) a.otherSubmitter = true;
    return a;
  });
}

describe("a trace overview's steps, column by column", () => {
  it('decode to the very nodes they were made from (values, optional fields, key order)', () => {
    const acts = steps(500);
    const back = decodeSteps(T, JSON.parse(JSON.stringify(encodeSteps(T, acts))));
    expect(back).toEqual(acts);
    expect(JSON.stringify(back)).toBe(JSON.stringify(acts));
    expect(back.filter((a) => a.otherSubmitter)).toHaveLength(acts.filter((a) => a.otherSubmitter).length);
    expect(back.filter((a) => !a.submittedBy).length).toBeGreaterThan(0);
    expect(decodeSteps(T, encodeSteps(T, []))).toEqual([]);
  });

  it('are far smaller than the nodes as JSON', () => {
    const acts = steps(3000);
    expect(JSON.stringify(encodeSteps(T, acts)).length).toBeLessThan(JSON.stringify(acts).length / 2.5);
  });

  it('are only the steps of the trace, as its graph has them', () => {
    const [a] = steps(1);
    expect(() => encodeSteps(T, [{ ...a!, traceId: 'b'.repeat(32) }])).toThrow(/not a step of trace/);
    expect(() => encodeSteps(T, [{ ...a!, tainted: true }])).toThrow(/not a step of trace/);
    expect(() => encodeSteps(T, [{ ...a!, depth: 1 }])).toThrow(/not a step of trace/);
  });
});
