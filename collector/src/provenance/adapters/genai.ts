// OpenTelemetry GenAI semantic conventions. The current ones (gen_ai.operation.name,
// gen_ai.input.messages / output.messages / system_instructions as JSON or OTLP arrays, the
// execute_tool and retrieval attributes), and the older ones still in the wild: messages as span
// events (see genai-events.ts) and OpenLLMetry's indexed gen_ai.prompt.N.* / gen_ai.completion.N.*.
// The read functions are exported so adapters for libraries that embed GenAI spans can delegate.
import type { SpanRow } from '@causeway/schemas';
import { entries, firstText, get, groupIndexed, isObj, num, str, structured, text } from './attrs.ts';
import { eventBody, eventName, genAiEventDrafts, isGenAiEvent } from './genai-events.ts';
import { type Message, callNames, compact, messageDrafts, readMessage, readMessages, sourceOf, systemInstructionDrafts, toolDrafts } from './messages.ts';
import type { ActivityDraft, ActivityKind, ArtifactDraft, Convention, SpanAdapter } from './types.ts';

const OPERATION_KINDS: Record<string, ActivityKind> = {
  chat: 'llm',
  generate_content: 'llm',
  text_completion: 'llm',
  completion: 'llm',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  invoke_workflow: 'agent',
  retrieval: 'retrieval',
  retrieve: 'retrieval',
  // An embedding call turns text into vectors; nothing is retrieved yet.
  embeddings: 'other',
};

/** Keys whose presence means the span speaks GenAI (gen_ai.system / request.model alone do not: Vercel AI v6 sets them). */
const GENAI_KEYS = new Set([
  'gen_ai.operation.name',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.retrieval.documents',
  'gen_ai.retrieval.query.text',
]);

export function hasGenAi(span: SpanRow): boolean {
  return (
    span.attributes.some((a) => GENAI_KEYS.has(a.key) || a.key.startsWith('gen_ai.prompt.') || a.key.startsWith('gen_ai.completion.')) ||
    span.events.some((e) => isGenAiEvent(eventName(e.name, e.attributes)))
  );
}

export const genaiAdapter: SpanAdapter = {
  convention: 'genai',
  matches: hasGenAi,
  read: (span) => readGenAi(span),
};

/** The whole span read as GenAI; `convention` lets a delegating adapter keep its own label. */
export function readGenAi(span: SpanRow, convention?: Convention): ActivityDraft {
  const a = span.attributes;
  const op = text(a, 'gen_ai.operation.name');
  const kind = kindOf(span, op);
  const dataSource = text(a, 'gen_ai.data_source.id');
  const draft = compact<ActivityDraft>({
    kind,
    convention: convention ?? 'genai',
    operation: op ?? span.name,
    agentName: text(a, 'gen_ai.agent.name'),
    agentId: text(a, 'gen_ai.agent.id'),
    conversationId: text(a, 'gen_ai.conversation.id'),
    model: firstText(a, ['gen_ai.request.model', 'gen_ai.response.model']),
    dataSource,
    artifacts: [],
  });
  const out = draft.artifacts;

  out.push(...systemInstructionDrafts(get(a, 'gen_ai.system_instructions'), 'gen_ai.system_instructions'));
  const input = [...readMessages(get(a, 'gen_ai.input.messages'), 'gen_ai.input.messages'), ...indexedMessages(span, 'gen_ai.prompt')];
  out.push(...messageDrafts(input, 'used'));
  const output = [...readMessages(get(a, 'gen_ai.output.messages'), 'gen_ai.output.messages'), ...indexedMessages(span, 'gen_ai.completion')];
  out.push(...messageDrafts(output, 'generated', { generatedText: kind === 'agent' ? 'outcome' : 'model_output', names: callNames(input) }));

  const eventDrafts = span.events.flatMap((e, i) => {
    const name = eventName(e.name, e.attributes);
    return isGenAiEvent(name) ? genAiEventDrafts(name, eventBody(e.attributes), `events[${i}](${name})`) : [];
  });
  out.push(...eventDrafts);
  if (!convention && eventDrafts.length > 0 && input.length + output.length === 0) draft.convention = 'genai-events';

  if (kind === 'tool') {
    const toolName = text(a, 'gen_ai.tool.name');
    const callId = text(a, 'gen_ai.tool.call.id');
    const args = get(a, 'gen_ai.tool.call.arguments');
    Object.assign(draft, compact({ toolName, callId, toolArguments: args }));
    out.push(...toolDrafts({ toolName, callId, args, argsRole: 'gen_ai.tool.call.arguments', result: get(a, 'gen_ai.tool.call.result'), resultRole: 'gen_ai.tool.call.result' }));
  }
  if (kind === 'retrieval') out.push(...retrievalDrafts(span, dataSource));
  return draft;
}

function kindOf(span: SpanRow, op: string | undefined): ActivityKind {
  if (op && OPERATION_KINDS[op]) return OPERATION_KINDS[op];
  const a = span.attributes;
  if (text(a, 'gen_ai.tool.name') && (get(a, 'gen_ai.tool.call.arguments') !== undefined || get(a, 'gen_ai.tool.call.result') !== undefined)) return 'tool';
  if (get(a, 'gen_ai.retrieval.documents') !== undefined) return 'retrieval';
  // An operation we do not know (the Vercel AI SDK's `agent_step`) is a model call only if it carries messages.
  if (op) return carriesMessages(span) ? 'llm' : 'other';
  if (hasGenAi(span)) return 'llm';
  return 'other';
}

function carriesMessages(span: SpanRow): boolean {
  return (
    span.attributes.some((a) => (GENAI_KEYS.has(a.key) && a.key.endsWith('messages')) || a.key.startsWith('gen_ai.prompt.') || a.key.startsWith('gen_ai.completion.')) ||
    span.events.some((e) => isGenAiEvent(eventName(e.name, e.attributes)))
  );
}

/** OpenLLMetry's flattened messages: `<prefix>.<i>.role|content|tool_call_id`, `.tool_calls.<j>.id|name|arguments`. */
export function indexedMessages(span: SpanRow, prefix: 'gen_ai.prompt' | 'gen_ai.completion'): Message[] {
  const out: Message[] = [];
  for (const [i, f] of groupIndexed(entries(span.attributes), prefix)) {
    const calls = groupIndexed(f, 'tool_calls').map(([, c]) => ({ id: c.get('id'), name: c.get('name'), arguments: c.get('arguments') }));
    const fnName = f.get('function_call.name');
    const raw = {
      role: f.get('role') ?? (prefix === 'gen_ai.completion' ? 'assistant' : undefined),
      content: f.get('content'),
      tool_call_id: f.get('tool_call_id'),
      tool_calls: calls,
      ...(fnName !== undefined ? { function_call: { name: fnName, arguments: f.get('function_call.arguments') } } : {}),
    };
    const m = readMessage(raw, `${prefix}.${i}`);
    if (m) out.push(m);
  }
  return out;
}

/** The retrieval query (as the retriever's request) and each retrieved document. */
function retrievalDrafts(span: SpanRow, dataSource: string | undefined): ArtifactDraft[] {
  const a = span.attributes;
  const out: ArtifactDraft[] = [];
  const retriever = dataSource ?? span.name;
  const query = get(a, 'gen_ai.retrieval.query.text');
  if (query !== undefined) out.push({ kind: 'tool_request', relation: 'used', value: query, role: 'gen_ai.retrieval.query.text', toolName: retriever });
  const docs = structured(get(a, 'gen_ai.retrieval.documents'));
  if (Array.isArray(docs)) {
    docs.forEach((d, i) => {
      const doc = structured(d);
      const o = isObj(doc) ? doc : {};
      const value = o.content ?? o.text ?? o.page_content ?? doc;
      out.push(
        compact<ArtifactDraft>({
          kind: 'document',
          relation: 'generated',
          value,
          role: `gen_ai.retrieval.documents[${i}]`,
          documentId: str(o.id),
          source: sourceOf(o) ?? sourceOf(o.metadata) ?? dataSource,
          score: num(o.score),
        }),
      );
    });
  }
  return out;
}
