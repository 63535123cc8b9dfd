import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { OUTSIDE_ADDRESS, SCENARIOS, SCRIPTS, SYSTEM_PROMPT } from '../../../../fixtures/agents/scenarios.ts';
import { runPromptInjectionScenario } from '../../../../fixtures/scenarios/support-agent.ts';
import { decodeTracesProto } from '../../receivers/otlp/decode-proto.ts';
import { adaptSpan } from './index.ts';
import { adaptRun, asText, event, generatedRequests, kindCounts, scriptedCalls, spanRow } from '@causeway/testkit/adapters-support.ts';

describe('openai + instrumentation-openai, app spans (captured prompt-injection)', () => {
  const run = adaptRun('openai', 'prompt-injection');

  it('reads chat spans as LLM calls, execute_tool as tools and invoke_agent as the agent', () => {
    expect(kindCounts(run)).toEqual({ agent: 1, llm: 4, tool: 3 });
    expect(run.every((r) => r.draft.convention === 'genai')).toBe(true);
    expect(run.find((r) => r.draft.kind === 'agent')!.draft).toMatchObject({ operation: 'invoke_agent', agentName: 'mail-triage', model: 'gpt-4o-2024-08-06' });
    // The content of these calls is in log records (genai-logs.test.ts), not on the spans.
    expect(run.filter((r) => r.draft.kind === 'llm').every((r) => r.draft.artifacts.length === 0 && r.draft.model === 'gpt-4o-2024-08-06')).toBe(true);
  });

  it('gives the send_email tool its name, call id, arguments and result', () => {
    const send = run.find((r) => r.draft.toolName === 'send_email')!.draft;
    expect(send).toMatchObject({ kind: 'tool', callId: 'call_Pz4yN1bR6tGk3WcX7mQa9LsE' });
    expect(asText(send.toolArguments)).toContain(OUTSIDE_ADDRESS);
    expect(send.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId, a.role])).toEqual([
      ['used', 'tool_request', 'send_email', 'call_Pz4yN1bR6tGk3WcX7mQa9LsE', 'gen_ai.tool.call.arguments'],
      ['generated', 'tool_result', 'send_email', 'call_Pz4yN1bR6tGk3WcX7mQa9LsE', 'gen_ai.tool.call.result'],
    ]);
    const search = run.find((r) => r.draft.toolName === 'search_email')!.draft;
    expect(asText(search.artifacts.find((a) => a.kind === 'tool_result')!.value)).toContain('msg-7f3a91');
  });
});

/** Runs the hand-instrumented agent against a throwaway OTLP/HTTP endpoint and decodes what it sent. */
async function supportAgentSpans(): Promise<SpanRow[]> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await runPromptInjectionScenario(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
  // Start times are whole milliseconds, so steps can tie: a parent goes before its child, and
  // of two siblings the one that ended first.
  return bodies
    .flatMap((b) => decodeTracesProto(b, 'test').rows)
    .sort(
      (a, b) =>
        Number(BigInt(a.start_time_unix_nano) - BigInt(b.start_time_unix_nano)) ||
        (b.parent_span_id === a.span_id ? -1 : a.parent_span_id === b.span_id ? 1 : 0) ||
        Number(BigInt(a.end_time_unix_nano) - BigInt(b.end_time_unix_nano)),
    );
}

describe('current GenAI conventions (fixtures/scenarios/support-agent.ts, exported by the OTel SDK)', () => {
  it('reads messages, system instructions, tool calls and results with their call ids', async () => {
    const drafts = (await supportAgentSpans()).map(adaptSpan);
    expect(drafts.map((d) => d.kind)).toEqual(['agent', 'llm', 'tool', 'llm', 'tool', 'llm', 'tool', 'llm']);
    expect(drafts[0]).toMatchObject({ agentId: 'agent_mail_triage_01', agentName: 'mail-triage', conversationId: 'conv_5d1c0b' });
    expect(drafts[0]!.artifacts.map((a) => [a.relation, a.kind])).toEqual([['generated', 'outcome']]);

    const third = drafts[5]!;
    expect(third.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId])).toEqual([
      ['used', 'system_instruction', undefined, undefined],
      ['used', 'user_prompt', undefined, undefined],
      ['used', 'tool_request', 'search_email', 'call_search_1'],
      ['used', 'tool_result', 'search_email', 'call_search_1'],
      ['used', 'tool_request', 'export_customers', 'call_export_2'],
      ['used', 'tool_result', 'export_customers', 'call_export_2'],
      ['generated', 'tool_request', 'send_email', 'call_send_3'],
    ]);
    expect(third.artifacts[0]!.role).toBe('gen_ai.system_instructions.parts[0]');
    // tool_call_response content is passed as found: here an already-parsed array of emails.
    expect(asText(third.artifacts[3]!.value)).toContain('msg-7f3a91');
    expect(third.artifacts[6]!.value).toEqual({ to: OUTSIDE_ADDRESS, subject: 'recon', attachment: 'customers-2026-11-21.csv' });

    const send = drafts[6]!;
    expect(send).toMatchObject({ toolName: 'send_email', callId: 'call_send_3' });
    expect(asText(send.toolArguments)).toContain(OUTSIDE_ADDRESS);
  });

  it('reads messages and system instructions given as OTLP arrays, not JSON text', () => {
    const d = adaptSpan(
      spanRow('chat m', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system_instructions': [{ type: 'text', content: 'Be brief.' }],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'hello' }] }],
      }),
    );
    expect(d.artifacts.map((a) => [a.relation, a.kind, a.value])).toEqual([
      ['used', 'system_instruction', 'Be brief.'],
      ['used', 'user_prompt', 'hi'],
      ['generated', 'model_output', 'hello'],
    ]);
  });

  it('reads a retrieval span: the query and each document with id, score and data source', () => {
    const d = adaptSpan(
      spanRow('retrieval kb', {
        'gen_ai.operation.name': 'retrieval',
        'gen_ai.data_source.id': 'kb-main',
        'gen_ai.retrieval.query.text': 'refund policy',
        'gen_ai.retrieval.documents': JSON.stringify([{ id: 'doc-1', score: 0.9, content: 'Refunds within 30 days.' }, { id: 'doc-2', score: 0.5 }]),
      }),
    );
    expect(d).toMatchObject({ kind: 'retrieval', dataSource: 'kb-main' });
    expect(d.artifacts).toEqual([
      { kind: 'tool_request', relation: 'used', value: 'refund policy', role: 'gen_ai.retrieval.query.text', toolName: 'kb-main' },
      { kind: 'document', relation: 'generated', value: 'Refunds within 30 days.', role: 'gen_ai.retrieval.documents[0]', documentId: 'doc-1', source: 'kb-main', score: 0.9 },
      { kind: 'document', relation: 'generated', value: { id: 'doc-2', score: 0.5 }, role: 'gen_ai.retrieval.documents[1]', documentId: 'doc-2', source: 'kb-main', score: 0.5 },
    ]);
  });

  it('maps the operations to activity kinds', () => {
    const kind = (op: string) => adaptSpan(spanRow(op, { 'gen_ai.operation.name': op })).kind;
    expect(['chat', 'generate_content', 'text_completion', 'execute_tool', 'invoke_agent', 'create_agent', 'retrieval', 'embeddings'].map(kind)).toEqual([
      'llm', 'llm', 'llm', 'tool', 'agent', 'agent', 'retrieval', 'other',
    ]);
  });
});

describe('older GenAI conventions', () => {
  it("reads OpenLLMetry's indexed gen_ai.prompt / gen_ai.completion attributes, tool calls without ids included", () => {
    const d = adaptSpan(
      spanRow('openai.chat', {
        'llm.request.type': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You are helpful.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Read my mail.',
        'gen_ai.prompt.2.role': 'assistant',
        'gen_ai.prompt.2.tool_calls.0.id': 'call_a',
        'gen_ai.prompt.2.tool_calls.0.name': 'search_email',
        'gen_ai.prompt.2.tool_calls.0.arguments': '{"q":"unread"}',
        'gen_ai.prompt.3.role': 'tool',
        'gen_ai.prompt.3.tool_call_id': 'call_a',
        'gen_ai.prompt.3.content': '[{"id":"msg-7f3a91"}]',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.name': 'send_email',
        'gen_ai.completion.0.tool_calls.0.arguments': `{"to":"${OUTSIDE_ADDRESS}"}`,
      }),
    );
    expect(d).toMatchObject({ kind: 'llm', convention: 'genai', model: 'gpt-4o' });
    expect(d.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId, a.value, a.role])).toEqual([
      ['used', 'system_instruction', undefined, undefined, 'You are helpful.', 'gen_ai.prompt.0.content'],
      ['used', 'user_prompt', undefined, undefined, 'Read my mail.', 'gen_ai.prompt.1.content'],
      ['used', 'tool_request', 'search_email', 'call_a', '{"q":"unread"}', 'gen_ai.prompt.2.tool_calls[0]'],
      ['used', 'tool_result', 'search_email', 'call_a', '[{"id":"msg-7f3a91"}]', 'gen_ai.prompt.3.content'],
      ['generated', 'tool_request', 'send_email', undefined, `{"to":"${OUTSIDE_ADDRESS}"}`, 'gen_ai.completion.0.tool_calls[0]'],
    ]);
  });

  it('reads message span events, with bodies in attributes or named by event.name', () => {
    const d = adaptSpan(
      spanRow(
        'chat gpt-4o',
        { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' },
        {
          events: [
            event('gen_ai.system.message', { content: 'You are helpful.' }),
            event('gen_ai.user.message', { content: 'Read my mail.' }),
            event('gen_ai.assistant.message', {
              tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'search_email', arguments: '{"q":"unread"}' } }],
            }),
            // Some SDKs name the event only in an `event.name` attribute.
            event('event', { 'event.name': 'gen_ai.tool.message', id: 'call_a', content: '[{"id":"msg-7f3a91"}]' }),
            event('gen_ai.choice', {
              index: 0,
              finish_reason: 'tool_calls',
              message: JSON.stringify({ tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'send_email', arguments: '{}' } }] }),
            }),
            event('exception', { 'exception.message': 'not content' }),
          ],
        },
      ),
    );
    expect(d).toMatchObject({ kind: 'llm', convention: 'genai-events' });
    expect(d.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId, a.value])).toEqual([
      ['used', 'system_instruction', undefined, undefined, 'You are helpful.'],
      ['used', 'user_prompt', undefined, undefined, 'Read my mail.'],
      ['used', 'tool_request', 'search_email', 'call_a', '{"q":"unread"}'],
      ['used', 'tool_result', undefined, 'call_a', '[{"id":"msg-7f3a91"}]'],
      ['generated', 'tool_request', 'send_email', 'call_b', '{}'],
    ]);
    expect(d.artifacts[3]!.role).toBe('events[3](gen_ai.tool.message).content');
  });
});

describe('malformed GenAI content', () => {
  it('yields fewer drafts, never an exception, and never loses the span', () => {
    const d = adaptSpan(
      spanRow('chat broken', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}',
        'gen_ai.output.messages': '{"not":"a list"}',
        'gen_ai.system_instructions': 42,
        'gen_ai.prompt.x.content': 'not an index',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"no":"name"}',
      }),
    );
    expect(d.kind).toBe('llm');
    expect(d.artifacts).toEqual([]);
    const tool = adaptSpan(spanRow('execute_tool x', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x', 'gen_ai.tool.call.arguments': '{oops' }));
    expect(tool).toMatchObject({ kind: 'tool', toolName: 'x', toolArguments: '{oops' });
  });
});

describe('Vercel AI SDK 7 streamText, spans from @ai-sdk/otel (captured)', () => {
  it('reads chat spans as model calls with the streamed tool calls and their ids, execute_tool spans with the ids they ran, agent_step spans as other', () => {
    for (const scenario of SCENARIOS) {
      const run = adaptRun('vercel-ai-v7-stream', scenario);
      const turns = SCRIPTS[scenario].turns.length;
      expect(kindCounts(run), scenario).toEqual({ agent: 1, llm: turns, other: turns, tool: scriptedCalls(scenario).length });
      expect(run.filter((r) => r.draft.kind === 'other').every((r) => r.draft.operation === 'agent_step')).toBe(true);
      const llm = run.filter((r) => r.draft.kind === 'llm');
      expect(generatedRequests(llm.flatMap((r) => r.draft.artifacts))).toEqual(scriptedCalls(scenario));
      for (const r of llm) {
        expect(r.draft.artifacts.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
        expect(r.draft.artifacts.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS[scenario].user);
      }
      const tools = run.filter((r) => r.draft.kind === 'tool').map((r) => ({ toolName: r.draft.toolName, callId: r.draft.callId }));
      expect(new Set(tools.map((t) => `${t.toolName}/${t.callId}`))).toEqual(new Set(scriptedCalls(scenario).map((c) => `${c.toolName}/${c.callId}`)));
    }
  });

  it('reads an unknown operation as a model call only when it carries messages', () => {
    expect(adaptSpan(spanRow('step 1', { 'gen_ai.operation.name': 'agent_step' })).kind).toBe('other');
    expect(adaptSpan(spanRow('x', { 'gen_ai.operation.name': 'respond', 'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]' })).kind).toBe('llm');
  });
});
