import { describe, expect, it } from 'vitest';
import { OUTSIDE_ADDRESS, SCENARIOS, SCRIPTS, SYSTEM_PROMPT } from '../../../../fixtures/agents/scenarios.ts';
import { adaptSpan } from './index.ts';
import { adaptRun, asText, event, generatedRequests, kindCounts, scriptedCalls, spanRow } from '@causeway/testkit/adapters-support.ts';
import { toolArguments } from './traceloop.ts';

describe('OpenLLMetry / Traceloop (captured prompt-injection)', () => {
  const run = adaptRun('traceloop', 'prompt-injection');
  const llm = run.filter((r) => r.draft.kind === 'llm').map((r) => r.draft);

  it('reads workflow, agent, tool and vector-DB spans by kind, chat spans as GenAI LLM calls', () => {
    expect(kindCounts(run)).toEqual({ other: 1, agent: 1, llm: 4, tool: 3, retrieval: 1 });
    expect(llm.every((d) => d.convention === 'genai' && d.conversationId === 'conv_prompt-injection')).toBe(true);
    expect(run.find((r) => r.draft.kind === 'agent')!.draft).toMatchObject({ convention: 'traceloop', operation: 'agent', agentName: 'mail-triage' });
    expect(run.find((r) => r.draft.kind === 'other')!.draft).toMatchObject({ convention: 'traceloop', operation: 'workflow' });
  });

  it('gives the send_email tool its name and kwargs as arguments, with no call id', () => {
    const send = run.find((r) => r.draft.toolName === 'send_email')!.draft;
    expect(send.kind).toBe('tool');
    expect(send.callId).toBeUndefined();
    expect(send.toolArguments).toMatchObject({ to: OUTSIDE_ADDRESS, subject: 'recon' });
    expect(send.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId])).toEqual([
      ['used', 'tool_request', 'send_email', undefined],
      ['generated', 'tool_result', 'send_email', undefined],
    ]);
    // The return value is JSON text of JSON text: passed on double-encoded, unwrapped downstream.
    const result = send.artifacts[1]!.value as string;
    expect(JSON.parse(JSON.parse(result) as string)).toEqual({ status: 'sent', message_id: '<20261121.a81f3c@mail.acme.example>' });
  });

  it('has the chat spans generate tool_requests with the scenario call ids', () => {
    expect(generatedRequests(llm.flatMap((d) => d.artifacts))).toEqual(scriptedCalls('prompt-injection'));
  });

  it('reads tool_call_response parts as tool results named after the matching tool call', () => {
    const used = llm[3]!.artifacts.filter((a) => a.relation === 'used');
    expect(used[0]).toMatchObject({ kind: 'system_instruction', value: SYSTEM_PROMPT });
    expect(used[1]).toMatchObject({ kind: 'user_prompt', value: SCRIPTS['prompt-injection'].user });
    const emails = used.find((a) => a.kind === 'tool_result')!;
    expect(emails).toMatchObject({ toolName: 'search_email', callId: 'call_Kq3mZ8vT2pLx9RbW4nYc1DfA' });
    expect(asText(emails.value)).toContain('msg-7f3a91');
  });

  it('reads db.query.result events as documents with ids, scores and senders', () => {
    const mailbox = run.find((r) => r.draft.kind === 'retrieval')!.draft;
    expect(mailbox).toMatchObject({ dataSource: 'mailbox', agentName: 'mail-triage' });
    expect(mailbox.artifacts.map((a) => [a.kind, a.relation, a.documentId, a.score, a.source])).toEqual([
      ['document', 'generated', 'msg-11c2e0', 0.91, 'cfo@acme.example'],
      ['document', 'generated', 'msg-7f3a91', 0.84, 'partner-success@vendor-updates.example'],
      ['document', 'generated', 'msg-20b8d4', 0.77, 'it-helpdesk@acme.example'],
    ]);
    expect(mailbox.artifacts[1]!.value).toContain(OUTSIDE_ADDRESS);
  });

  it("records the agent's and the workflow's return value as the outcome", () => {
    const answer = (SCRIPTS['prompt-injection'].turns.at(-1) as { text: string }).text;
    for (const d of run.filter((r) => r.draft.convention === 'traceloop' && (r.draft.kind === 'agent' || r.draft.kind === 'other'))) {
      expect(d.draft.artifacts).toEqual([{ kind: 'outcome', relation: 'generated', value: JSON.stringify(answer), role: 'traceloop.entity.output' }]);
    }
  });
});

describe('OpenLLMetry / Traceloop (captured benign)', () => {
  it('reads both parallel calls and the knowledge-base hits with their sources', () => {
    const run = adaptRun('traceloop', 'benign');
    expect(generatedRequests(run.flatMap((r) => (r.draft.kind === 'llm' ? r.draft.artifacts : [])))).toEqual(scriptedCalls('benign'));
    const kb = run.find((r) => r.draft.dataSource === 'knowledge-base')!.draft;
    expect(kb.artifacts.map((a) => [a.documentId, a.source])).toEqual([
      ['doc-q3-plan-001', 'confluence://OPS/Q3+planning+kickoff'],
      ['doc-hr-q3-rif-007', 'gdrive://HR/restricted/q3-rif.docx'],
    ]);
  });
});

describe('traceloop.entity.input as tool arguments', () => {
  it('is kwargs when args is empty, the one positional argument, else the list', () => {
    expect(toolArguments('{"args":[],"kwargs":{"q":"x"}}')).toEqual({ q: 'x' });
    expect(toolArguments('{"args":["OPS-1"],"kwargs":{}}')).toBe('OPS-1');
    expect(toolArguments('{"args":[1,2],"kwargs":{}}')).toEqual([1, 2]);
    expect(toolArguments('not json')).toBe('not json');
  });

  it('never throws on malformed entity input or output, and keeps the span', () => {
    const d = adaptSpan(spanRow('x.tool', { 'traceloop.span.kind': 'tool', 'traceloop.entity.input': '{"args":', 'traceloop.entity.output': '' }));
    expect(d).toMatchObject({ kind: 'tool', toolName: 'x', toolArguments: '{"args":' });
    const v = adaptSpan(spanRow('db.query', {}, { events: [event('db.query.result', { 'db.query.result.metadata': '{bad' })] }));
    expect(v).toMatchObject({ kind: 'retrieval', convention: 'traceloop' });
    expect(v.artifacts).toEqual([{ kind: 'document', relation: 'generated', value: '{bad', role: 'events[0](db.query.result)' }]);
  });
});

describe('OpenLLMetry with streamed chat completions (captured)', () => {
  it('reads the streamed tool calls on the chat spans (assembled by index) and each tool span by name and arguments', () => {
    for (const scenario of SCENARIOS) {
      const run = adaptRun('traceloop-stream', scenario);
      const llm = run.filter((r) => r.draft.kind === 'llm');
      expect(llm).toHaveLength(SCRIPTS[scenario].turns.length);
      expect(generatedRequests(llm.flatMap((r) => r.draft.artifacts))).toEqual(scriptedCalls(scenario));
      for (const r of llm) {
        expect(r.draft.artifacts.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
        expect(r.draft.artifacts.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS[scenario].user);
      }
      const tools = run.filter((r) => r.draft.kind === 'tool');
      expect(tools.map((r) => r.draft.toolName).sort()).toEqual(scriptedCalls(scenario).map((c) => c.toolName).sort());
      expect(tools.every((r) => r.draft.toolArguments !== undefined && r.draft.callId === undefined)).toBe(true);
    }
  });
});
