// The conversation of one span, from wherever its convention put the messages:
//   span attributes   OTel GenAI gen_ai.input.messages / output.messages / system_instructions;
//                     older indexed gen_ai.prompt.N.* / gen_ai.completion.N.* (OpenLLMetry);
//                     OpenInference llm.input_messages.N.message.* / llm.output_messages.* (call ids
//                     LangChain's input.value / output.value hold when these lack them),
//                     retrieval.documents.N.document.*; Vercel AI ai.prompt.messages, ai.prompt,
//                     ai.response.text / toolCalls; tool calls (gen_ai.tool.call.*, ai.toolCall.*,
//                     OpenInference tool input.value / output.value, traceloop.entity.*)
//   span events       gen_ai.system|user|assistant|tool.message, gen_ai.choice, gen_ai.content.prompt|
//                     completion, gen_ai.client.inference.operation.details, db.query.result
//   log records       the same events sent as OTLP logs (@opentelemetry/instrumentation-openai),
//                     their fields in the body or the attributes
// Then shown once what two carriers both said, and the calls of one answer as one turn.
// Pure; checked against every captured payload of real libraries (captured.test.ts).
import type { AnyValue, KeyValue, OtlpSpan } from '@causeway/schemas';
import { type Conversation, emptyConversation, type Message } from './model.ts';
import { isObj, readMessage, readMessages, structured, text, withIdsFrom } from './read.ts';

export function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
  return undefined;
}

const attrMap = (attrs: readonly KeyValue[] | undefined): Map<string, unknown> => new Map((attrs ?? []).map((a) => [a.key, anyValue(a.value)]));

/** `<prefix>.<i>.<rest>` keys grouped by i (in order), each a map of rest → value. */
function indexed(a: Map<string, unknown>, prefix: string): Map<string, unknown>[] {
  const groups = new Map<number, Map<string, unknown>>();
  const p = `${prefix}.`;
  for (const [k, v] of a) {
    if (!k.startsWith(p)) continue;
    const m = /^(\d+)\.(.+)$/.exec(k.slice(p.length));
    if (!m) continue;
    const i = Number(m[1]);
    (groups.get(i) ?? groups.set(i, new Map()).get(i)!).set(m[2]!, v);
  }
  return [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
}

/** OpenInference `<prefix>.N.message.*` (and OpenLLMetry's flatter `<prefix>.N.*`) as message objects. */
function indexedMessages(a: Map<string, unknown>, prefix: string, inner: string, defaultRole?: string): Message[] {
  return indexed(a, prefix).flatMap((g, i) => {
    const f = (k: string): unknown => g.get(`${inner}${k}`);
    const calls = indexed(new Map([...g].filter(([k]) => k.startsWith(`${inner}tool_calls.`)).map(([k, v]) => [k.slice(inner.length), v])), 'tool_calls').map((c) => {
      const cf = (k: string): unknown => c.get(`tool_call.${k}`) ?? c.get(k);
      return { id: cf('id'), function: { name: cf('function.name') ?? cf('name'), arguments: cf('function.arguments') ?? cf('arguments') } };
    });
    // OpenInference message.contents.N.message_content.{type,text,image.image.url}: texts joined, an image as a part
    const contents = indexed(new Map([...g].filter(([k]) => k.startsWith(`${inner}contents.`)).map(([k, v]) => [k.slice(inner.length), v])), 'contents').flatMap((c): { type: string; text?: string; url?: string }[] => {
      const t = c.get('message_content.text') ?? c.get('text');
      const url = c.get('message_content.image.image.url') ?? c.get('message_content.image.url');
      return typeof t === 'string' ? [{ type: 'text', text: t }] : typeof url === 'string' ? [{ type: 'image', url }] : [];
    });
    const joined = contents.every((c) => c.type === 'text') ? contents.map((c) => c.text).join('\n') : contents;
    const raw = {
      role: f('role') ?? defaultRole,
      content: f('content') ?? (contents.length ? joined : undefined),
      tool_call_id: f('tool_call_id'),
      name: f('name'),
      tool_calls: calls,
      // a legacy function call: OpenInference message.function_call_name / _arguments_json, OpenLLMetry function_call.*
      ...((f('function_call_name') ?? f('function_call.name')) !== undefined
        ? { function_call: { name: f('function_call_name') ?? f('function_call.name'), arguments: f('function_call_arguments_json') ?? f('function_call.arguments') } }
        : {}),
    };
    return readMessage(raw, `${prefix}.${i}`) ?? [];
  });
}

const MESSAGE_EVENTS: Record<string, string> = { 'gen_ai.system.message': 'system', 'gen_ai.user.message': 'user', 'gen_ai.assistant.message': 'assistant', 'gen_ai.tool.message': 'tool' };
const ENVELOPE = new Set(['event.name', 'gen_ai.system', 'gen_ai.provider.name']);

/** One GenAI event (a span event or a log record): into `c`. */
export function addEvent(c: Conversation, name: string, body: unknown, from: string): boolean {
  const b = structured(body);
  const role = MESSAGE_EVENTS[name];
  if (role) {
    const m = readMessage(b, from, role);
    if (m) c.input.push(m);
    return m !== undefined;
  }
  if (name === 'gen_ai.choice') {
    const m = readMessage(isObj(b) && b.message !== undefined ? b.message : b, from, 'assistant');
    if (m) c.output.push(m);
    return m !== undefined;
  }
  if (name === 'gen_ai.client.inference.operation.details' && isObj(b)) {
    c.input.push(...systemMessages(b['gen_ai.system_instructions'], `${from}.gen_ai.system_instructions`), ...readMessages(b['gen_ai.input.messages'], `${from}.gen_ai.input.messages`));
    c.output.push(...readMessages(b['gen_ai.output.messages'], `${from}.gen_ai.output.messages`));
    return true;
  }
  if (name === 'gen_ai.content.prompt') {
    c.input.push(...readMessages(isObj(b) ? b['gen_ai.prompt'] : b, from));
    return true;
  }
  if (name === 'gen_ai.content.completion') {
    c.output.push(...readMessages(isObj(b) ? b['gen_ai.completion'] : b, from));
    return true;
  }
  if (name === 'db.query.result' && isObj(b)) {
    const doc = b['db.query.result.document'];
    if (doc === undefined) return false;
    c.output.push({ role: 'document', parts: [{ kind: 'document', id: text(b['db.query.result.id']), source: sourceOf(b['db.query.result.metadata']), text: text(doc) }], from });
    return true;
  }
  return false;
}

/** LangChain's LLMResult ({generations:[[{message}]]}) as messages. */
function generations(raw: unknown): Message[] {
  const v = structured(raw);
  const g = isObj(v) && Array.isArray(v.generations) ? (v.generations as unknown[]).flat() : [];
  return g.flatMap((x, i) => (isObj(x) ? (readMessage(x.message ?? x.text, `output.value.generations[${i}]`, 'assistant') ?? []) : []));
}

function systemMessages(raw: unknown, from: string): Message[] {
  const v = structured(raw);
  if (v === undefined) return [];
  const parts = Array.isArray(v) ? v : [v];
  const m = readMessage({ role: 'system', parts: parts.map((p) => (typeof p === 'string' ? { type: 'text', content: p } : p)) }, from);
  return m ? [m] : [];
}

function sourceOf(meta: unknown): string {
  const m = structured(meta);
  if (!isObj(m)) return '';
  for (const k of ['source', 'url', 'uri', 'from', 'sender', 'title', 'subject']) if (typeof m[k] === 'string') return m[k];
  return '';
}

function documents(list: unknown, from: string): Message[] {
  const docs = structured(list);
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((d, i) => {
    const o = structured(d);
    if (!isObj(o)) return typeof o === 'string' ? [{ role: 'document', parts: [{ kind: 'document' as const, id: '', source: '', text: o }], from: `${from}[${i}]` }] : [];
    const body = o.content ?? o.text ?? o.page_content ?? o.pageContent ?? o.document;
    return [{ role: 'document', parts: [{ kind: 'document' as const, id: text(o.id ?? o.document_id ?? ''), source: sourceOf(o.metadata) || text(o.source ?? o.url ?? ''), text: text(body ?? o) }], from: `${from}[${i}]` }];
  });
}

/** Everything the span (and its log records) says was sent and answered. */
export function conversationOf(span: OtlpSpan, logs: readonly { eventName?: string; attributes?: KeyValue[]; body?: AnyValue }[] = []): Conversation {
  const c = emptyConversation();
  const a = attrMap(span.attributes);
  const get = (k: string): unknown => a.get(k);
  // what each carrier added: [label, input from, input to, output from, output to]
  const carried: [string, number, number, number, number][] = [];
  let mark = [0, 0];
  const found = (label: string, before: number): void => {
    carried.push([label, mark[0]!, c.input.length, mark[1]!, c.output.length]);
    mark = [c.input.length, c.output.length];
    if (c.input.length + c.output.length > before && !c.sources.includes(label)) c.sources.push(label);
  };

  // OTel GenAI, current
  let before = c.input.length + c.output.length;
  c.input.push(...systemMessages(get('gen_ai.system_instructions'), 'gen_ai.system_instructions'), ...readMessages(get('gen_ai.input.messages'), 'gen_ai.input.messages'));
  c.output.push(...readMessages(get('gen_ai.output.messages'), 'gen_ai.output.messages'));
  c.output.push(...documents(get('gen_ai.retrieval.documents'), 'gen_ai.retrieval.documents'));
  found('span attributes (OTel GenAI)', before);
  // OTel GenAI, older indexed (OpenLLMetry)
  before = c.input.length + c.output.length;
  c.input.push(...indexedMessages(a, 'gen_ai.prompt', ''));
  c.output.push(...indexedMessages(a, 'gen_ai.completion', '', 'assistant'));
  found('span attributes (gen_ai.prompt.N, OpenLLMetry)', before);
  // OpenInference
  before = c.input.length + c.output.length;
  // OpenInference's LangChain instrumentation records no call ids in llm.*_messages; the
  // serialized messages in input.value / output.value carry them
  c.input.push(...withIdsFrom(indexedMessages(a, 'llm.input_messages', 'message.'), readMessages(get('input.value'), 'input.value')));
  c.output.push(...withIdsFrom(indexedMessages(a, 'llm.output_messages', 'message.', 'assistant'), generations(get('output.value'))));
  for (const [i, d] of indexed(a, 'retrieval.documents').entries()) {
    c.output.push({ role: 'document', parts: [{ kind: 'document', id: text(d.get('document.id') ?? ''), source: sourceOf(d.get('document.metadata')), text: text(d.get('document.content') ?? '') }], from: `retrieval.documents.${i}` });
  }
  found('span attributes (OpenInference)', before);
  // Vercel AI SDK
  before = c.input.length + c.output.length;
  const vPrompt = structured(get('ai.prompt'));
  if (get('ai.prompt.messages') !== undefined) c.input.push(...readMessages(get('ai.prompt.messages'), 'ai.prompt.messages'));
  else if (isObj(vPrompt)) {
    if (typeof vPrompt.system === 'string') c.input.push({ role: 'system', parts: [{ kind: 'text', text: vPrompt.system }], from: 'ai.prompt.system' });
    if (vPrompt.messages !== undefined) c.input.push(...readMessages(vPrompt.messages, 'ai.prompt.messages'));
    else if (vPrompt.prompt !== undefined) c.input.push(...(readMessage(vPrompt.prompt, 'ai.prompt.prompt', 'user') ? [readMessage(vPrompt.prompt, 'ai.prompt.prompt', 'user')!] : []));
  }
  const vCalls = structured(get('ai.response.toolCalls'));
  const vText = get('ai.response.text');
  if (typeof vText === 'string' && vText !== '') c.output.push({ role: 'assistant', parts: [{ kind: 'text', text: vText }], from: 'ai.response.text' });
  if (Array.isArray(vCalls)) {
    const m = readMessage({ role: 'assistant', tool_calls: vCalls }, 'ai.response.toolCalls');
    if (m) c.output.push(m);
  }
  found('span attributes (Vercel AI SDK)', before);
  // LangChain through OpenInference, when no llm.*_messages were recorded
  if (c.input.length === 0 && get('openinference.span.kind') === 'LLM') {
    before = c.input.length + c.output.length;
    c.input.push(...readMessages(get('input.value'), 'input.value'));
    found('span attributes (OpenInference input.value)', before);
  }
  // events on the span
  before = c.input.length + c.output.length;
  for (const [i, e] of (span.events ?? []).entries()) {
    const ea = attrMap(e.attributes);
    const name = MESSAGE_EVENTS[e.name] || e.name.startsWith('gen_ai.') || e.name === 'db.query.result' ? e.name : String(ea.get('event.name') ?? e.name);
    const body = ea.get('event.body') ?? ea.get('body') ?? Object.fromEntries([...ea].filter(([k]) => !ENVELOPE.has(k)));
    addEvent(c, name, body, `event ${i} ${name}`);
  }
  found('span events', before);
  // log records of the span
  before = c.input.length + c.output.length;
  for (const [i, r] of logs.entries()) {
    const la = attrMap(r.attributes);
    const name = r.eventName || String(la.get('event.name') ?? '');
    // an event's fields may be in its body, its attributes (gen_ai.client.inference.operation.details
    // puts gen_ai.input.messages there and sends an empty body), or both
    const fields = Object.fromEntries([...la].filter(([k]) => !ENVELOPE.has(k)));
    const b = anyValue(r.body);
    const body = b === undefined ? fields : isObj(b) ? { ...fields, ...b } : b;
    addEvent(c, name, body, `log record ${i} ${name}`);
  }
  found('log records', before);

  withoutRepeatedCarriers(c, carried);
  c.input = oneTurnPerAnswer(withoutRepeatedInstructions(c.input));
  c.output = oneAnswer(c.output);
  // the span's own OTel GenAI attributes may have said nothing the log records did not say better
  if (![...c.input, ...c.output].some((m) => m.from.startsWith('gen_ai.'))) c.sources = c.sources.filter((s) => s !== 'span attributes (OTel GenAI)');
  c.tool = toolOf(a);
  return c;
}

/**
 * The same messages sent twice, by two carriers of one span — the spec lets an instrumentation
 * record gen_ai.input.messages on the span and again in a gen_ai.client.inference.operation.details
 * event — are shown once: a carrier's whole input (or output) equal to an earlier carrier's is dropped.
 */
function withoutRepeatedCarriers(c: Conversation, carried: [string, number, number, number, number][]): void {
  const sig = (ms: Message[]): string => JSON.stringify(ms.map((m) => [m.role, m.parts]));
  const kept = new Set<string>();
  const drop = (side: Message[], ranges: [string, number, number][]): Message[] => {
    const seen = new Set<string>();
    const gone = new Set<number>();
    for (const [label, from, to] of ranges) {
      if (to <= from) continue;
      const k = sig(side.slice(from, to));
      if (seen.has(k)) for (let i = from; i < to; i++) gone.add(i);
      else kept.add(label);
      seen.add(k);
    }
    return gone.size ? side.filter((_, i) => !gone.has(i)) : side;
  };
  c.input = drop(c.input, carried.map((r) => [r[0], r[1], r[2]]));
  c.output = drop(c.output, carried.map((r) => [r[0], r[3], r[4]]));
  // a carrier that only repeated another is not where the conversation was read
  c.sources = c.sources.filter((s) => kept.has(s));
}

const onlyCalls = (m: Message): boolean => m.role === 'assistant' && m.parts.length > 0 && m.parts.every((p) => p.kind === 'call');
const listOf = (m: Message): string => m.from.replace(/(\[\d+\]|\.\d+)$/, '');
/** Neighbouring assistant messages of calls alone joined into one, unless `apart` says they are not one answer. */
function joinCalls(ms: Message[], apart: (a: Message, b: Message) => boolean): Message[] {
  const out: Message[] = [];
  for (const m of ms) {
    const last = out.at(-1);
    if (last && onlyCalls(last) && onlyCalls(m) && !apart(last, m)) out[out.length - 1] = { ...last, parts: [...last.parts, ...m.parts] };
    else out.push(m);
  }
  return out;
}

/**
 * The calls of one answer as one assistant turn: the Responses API lists parallel calls as separate
 * `function_call` items (so do the instrumentations that report its input), Chat Completions as one
 * message's `tool_calls`. Only neighbours from the same list are joined, never separate records.
 */
const oneTurnPerAnswer = (input: Message[]): Message[] => joinCalls(input, (a, b) => listOf(a) !== listOf(b) || listOf(b) === b.from);

/**
 * The calls the model answered with, as one answer: the Responses API's parallel calls are separate
 * output items, which @opentelemetry/instrumentation-openai reports as one log record each and
 * OpenInference as llm.output_messages.0, .1. Alternatives stay apart: gen_ai.choice events (each
 * its index) and the entries of one gen_ai.output.messages list (the spec's candidates).
 */
const oneAnswer = (output: Message[]): Message[] =>
  joinCalls(output, (a, b) => a.from.includes('gen_ai.choice') || b.from.includes('gen_ai.choice') || (/gen_ai\.output\.messages\[\d+\]$/.test(a.from) && listOf(a) === listOf(b)));

/**
 * System instructions carried twice — as `gen_ai.system_instructions` and again as a system message
 * of the input (@opentelemetry/instrumentation-openai does both for the Responses API's
 * `instructions`) — were sent once: the copy in the message list is kept.
 */
function withoutRepeatedInstructions(input: Message[]): Message[] {
  const textOf = (m: Message): string => m.parts.map((p) => (p.kind === 'text' ? p.text : `\u0000${p.kind}`)).join('\n');
  const isInstructions = (m: Message): boolean => m.from.endsWith('gen_ai.system_instructions');
  const listed = new Set(input.filter((m) => m.role === 'system' && !isInstructions(m)).map(textOf));
  return listed.size === 0 ? input : input.filter((m) => !(m.role === 'system' && isInstructions(m) && listed.has(textOf(m))));
}

function toolOf(a: Map<string, unknown>): Conversation['tool'] {
  const s = (k: string): string | undefined => (a.has(k) ? text(a.get(k)) : undefined);
  if (a.has('gen_ai.tool.name') && (a.has('gen_ai.tool.call.arguments') || a.has('gen_ai.tool.call.result')))
    return { name: s('gen_ai.tool.name')!, id: s('gen_ai.tool.call.id') ?? '', args: s('gen_ai.tool.call.arguments') ?? '', result: s('gen_ai.tool.call.result') ?? '', from: 'gen_ai.tool.call.*' };
  if (a.has('ai.toolCall.name')) return { name: s('ai.toolCall.name')!, id: s('ai.toolCall.id') ?? '', args: s('ai.toolCall.args') ?? s('ai.toolCall.input') ?? '', result: s('ai.toolCall.result') ?? s('ai.toolCall.output') ?? '', from: 'ai.toolCall.*' };
  if (a.get('openinference.span.kind') === 'TOOL') {
    // LangChain's tool output is a serialized ToolMessage ({output: {lc, kwargs:{content, tool_call_id}}}): its content and call id
    const out = structured(a.get('output.value'));
    const lc = isObj(out) && isObj(out.output) ? out.output : out;
    const m = isObj(lc) && lc.lc !== undefined ? readMessage(lc, 'output.value') : undefined;
    const r = m?.parts.length === 1 && m.parts[0]!.kind === 'result' ? m.parts[0] : undefined;
    return { name: s('tool.name') ?? '', id: r?.id ?? '', args: s('input.value') ?? '', result: r ? r.text : (s('output.value') ?? ''), from: 'input.value / output.value' };
  }
  if (a.get('traceloop.span.kind') === 'tool') return { name: s('traceloop.entity.name') ?? '', id: '', args: s('traceloop.entity.input') ?? '', result: text(structured(a.get('traceloop.entity.output'))), from: 'traceloop.entity.*' };
  return undefined;
}
