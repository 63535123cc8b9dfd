// Messages read leniently from the shapes the conventions and libraries give them:
//   OTel GenAI (current)   {role, parts:[{type:"text",content} | {type:"tool_call",id,name,arguments}
//                           | {type:"tool_call_response",id,response|result}]}
//   OpenAI / older GenAI   {role, content, tool_calls:[{id,function:{name,arguments}}], tool_call_id}
//   Vercel AI ModelMessage {role, content: string | [{type:"text",text} | {type:"tool-call",toolCallId,toolName,input|args}
//                           | {type:"tool-result",toolCallId,toolName,output|result}]}
//   Anthropic-style parts  {type:"tool_use",id,name,input} / {type:"tool_result",tool_use_id,content}
//   LangChain serialized   {lc:1, id:[…,"HumanMessage"], kwargs:{content, tool_calls}}
// What is not a message is skipped, never thrown on. Pure.
import type { Message, Part } from './model.ts';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** JSON text of an object or array parsed; anything else as it is. */
export function structured(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/** A value as display text: strings as they are, anything else as indented JSON. */
export function text(v: unknown): string {
  const s = structured(v);
  if (typeof s === 'string') return s;
  if (s === undefined || s === null) return '';
  try {
    return JSON.stringify(s, null, 2);
  } catch {
    return String(s);
  }
}

const TEXT = new Set(['text', 'input_text', 'output_text', 'reasoning', 'refusal', 'thinking']);
const CALL = new Set(['tool_call', 'tool-call', 'function_call', 'tool_use']);
const RESULT = new Set(['tool_call_response', 'tool-result', 'tool_result', 'function_call_output', 'tool_response']);
const TOOL_ROLES = new Set(['tool', 'function', 'ipython', 'tool_result']);
const LC_ROLES: Record<string, string> = { SystemMessage: 'system', HumanMessage: 'user', AIMessage: 'assistant', ToolMessage: 'tool', FunctionMessage: 'tool', ChatMessage: 'user' };

export function readMessages(raw: unknown, from: string): Message[] {
  let list = structured(raw);
  // LangChain's {messages:[[…]]} and OTLP-ish wrappers
  if (isObj(list) && Array.isArray(list.messages)) list = list.messages;
  if (Array.isArray(list) && list.length > 0 && list.every(Array.isArray)) list = list.flat();
  if (!Array.isArray(list)) return [];
  return list.flatMap((m, i) => readMessage(m, `${from}[${i}]`) ?? []);
}

export function readMessage(raw: unknown, from: string, role?: string): Message | undefined {
  let m = structured(raw);
  if (typeof m === 'string') return m.trim() ? { role: role ?? 'user', parts: [{ kind: 'text', text: m }], from } : undefined;
  if (!isObj(m)) return undefined;
  // LangChain's serialized message
  if (m.lc !== undefined && Array.isArray(m.id) && isObj(m.kwargs)) {
    const cls = String(m.id.at(-1)).replace(/Chunk$/, ''); // a streamed AIMessageChunk is an AIMessage
    m = { ...m.kwargs, role: LC_ROLES[cls] ?? m.kwargs.role ?? 'user' };
  }
  const o = m as Obj;
  const r = (str(o.role) ?? str(o.type && LC_ROLES[String(o.type)]) ?? role ?? 'user').toLowerCase();
  const isTool = TOOL_ROLES.has(r);
  const toolId = str(o.tool_call_id) ?? str(o.toolCallId) ?? (isTool ? str(o.id) : undefined) ?? '';
  const toolName = str(o.name) ?? '';
  const parts: Part[] = [];
  // OpenLLMetry sends a content list as JSON text
  const given = o.parts ?? o.content;
  const listed = typeof given === 'string' && given.trimStart().startsWith('[') ? structured(given) : given;
  const content = Array.isArray(listed) && listed.length > 0 && listed.every((p) => isObj(p) && typeof p.type === 'string') ? listed : given;
  if (Array.isArray(content) && content.some((p) => isObj(p) && typeof p.type === 'string')) for (const p of content) pushPart(parts, p, isTool, toolId, toolName);
  else if (content !== undefined && content !== null && !(typeof content === 'string' && content === '')) {
    if (isTool) parts.push({ kind: 'result', id: toolId, name: toolName, text: text(content) });
    else parts.push({ kind: 'text', text: text(content) });
  }
  const calls = structured(o.tool_calls);
  if (Array.isArray(calls)) for (const c of calls) pushCall(parts, c);
  if (isObj(o.function_call)) pushCall(parts, o.function_call);
  if (parts.length === 0) return undefined;
  // tool results sent under another role (the Responses API's function_call_output items, which
  // @opentelemetry/instrumentation-openai reports as `user`) are what a tool answered
  const onlyResults = parts.every((p) => p.kind === 'result');
  return { role: isTool || onlyResults ? 'tool' : r === 'human' ? 'user' : r === 'ai' || r === 'model' ? 'assistant' : r === 'developer' ? 'system' : r, parts, from };
}

function pushPart(parts: Part[], raw: unknown, isTool: boolean, toolId: string, toolName: string): void {
  const p = structured(raw);
  if (typeof p === 'string') {
    parts.push(isTool ? { kind: 'result', id: toolId, name: toolName, text: p } : { kind: 'text', text: p });
    return;
  }
  if (!isObj(p)) return;
  const type = str(p.type) ?? '';
  if (TEXT.has(type)) {
    const t = text(p.content ?? p.text ?? p.refusal ?? p.thinking ?? '');
    parts.push(isTool && type === 'text' ? { kind: 'result', id: toolId, name: toolName, text: t } : { kind: 'text', text: t });
  }
  else if (CALL.has(type)) pushCall(parts, p);
  else if (RESULT.has(type)) {
    const out = p.response ?? p.result ?? p.output ?? p.content;
    const value = resultText(isObj(out) && 'value' in out && 'type' in out ? out.value : out);
    parts.push({ kind: 'result', id: str(p.id) ?? str(p.toolCallId) ?? str(p.tool_use_id) ?? str(p.call_id) ?? toolId, name: str(p.toolName) ?? str(p.name) ?? toolName, text: text(value) });
  } else if (MEDIA.has(type)) parts.push({ kind: 'text', text: media(type, p) });
  else if (p.content !== undefined || p.text !== undefined) parts.push({ kind: 'text', text: text(p.content ?? p.text) });
  // a part of a kind not known here is still shown: nothing sent may go missing
  else parts.push({ kind: 'text', text: `[${type || 'part'}] ${text(p)}` });
}

/** A result given as content blocks ([{type:"text",text}…]) as its text. */
function resultText(v: unknown): unknown {
  const s = structured(v);
  if (!Array.isArray(s) || !s.every((b) => isObj(b) && b.type === 'text' && typeof b.text === 'string')) return v;
  return (s as Obj[]).map((b) => b.text).join('\n');
}

// images, audio and files: OTel GenAI blob/uri/file, OpenAI image_url/input_audio/file/input_image/input_file,
// Vercel AI image/file, Anthropic image/document
const MEDIA = new Set(['blob', 'uri', 'file', 'image', 'image_url', 'input_image', 'input_audio', 'input_file', 'audio', 'document']);
/** A placeholder naming what was attached (its type, media type and where it is; inline data by its length, never shown). */
function media(type: string, p: Obj): string {
  const inner = [p, p.image_url, p.input_audio, p.file, p.source].filter(isObj);
  const pick = (...keys: string[]): string | undefined => {
    for (const o of inner) for (const k of keys) if (typeof o[k] === 'string' && o[k] !== '') return o[k];
    return undefined;
  };
  const mime = pick('mime_type', 'mediaType', 'mimeType', 'media_type', 'format');
  // a data: URL is inline data, not a place (an image_url may carry the whole image)
  const named = pick('uri', 'url', 'file_id', 'filename', 'name');
  const where = named?.startsWith('data:') ? undefined : named;
  const data = pick('content', 'data', 'file_data', 'image') ?? (named?.startsWith('data:') ? named : undefined);
  const head = [type, p.modality, mime].filter((x) => typeof x === 'string' && x).join(' ');
  // text the model read (a plain-text document or file) is shown in full; nothing found to name: the part as it is
  if (data !== undefined && (mime?.startsWith('text/') || (isObj(p.source) && p.source.type === 'text'))) return `[${head}]\n${data}`;
  if (where === undefined && data === undefined) return `[${head}] ${text(p)}`;
  const inline = data === undefined ? '' : /^(https?|gs|s3|file):\/\//.test(data) ? data : `${data.length} characters of inline data`;
  return `[${head}: ${where ?? inline}]`;
}

function pushCall(parts: Part[], raw: unknown): void {
  const c = structured(raw);
  if (!isObj(c)) return;
  const fn = isObj(c.function) ? c.function : c;
  parts.push({
    kind: 'call',
    name: str(fn.name) ?? str(c.toolName) ?? str(c.name) ?? '',
    // OpenAI's Responses API names a call twice: `id` is the output item's, `call_id` the one its
    // result answers (and the tool span carries) — the pairing id wins
    id: str(c.call_id) ?? str(c.id) ?? str(c.toolCallId) ?? '',
    args: text(fn.arguments ?? c.input ?? c.args ?? c.arguments ?? ''),
  });
}

/**
 * Call and result ids missing from `messages`, taken from another record of the same messages
 * (same count, roles and call names, in order); anything that does not line up is left as it is.
 */
export function withIdsFrom(messages: Message[], other: Message[]): Message[] {
  const missing = messages.some((m) => m.parts.some((p) => (p.kind === 'call' || p.kind === 'result') && !p.id));
  if (!missing || other.length !== messages.length || other.some((o, i) => o.role !== messages[i]!.role)) return messages;
  const calls = (m: Message): Part[] => m.parts.filter((p) => p.kind === 'call' || p.kind === 'result');
  const lined = messages.every((m, i) => {
    const mine = calls(m);
    const theirs = calls(other[i]!);
    return mine.length === theirs.length && mine.every((p, k) => p.kind === theirs[k]!.kind && (p.kind !== 'call' || theirs[k]!.kind !== 'call' || p.name === (theirs[k] as { name: string }).name));
  });
  if (!lined) return messages;
  return messages.map((m, i) => {
    const theirs = calls(other[i]!);
    let k = 0;
    return { ...m, parts: m.parts.map((p) => (p.kind === 'call' || p.kind === 'result' ? (p.id ? (k++, p) : { ...p, id: (theirs[k++] as { id: string }).id }) : p)) };
  });
}
