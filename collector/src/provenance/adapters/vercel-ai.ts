// Vercel AI SDK telemetry (v4–v6, `experimental_telemetry`): `ai.*` attributes on INTERNAL spans
// of scope `ai`. The run (`ai.generateText` …) is read as the agent, each model call
// (`….doGenerate` / `….doStream`) as an LLM call, `ai.toolCall` as a tool execution. Spans that
// speak OTel GenAI (v7) are claimed by the genai adapter first (see index.ts).
import type { SpanRow } from '@causeway/schemas';
import { firstText, get, isObj, str, structured, text } from './attrs.ts';
import { type Message, type Part, compact, messageDrafts, readMessages, toolDrafts } from './messages.ts';
import type { ActivityDraft, ActivityKind, ArtifactDraft, SpanAdapter } from './types.ts';

const RUN = /^ai\.(generateText|streamText|generateObject|streamObject)$/;
const MODEL_CALL = /\.(doGenerate|doStream)$/;

function operationOf(span: SpanRow): string {
  return text(span.attributes, 'ai.operationId') ?? span.name;
}

function kindOf(op: string): ActivityKind {
  if (op === 'ai.toolCall') return 'tool';
  if (MODEL_CALL.test(op)) return 'llm';
  if (RUN.test(op)) return 'agent';
  // ai.embed / ai.embedMany and anything newer: kept, not interpreted.
  return 'other';
}

export const vercelAiAdapter: SpanAdapter = {
  convention: 'vercel-ai',
  matches: (span) => span.scope_name === 'ai' || span.attributes.some((a) => a.key === 'ai.operationId'),
  read(span) {
    const a = span.attributes;
    const op = operationOf(span);
    const kind = kindOf(op);
    const draft = compact<ActivityDraft>({
      kind,
      convention: 'vercel-ai',
      operation: op,
      // functionId names the run; every span of it carries it.
      agentName: text(a, 'ai.telemetry.functionId'),
      conversationId: firstText(a, [
        'ai.telemetry.metadata.conversation_id',
        'ai.telemetry.metadata.conversationId',
        'ai.telemetry.metadata.session_id',
        'ai.telemetry.metadata.sessionId',
      ]),
      model: firstText(a, ['ai.model.id', 'ai.response.model', 'gen_ai.request.model']),
      artifacts: [],
    });
    if (kind === 'tool') readTool(span, draft);
    else if (kind === 'llm') draft.artifacts.push(...modelCallDrafts(span));
    else if (kind === 'agent') draft.artifacts.push(...runDrafts(span));
    return draft;
  },
};

function readTool(span: SpanRow, draft: ActivityDraft): void {
  const a = span.attributes;
  const toolName = text(a, 'ai.toolCall.name');
  const callId = text(a, 'ai.toolCall.id');
  const argsKey = get(a, 'ai.toolCall.args') !== undefined ? 'ai.toolCall.args' : 'ai.toolCall.input';
  const resultKey = get(a, 'ai.toolCall.result') !== undefined ? 'ai.toolCall.result' : 'ai.toolCall.output';
  const args = get(a, argsKey);
  Object.assign(draft, compact({ toolName, callId, toolArguments: args }));
  draft.artifacts.push(...toolDrafts({ toolName, callId, args, argsRole: argsKey, result: get(a, resultKey), resultRole: resultKey }));
}

/** A model call: the ModelMessages it was sent, and the text / object / tool calls it returned. */
function modelCallDrafts(span: SpanRow): ArtifactDraft[] {
  const a = span.attributes;
  const input = readMessages(get(a, 'ai.prompt.messages'), 'ai.prompt.messages');
  const out = messageDrafts(input, 'used');
  const generated: Part[] = [];
  for (const key of ['ai.response.text', 'ai.response.object']) {
    const v = get(a, key);
    if (v !== undefined) generated.push({ t: 'text', value: v, where: key });
  }
  // [{toolCallId, toolName, input: "<JSON text>"}] (v4: args); the input stays as the SDK wrote it.
  const calls = structured(get(a, 'ai.response.toolCalls'));
  if (Array.isArray(calls)) {
    calls.forEach((c, i) => {
      if (!isObj(c)) return;
      generated.push({ t: 'call', name: str(c.toolName), id: str(c.toolCallId), args: c.input ?? c.args, where: `ai.response.toolCalls[${i}]` });
    });
  }
  const response: Message = { role: 'assistant', parts: generated };
  return [...out, ...messageDrafts([response], 'generated')];
}

/** The run: `ai.prompt` = {system, prompt, messages} as given to generateText, and its final answer. */
function runDrafts(span: SpanRow): ArtifactDraft[] {
  const a = span.attributes;
  const out: ArtifactDraft[] = [];
  const prompt = structured(get(a, 'ai.prompt'));
  if (isObj(prompt)) {
    if (prompt.system !== undefined && prompt.system !== null && prompt.system !== '') {
      out.push({ kind: 'system_instruction', relation: 'used', value: prompt.system, role: 'ai.prompt.system' });
    }
    if (typeof prompt.prompt === 'string' && prompt.prompt !== '') out.push({ kind: 'user_prompt', relation: 'used', value: prompt.prompt, role: 'ai.prompt.prompt' });
    else if (Array.isArray(prompt.prompt)) out.push(...messageDrafts(readMessages(prompt.prompt, 'ai.prompt.prompt'), 'used'));
    out.push(...messageDrafts(readMessages(prompt.messages, 'ai.prompt.messages'), 'used'));
  } else if (typeof prompt === 'string' && prompt !== '') {
    out.push({ kind: 'user_prompt', relation: 'used', value: prompt, role: 'ai.prompt' });
  }
  for (const key of ['ai.response.text', 'ai.response.object']) {
    const v = get(a, key);
    if (v !== undefined && v !== '') out.push({ kind: 'outcome', relation: 'generated', value: v, role: key });
  }
  return out;
}
