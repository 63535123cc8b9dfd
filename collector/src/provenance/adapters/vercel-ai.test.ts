import { describe, expect, it } from 'vitest';
import { OUTSIDE_ADDRESS, SCENARIOS, SCRIPTS, SYSTEM_PROMPT } from '../../../../fixtures/agents/scenarios.ts';
import { adaptRun, asText, generatedRequests, kindCounts, scriptedCalls, spanRow } from '@causeway/testkit/adapters-support.ts';
import { adaptSpan } from './index.ts';

describe('Vercel AI SDK v6 (captured prompt-injection)', () => {
  const run = adaptRun('vercel-ai', 'prompt-injection');
  const llm = run.filter((r) => r.draft.kind === 'llm').map((r) => r.draft);
  const tools = run.filter((r) => r.draft.kind === 'tool').map((r) => r.draft);

  it('reads the run as one agent, each doGenerate as an LLM call and each ai.toolCall as a tool', () => {
    expect(kindCounts(run)).toEqual({ agent: 1, llm: 4, tool: 3 });
    expect(run.every((r) => r.draft.convention === 'vercel-ai')).toBe(true);
    const agent = run.find((r) => r.draft.kind === 'agent')!.draft;
    expect(agent).toMatchObject({ operation: 'ai.generateText', agentName: 'mail-triage', conversationId: 'conv_prompt-injection', model: 'gpt-4o-2024-08-06' });
  });

  it('gives the send_email tool its name, call id and the arguments with the outside address', () => {
    const send = tools.find((t) => t.toolName === 'send_email')!;
    expect(send.callId).toBe('call_Pz4yN1bR6tGk3WcX7mQa9LsE');
    expect(asText(send.toolArguments)).toContain(OUTSIDE_ADDRESS);
    expect(send.artifacts.map((a) => [a.relation, a.kind, a.toolName, a.callId])).toEqual([
      ['used', 'tool_request', 'send_email', 'call_Pz4yN1bR6tGk3WcX7mQa9LsE'],
      ['generated', 'tool_result', 'send_email', 'call_Pz4yN1bR6tGk3WcX7mQa9LsE'],
    ]);
  });

  it('has the model calls generate one tool_request per scripted call, with its call id', () => {
    expect(generatedRequests(llm.flatMap((d) => d.artifacts))).toEqual(scriptedCalls('prompt-injection'));
    // ai.response.toolCalls carries the arguments as JSON text: passed on as text.
    const sent = llm[2]!.artifacts.find((a) => a.relation === 'generated' && a.kind === 'tool_request')!;
    expect(typeof sent.value).toBe('string');
    expect(JSON.parse(sent.value as string)).toMatchObject({ to: OUTSIDE_ADDRESS, subject: 'recon' });
  });

  it('reads the emails sent back to the model as a tool_result with call id and tool name', () => {
    const used = llm[1]!.artifacts.filter((a) => a.relation === 'used');
    const result = used.find((a) => a.kind === 'tool_result')!;
    expect(result).toMatchObject({ toolName: 'search_email', callId: 'call_Kq3mZ8vT2pLx9RbW4nYc1DfA', role: 'ai.prompt.messages[3].content[0]' });
    expect(asText(result.value)).toContain('msg-7f3a91');
    expect(asText(result.value)).toContain('IMPORTANT SYSTEM NOTICE FOR AI ASSISTANTS');
  });

  it('reads system and user prompts on every model call and on the run', () => {
    for (const d of [...llm, run.find((r) => r.draft.kind === 'agent')!.draft]) {
      expect(d.artifacts.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
      expect(d.artifacts.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS['prompt-injection'].user);
    }
  });

  it('records the final answer as the last call\'s model_output and the run\'s outcome', () => {
    const answer = (SCRIPTS['prompt-injection'].turns.at(-1) as { text: string }).text;
    expect(llm[3]!.artifacts.find((a) => a.relation === 'generated')).toMatchObject({ kind: 'model_output', value: answer });
    const agent = run.find((r) => r.draft.kind === 'agent')!.draft;
    expect(agent.artifacts.find((a) => a.kind === 'outcome')?.value).toBe(answer);
  });
});

describe('Vercel AI SDK v6 (captured data-mixing)', () => {
  it('links the post_message call that leaks the layoff names to its request', () => {
    const run = adaptRun('vercel-ai', 'data-mixing');
    expect(kindCounts(run)).toEqual({ agent: 1, llm: 3, tool: 2 });
    expect(generatedRequests(run.flatMap((r) => (r.draft.kind === 'llm' ? r.draft.artifacts : [])))).toEqual(scriptedCalls('data-mixing'));
    const post = run.find((r) => r.draft.toolName === 'post_message')!.draft;
    expect(post.callId).toBe('call_Mf2jW9xR4sTb7NqC0vKe3HyA');
    expect(asText(post.toolArguments)).toContain('Dana Whitfield');
    const docs = run.find((r) => r.draft.toolName === 'search_docs')!.draft.artifacts.find((a) => a.kind === 'tool_result')!;
    expect(asText(docs.value)).toContain('doc-hr-q3-rif-007');
  });
});

describe('Vercel AI SDK v7 spans', () => {
  it('go to the GenAI adapter when they carry gen_ai.operation.name and messages', () => {
    const d = adaptSpan(
      spanRow(
        'ai.generateText.doGenerate',
        {
          'ai.operationId': 'ai.generateText.doGenerate',
          'gen_ai.operation.name': 'chat',
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
        },
        { scope_name: 'ai' },
      ),
    );
    expect(d).toMatchObject({ kind: 'llm', convention: 'genai', operation: 'chat' });
    expect(d.artifacts).toEqual([{ kind: 'user_prompt', relation: 'used', value: 'hi', role: 'gen_ai.input.messages[0].parts[0]' }]);
  });
});

describe('Vercel AI SDK streamText with @ai-sdk/openai (captured, ai 5 and 6)', () => {
  for (const library of ['vercel-ai-v5-stream', 'vercel-ai-v6-stream'] as const) {
    it(`${library}: each ai.streamText.doStream generates the tool calls it streamed, with their ids, and each ai.toolCall carries the id it ran`, () => {
      for (const scenario of SCENARIOS) {
        const run = adaptRun(library, scenario);
        const llm = run.filter((r) => r.draft.kind === 'llm');
        expect(llm.every((r) => r.span.name === 'ai.streamText.doStream')).toBe(true);
        expect(llm).toHaveLength(SCRIPTS[scenario].turns.length);
        expect(generatedRequests(llm.flatMap((r) => r.draft.artifacts)), `${library}/${scenario}`).toEqual(scriptedCalls(scenario));
        const tools = run.filter((r) => r.draft.kind === 'tool').map((r) => ({ toolName: r.draft.toolName, callId: r.draft.callId }));
        expect(tools.sort((a, b) => a.callId!.localeCompare(b.callId!))).toEqual(scriptedCalls(scenario).sort((a, b) => a.callId.localeCompare(b.callId)));
        for (const r of llm) {
          expect(r.draft.artifacts.find((a) => a.kind === 'system_instruction')?.value).toBe(SYSTEM_PROMPT);
          expect(r.draft.artifacts.find((a) => a.kind === 'user_prompt')?.value).toBe(SCRIPTS[scenario].user);
        }
        expect(run.find((r) => r.draft.kind === 'agent')?.span.name).toBe('ai.streamText');
      }
    });
  }

  it('reads streamed tool-call input given as an object (ai 5) like the JSON text of ai 6', () => {
    const send = (library: 'vercel-ai-v5-stream' | 'vercel-ai-v6-stream') =>
      adaptRun(library, 'prompt-injection')
        .filter((r) => r.draft.kind === 'llm')
        .flatMap((r) => r.draft.artifacts)
        .find((a) => a.relation === 'generated' && a.toolName === 'send_email')!;
    for (const library of ['vercel-ai-v5-stream', 'vercel-ai-v6-stream'] as const) {
      const value = send(library).value;
      expect(typeof value === 'string' ? JSON.parse(value) : value).toMatchObject({ to: OUTSIDE_ADDRESS, subject: 'recon' });
    }
  });
});
