// OpenInference (Arize; e.g. @arizeai/openinference-instrumentation-langchain): the role is in
// `openinference.span.kind`, content in flattened attributes (llm.input_messages.<i>.message.…,
// retrieval.documents.<i>.document.…) and in input.value / output.value. The LangChain
// instrumentation leaves ids out of the flattened attributes: tool call ids, a tool span's own
// call id and result, and document ids are only in the serialized LangChain objects in
// input.value / output.value, so those are read too and matched to the flattened entries by
// position (and name / content where both sides have one). Streamed chat completions with
// parallel tool calls come out concatenated into one call (concatenated-calls.ts).
import type { SpanRow } from '@causeway/schemas';
import { entries, get, groupIndexed, isObj, num, type Obj, str, structured, text } from './attrs.ts';
import { splitConcatenatedCall } from './concatenated-calls.ts';
import { type Message, type Part, compact, kindForRole, messageDrafts, readMessage, sourceOf, toolDrafts } from './messages.ts';
import type { ActivityDraft, ActivityKind, ArtifactDraft, SpanAdapter } from './types.ts';

const KINDS: Record<string, ActivityKind> = {
  LLM: 'llm',
  RETRIEVER: 'retrieval',
  TOOL: 'tool',
  AGENT: 'agent',
  CHAIN: 'other',
  EMBEDDING: 'other',
  RERANKER: 'other',
  GUARDRAIL: 'other',
  EVALUATOR: 'other',
  PROMPT: 'other',
};

export const openInferenceAdapter: SpanAdapter = {
  convention: 'openinference',
  matches: (span) => span.attributes.some((a) => a.key === 'openinference.span.kind'),
  read(span) {
    const a = span.attributes;
    const spanKind = (text(a, 'openinference.span.kind') ?? '').toUpperCase();
    // A root CHAIN is the whole run (LangChain has no AGENT span for a runnable agent loop).
    const kind: ActivityKind = spanKind === 'CHAIN' && span.parent_span_id === '' ? 'agent' : (KINDS[spanKind] ?? 'other');
    const draft = compact<ActivityDraft>({
      kind,
      convention: 'openinference',
      operation: spanKind || span.name,
      agentName: text(a, 'agent.name') ?? (kind === 'agent' ? span.name : undefined),
      conversationId: text(a, 'session.id'),
      model: text(a, 'llm.model_name'),
      artifacts: [],
    });
    if (kind === 'llm') draft.artifacts.push(...llmDrafts(span));
    else if (kind === 'tool') readTool(span, draft);
    else if (kind === 'retrieval') {
      draft.dataSource = span.name;
      draft.artifacts.push(...retrievalDrafts(span));
    } else if (kind === 'agent') draft.artifacts.push(...runDrafts(span));
    return draft;
  },
};

// ---------------------------------------------------------------------------------------------
// LLM

function llmDrafts(span: SpanRow): ArtifactDraft[] {
  const a = span.attributes;
  const input = merge(flatMessages(span, 'llm.input_messages'), serializedInput(get(a, 'input.value')));
  const output = merge(flatMessages(span, 'llm.output_messages'), serializedOutput(get(a, 'output.value')));
  const offered = offeredTools(span);
  for (const m of output) m.parts = m.parts.flatMap((p): Part[] => (p.t === 'call' ? (splitConcatenatedCall(p, offered)?.map((c) => ({ ...p, ...c })) ?? [p]) : [p]));
  return [...messageDrafts(input, 'used'), ...messageDrafts(output, 'generated')];
}

/** Names of the tools the model was offered (`llm.tools.<i>.tool.json_schema`, OpenAI function format or bare). */
function offeredTools(span: SpanRow): Set<string> {
  const names = new Set<string>();
  for (const [, f] of groupIndexed(entries(span.attributes), 'llm.tools')) {
    const schema = structured(f.get('tool.json_schema'));
    const name = isObj(schema) ? (str(isObj(schema.function) ? schema.function.name : undefined) ?? str(schema.name)) : undefined;
    if (name) names.add(name);
  }
  return names;
}

/** Content part types that hold text (the Responses API says input_text / output_text). */
const TEXT_CONTENT = new Set(['text', 'input_text', 'output_text']);

/** `<prefix>.<i>.message.role|content|contents.<j>.message_content.text|tool_calls.<j>.tool_call.…|tool_call_id|name` */
function flatMessages(span: SpanRow, prefix: string): Message[] {
  const out: Message[] = [];
  for (const [i, f] of groupIndexed(entries(span.attributes), prefix)) {
    const contents = groupIndexed(f, 'message.contents')
      .filter(([, c]) => TEXT_CONTENT.has(String(c.get('message_content.type') ?? 'text')))
      .map(([, c]) => ({ type: 'text', text: c.get('message_content.text') }));
    const content = f.get('message.content');
    const calls = groupIndexed(f, 'message.tool_calls').map(([, c]) => ({
      id: c.get('tool_call.id'),
      function: { name: c.get('tool_call.function.name'), arguments: c.get('tool_call.function.arguments') },
    }));
    const raw = {
      role: f.get('message.role'),
      content: (content === undefined || content === '') && contents.length > 0 ? contents : content,
      tool_calls: calls,
      tool_call_id: f.get('message.tool_call_id'),
      name: f.get('message.name'),
    };
    const m = readMessage(raw, `${prefix}.${i}.message`);
    if (m) out.push(m);
  }
  return out;
}

/** input.value of an LLM span: LangChain `{"messages":[[serialized…]]}`, or an OpenAI-style request `{messages:[…]}`. */
function serializedInput(v: unknown): Message[] {
  const p = structured(v);
  if (!isObj(p) || !Array.isArray(p.messages)) return [];
  const list: unknown[] = Array.isArray(p.messages[0]) ? p.messages[0] : p.messages;
  return list.flatMap((m, i) => readMessage(fromLangChain(m), `input.value.messages[${i}]`) ?? []);
}

/** output.value: LangChain `{generations:[[{text, message}]]}`, or an OpenAI-style response `{choices:[{message}]}`. */
function serializedOutput(v: unknown): Message[] {
  const p = structured(v);
  if (!isObj(p)) return [];
  if (Array.isArray(p.generations)) {
    const gens: unknown[] = Array.isArray(p.generations[0]) ? p.generations[0] : p.generations;
    return gens.flatMap((g, i) => {
      if (!isObj(g)) return [];
      const msg = g.message !== undefined ? fromLangChain(g.message) : { role: 'assistant', content: g.text };
      return readMessage(msg, `output.value.generations[${i}]`, 'assistant') ?? [];
    });
  }
  if (Array.isArray(p.choices)) return p.choices.flatMap((c, i) => (isObj(c) ? (readMessage(c.message, `output.value.choices[${i}].message`, 'assistant') ?? []) : []));
  return [];
}

const LC_ROLES: Record<string, string> = {
  SystemMessage: 'system',
  HumanMessage: 'user',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  ToolMessage: 'tool',
  FunctionMessage: 'function',
};

/** A serialized LangChain message (`{lc, type:"constructor", id:[…,"AIMessage"], kwargs}`) as an OpenAI-style one. */
function fromLangChain(m: unknown): unknown {
  if (!isObj(m) || !isObj(m.kwargs) || !Array.isArray(m.id)) return m;
  const k = m.kwargs;
  const cls = String(m.id[m.id.length - 1]);
  const role = LC_ROLES[cls] ?? str(k.role) ?? 'user';
  const extra = isObj(k.additional_kwargs) ? k.additional_kwargs : {};
  // tool_calls ({id, name, args}) is the parsed form; additional_kwargs.tool_calls the raw OpenAI one.
  const calls = Array.isArray(k.tool_calls) && k.tool_calls.length > 0 ? k.tool_calls : extra.tool_calls;
  return { role, content: k.content, tool_calls: calls, tool_call_id: k.tool_call_id, name: k.name };
}

/**
 * The flattened messages, with the ids only the serialized ones carry. Matched by position;
 * a call or result takes an id only when its name (and a result's text) agrees.
 * Without flattened messages, the serialized ones are used as they are.
 */
function merge(flat: Message[], serialized: Message[]): Message[] {
  if (flat.length === 0) return serialized;
  flat.forEach((m, i) => {
    const s = serialized[i];
    if (!s || kindForRole(s.role) !== kindForRole(m.role)) return;
    fill(m.parts.filter((p) => p.t === 'call'), s.parts.filter((p) => p.t === 'call'));
    fill(m.parts.filter((p) => p.t === 'result'), s.parts.filter((p) => p.t === 'result'));
  });
  return flat;
}

function fill(target: Part[], source: Part[]): void {
  target.forEach((p, j) => {
    const s = source[j];
    if (!s || p.t === 'text' || s.t === 'text') return;
    if (p.name && s.name && p.name !== s.name) return;
    // Results: a different text means the positions do not line up.
    if (p.t === 'result' && s.t === 'result' && typeof p.value === 'string' && typeof s.value === 'string' && p.value !== s.value) return;
    p.id ??= s.id;
    p.name ??= s.name;
  });
}

// ---------------------------------------------------------------------------------------------
// TOOL

function readTool(span: SpanRow, draft: ActivityDraft): void {
  const a = span.attributes;
  const toolName = text(a, 'tool.name') ?? text(a, 'tool_call.function.name') ?? span.name;
  // input.value as carried: JSON text, or the bare value a one-field object collapsed to
  // (mime text/plain); canonicalization downstream reads both alike.
  const argsKey = get(a, 'input.value') !== undefined ? 'input.value' : 'tool_call.function.arguments';
  const args = get(a, argsKey);
  const out = toolOutput(get(a, 'output.value'));
  // `tool.id`: the spec's id of the call a TOOL span ran (what its result answers).
  const callId = text(a, 'tool.id') ?? text(a, 'tool_call.id') ?? out.callId;
  Object.assign(draft, compact({ toolName, callId, toolArguments: args }));
  draft.artifacts.push(...toolDrafts({ toolName, callId, args, argsRole: argsKey, result: out.value, resultRole: out.role }));
}

/** A LangChain tool's output.value is `{"output": <serialized ToolMessage>}`: the result is its content. */
function toolOutput(v: unknown): { value: unknown; callId?: string | undefined; role: string } {
  const p = structured(v);
  const msg = isObj(p) && isObj(p.output) ? p.output : p;
  if (isObj(msg) && isObj(msg.kwargs) && Array.isArray(msg.id) && 'content' in msg.kwargs) {
    return { value: msg.kwargs.content, callId: str(msg.kwargs.tool_call_id), role: msg === p ? 'output.value.kwargs.content' : 'output.value.output.kwargs.content' };
  }
  return { value: v, role: 'output.value' };
}

// ---------------------------------------------------------------------------------------------
// RETRIEVER

interface Doc {
  id?: string | undefined;
  content: unknown;
  metadata: unknown;
  score?: number | undefined;
  where: string;
}

function retrievalDrafts(span: SpanRow): ArtifactDraft[] {
  const a = span.attributes;
  const out: ArtifactDraft[] = [];
  const query = get(a, 'input.value');
  if (query !== undefined && query !== '') out.push({ kind: 'tool_request', relation: 'used', value: query, role: 'input.value', toolName: span.name });
  const flat: Doc[] = groupIndexed(entries(a), 'retrieval.documents').map(([i, f]) => ({
    id: str(f.get('document.id')),
    content: f.get('document.content'),
    metadata: structured(f.get('document.metadata')),
    score: num(f.get('document.score')),
    where: `retrieval.documents.${i}.document`,
  }));
  const serialized = serializedDocs(get(a, 'output.value'));
  const docs = flat.length > 0 ? flat : serialized;
  if (flat.length > 0) {
    // Document ids are only in output.value: take one by position when the content agrees.
    flat.forEach((d, i) => {
      const s = serialized[i];
      if (!d.id && s?.id && (d.content === undefined || s.content === undefined || d.content === s.content)) d.id = s.id;
    });
  }
  for (const d of docs) {
    out.push(
      compact<ArtifactDraft>({
        kind: 'document',
        relation: 'generated',
        value: d.content,
        role: d.where,
        documentId: d.id,
        source: sourceOf(d.metadata),
        score: d.score,
      }),
    );
  }
  return out;
}

/** `{"documents":[{pageContent, metadata, id}]}` (LangChain Documents). */
function serializedDocs(v: unknown): Doc[] {
  const p = structured(v);
  const list = isObj(p) && Array.isArray(p.documents) ? p.documents : [];
  return list.flatMap((d: unknown, i: number) => {
    if (!isObj(d)) return [];
    const o: Obj = isObj(d.kwargs) ? d.kwargs : d;
    return [{ id: str(o.id), content: o.pageContent ?? o.page_content ?? o.content, metadata: o.metadata, score: num(o.score), where: `output.value.documents[${i}]` }];
  });
}

// ---------------------------------------------------------------------------------------------
// AGENT (and the root chain)

function runDrafts(span: SpanRow): ArtifactDraft[] {
  const a = span.attributes;
  const out: ArtifactDraft[] = [];
  const input = get(a, 'input.value');
  if (input !== undefined && input !== '') out.push({ kind: 'user_prompt', relation: 'used', value: input, role: 'input.value' });
  const output = get(a, 'output.value');
  if (output !== undefined && output !== '') out.push({ kind: 'outcome', relation: 'generated', value: output, role: 'output.value' });
  return out;
}
