import { describe, expect, it } from 'vitest';
import { OUTSIDE_ADDRESS, SCENARIOS, SCRIPTS, SYSTEM_PROMPT } from '../../../../fixtures/agents/scenarios.ts';
import { adaptLog } from './index.ts';
import { adaptRun, adaptRunLogs, asText, generatedRequests, logRow, scriptedCalls } from '@causeway/testkit/adapters-support.ts';

describe('instrumentation-openai log records (captured prompt-injection)', () => {
  const run = adaptRun('openai', 'prompt-injection');
  const logs = adaptRunLogs('openai', 'prompt-injection');
  const chats = run.filter((r) => r.draft.kind === 'llm').map((r) => r.span.span_id);

  it('folds every record into one of the four chat spans', () => {
    expect(chats).toHaveLength(4);
    expect([...logs.keys()].sort()).toEqual([...chats].sort());
  });

  it('reads gen_ai.choice tool calls as generated tool_requests with the scenario call ids', () => {
    const generated = chats.flatMap((id) => logs.get(id)!);
    expect(generatedRequests(generated)).toEqual(scriptedCalls('prompt-injection'));
    const send = logs.get(chats[2]!)!.find((a) => a.relation === 'generated')!;
    expect(send).toMatchObject({ kind: 'tool_request', toolName: 'send_email', role: 'log(gen_ai.choice).body.message.tool_calls[0]' });
    expect(asText(send.value)).toContain(OUTSIDE_ADDRESS);
  });

  it('reads the history re-sent on the last call: prompts, tool requests and tool results with call ids', () => {
    const last = logs.get(chats[3]!)!;
    expect(last.map((a) => [a.relation, a.kind, a.toolName, a.callId])).toEqual([
      ['used', 'system_instruction', undefined, undefined],
      ['used', 'user_prompt', undefined, undefined],
      ['used', 'tool_request', 'search_email', 'call_Kq3mZ8vT2pLx9RbW4nYc1DfA'],
      // gen_ai.tool.message carries the id, not the tool name: the id links it.
      ['used', 'tool_result', undefined, 'call_Kq3mZ8vT2pLx9RbW4nYc1DfA'],
      ['used', 'tool_request', 'export_customers', 'call_Hn7xQ2cV5rJm0TgE8sWk6BpU'],
      ['used', 'tool_result', undefined, 'call_Hn7xQ2cV5rJm0TgE8sWk6BpU'],
      ['used', 'tool_request', 'send_email', 'call_Pz4yN1bR6tGk3WcX7mQa9LsE'],
      ['used', 'tool_result', undefined, 'call_Pz4yN1bR6tGk3WcX7mQa9LsE'],
      ['generated', 'model_output', undefined, undefined],
    ]);
    expect(last[0]!.value).toBe(SYSTEM_PROMPT);
    expect(last[1]!.value).toBe(SCRIPTS['prompt-injection'].user);
    expect(asText(last[3]!.value)).toContain('msg-7f3a91');
    expect(last[8]!.value).toBe((SCRIPTS['prompt-injection'].turns.at(-1) as { text: string }).text);
  });
});

describe('instrumentation-openai log records (captured benign)', () => {
  it('reads two parallel tool calls from one gen_ai.choice', () => {
    const run = adaptRun('openai', 'benign');
    const logs = adaptRunLogs('openai', 'benign');
    const first = run.find((r) => r.draft.kind === 'llm')!.span.span_id;
    expect(generatedRequests(logs.get(first)!)).toEqual(scriptedCalls('benign'));
  });
});

describe('GenAI log records in other shapes', () => {
  it('takes the event name from the LogRecord event_name and reads JSON-text bodies', () => {
    const drafts = adaptLog(logRow(JSON.stringify({ content: 'hello' }), {}, { event_name: 'gen_ai.user.message' }));
    expect(drafts).toEqual([{ kind: 'user_prompt', relation: 'used', value: 'hello', role: 'log(gen_ai.user.message).body.content' }]);
  });

  it('reads the current gen_ai.client.inference.operation.details event from log attributes', () => {
    const drafts = adaptLog(
      logRow('', {
        'event.name': 'gen_ai.client.inference.operation.details',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: { a: 1 } }] }]),
      }),
    );
    expect(drafts.map((a) => [a.relation, a.kind, a.toolName, a.callId, a.value])).toEqual([
      ['used', 'user_prompt', undefined, undefined, 'hi'],
      ['generated', 'tool_request', 'f', 'c1', { a: 1 }],
    ]);
  });

  it('ignores unrelated records and malformed bodies without throwing', () => {
    expect(adaptLog(logRow('GET /health 200', {}))).toEqual([]);
    expect(adaptLog(logRow('{"content":', { 'event.name': 'gen_ai.user.message' }))).toEqual([
      { kind: 'user_prompt', relation: 'used', value: '{"content":', role: 'log(gen_ai.user.message).body' },
    ]);
    expect(adaptLog(logRow(42, { 'event.name': 'gen_ai.choice' }))).toEqual([]);
  });
});

describe('instrumentation-openai log records for streamed calls (captured)', () => {
  it('chat completions streamed: one gen_ai.choice per call holds the tool calls assembled from the deltas, with their ids', () => {
    for (const scenario of SCENARIOS) {
      const run = adaptRun('openai-stream', scenario);
      const logs = adaptRunLogs('openai-stream', scenario);
      const chats = run.filter((r) => r.draft.kind === 'llm').map((r) => r.span.span_id);
      expect(chats).toHaveLength(SCRIPTS[scenario].turns.length);
      expect(generatedRequests(chats.flatMap((id) => logs.get(id) ?? []))).toEqual(scriptedCalls(scenario));
      for (const id of chats) {
        expect(logs.get(id)!.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
        expect(logs.get(id)!.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS[scenario].user);
      }
    }
  });

  it('Responses API streamed: operation-details records, one per output item; a function call is known by its call_id, not its item id', () => {
    for (const scenario of SCENARIOS) {
      const run = adaptRun('openai-responses-stream', scenario);
      const logs = adaptRunLogs('openai-responses-stream', scenario);
      const chats = run.filter((r) => r.draft.kind === 'llm');
      expect(chats).toHaveLength(SCRIPTS[scenario].turns.length);
      const generated = chats.flatMap((r) => logs.get(r.span.span_id) ?? []);
      expect(generatedRequests(generated)).toEqual(scriptedCalls(scenario));
      for (const r of chats) {
        // the instructions: on the span, and again as the system message of the input record
        expect(r.draft.artifacts.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
        expect(logs.get(r.span.span_id)!.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS[scenario].user);
      }
    }
    // the history re-sent: function calls and their outputs carry the same call ids
    const last = adaptRunLogs('openai-responses-stream', 'prompt-injection');
    const used = [...last.values()].at(-1)!.filter((a) => a.relation === 'used' && (a.kind === 'tool_request' || a.kind === 'tool_result'));
    expect(used.map((a) => a.callId)).toEqual(scriptedCalls('prompt-injection').flatMap((c) => [c.callId, c.callId]));
  });
});
