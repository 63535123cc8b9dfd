import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../../fixtures/agents/scenarios.ts';
import { LIBRARIES } from '../../../../fixtures/agents/telemetry.ts';
import { genaiLogAdapter } from './genai-logs.ts';
import { adaptLog, adaptSpan } from './index.ts';
import { capturedLogs, capturedSpans, logRow, spanRow } from '@causeway/testkit/adapters-support.ts';

describe('adaptSpan', () => {
  it('keeps spans no convention knows as other activities named after the span', () => {
    expect(adaptSpan(spanRow('GET /api/orders', { 'http.request.method': 'GET' }))).toEqual({ kind: 'other', convention: 'other', operation: 'GET /api/orders', artifacts: [] });
  });

  it('reads every captured span of every library and scenario without throwing, none as `other` by accident', () => {
    for (const library of LIBRARIES) {
      for (const scenario of SCENARIOS) {
        for (const span of capturedSpans(library, scenario)) {
          const d = adaptSpan(span);
          expect(d.convention, `${library}/${scenario}/${span.name}`).not.toBe('other');
        }
        if (library === 'openai') for (const log of capturedLogs(library, scenario)) expect(adaptLog(log).length).toBeGreaterThan(0);
      }
    }
  });

  it('prefers OpenInference and Traceloop over GenAI, and GenAI over Vercel AI', () => {
    const both = { 'gen_ai.operation.name': 'chat' };
    expect(adaptSpan(spanRow('x', { ...both, 'openinference.span.kind': 'TOOL', 'tool.name': 't' })).convention).toBe('openinference');
    expect(adaptSpan(spanRow('x', { ...both, 'traceloop.span.kind': 'tool' })).convention).toBe('traceloop');
    expect(adaptSpan(spanRow('x', { ...both, 'ai.operationId': 'ai.generateText.doGenerate' })).convention).toBe('genai');
    expect(adaptSpan(spanRow('x', { 'gen_ai.request.model': 'm', 'ai.operationId': 'ai.generateText.doGenerate' })).convention).toBe('vercel-ai');
  });

  it('survives malformed content in every convention', () => {
    const broken = '{"truncated": [';
    const spans = [
      spanRow('a', { 'openinference.span.kind': 'LLM', 'input.value': broken, 'output.value': broken, 'llm.input_messages.0.message.content': broken }),
      spanRow('b', { 'openinference.span.kind': 'TOOL', 'input.value': broken, 'output.value': '{"output":{"kwargs":null}}' }),
      spanRow('c', { 'openinference.span.kind': 'RETRIEVER', 'output.value': '{"documents":[null,1,"x"]}', 'retrieval.documents.0.document.metadata': broken }),
      spanRow('d', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.prompt.messages': broken, 'ai.response.toolCalls': '[null, 3, {}]' }),
      spanRow('e', { 'ai.operationId': 'ai.generateText', 'ai.prompt': broken }),
      spanRow('f', { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[null, 1, "x", {"parts": 5}, {"role": 7}]' }),
      spanRow('g', { 'gen_ai.operation.name': 'retrieval', 'gen_ai.retrieval.documents': '[null, 1]' }),
    ];
    // adaptSpan would turn a throwing adapter into `other`: the convention shows none threw.
    for (const s of spans) expect(adaptSpan(s).convention, s.name).not.toBe('other');
    expect(adaptSpan(spans[0]!)).toMatchObject({ kind: 'llm', convention: 'openinference' });
    expect(adaptSpan(spans[3]!).artifacts).toEqual([]);
    expect(genaiLogAdapter.read(logRow({ message: 'not a message' }, { 'event.name': 'gen_ai.choice' }))).toEqual([
      { kind: 'model_output', relation: 'generated', value: 'not a message', role: 'log(gen_ai.choice).body.message' },
    ]);
  });
});
