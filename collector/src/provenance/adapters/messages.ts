// Chat messages, whatever shape a convention gives them, read into one small model and turned
// into drafts. Shapes accepted (the first three are in the captured library payloads):
//   OTel GenAI current   {role, parts:[{type:"text",content} | {type:"tool_call",id,name,arguments}
//                         | {type:"tool_call_response",id,response|result}], finish_reason}
//   OpenAI / older GenAI {role, content, tool_calls:[{id,type,function:{name,arguments}}], tool_call_id}
//   Vercel AI ModelMessage {role, content: string | [{type:"text",text} | {type:"tool-call",toolCallId,toolName,input}
//                         | {type:"tool-result",toolCallId,toolName,output:{type,value}}]}
//   Anthropic-style parts {type:"tool_use",id,name,input} / {type:"tool_result",tool_use_id,content}
// Values are passed on as found; canonicalization happens downstream.
import { isObj, type Obj, str, structured } from './attrs.ts';
import type { ArtifactDraft, ArtifactKind } from './types.ts';

export type Part =
  | { t: 'text'; value: unknown; where: string }
  | { t: 'call'; name?: string | undefined; id?: string | undefined; args: unknown; where: string }
  | { t: 'result'; name?: string | undefined; id?: string | undefined; value: unknown; where: string };

export interface Message {
  role: string;
  parts: Part[];
}

const TEXT_TYPES = new Set(['text', 'input_text', 'output_text']);
const CALL_TYPES = new Set(['tool_call', 'tool-call', 'function_call', 'tool_use']);
const RESULT_TYPES = new Set(['tool_call_response', 'tool-result', 'tool_result', 'function_call_output', 'tool_response']);
const TOOL_ROLES = new Set(['tool', 'function', 'ipython', 'tool_result']);

/** A list of messages (JS array, or JSON text of one) read leniently: what is not a message is skipped. */
export function readMessages(raw: unknown, where: string): Message[] {
  const list = structured(raw);
  if (!Array.isArray(list)) return [];
  const out: Message[] = [];
  list.forEach((m, i) => {
    const msg = readMessage(m, `${where}[${i}]`);
    if (msg) out.push(msg);
  });
  return out;
}

/** One message. `role` is used when the message does not say (older GenAI events name it instead). */
export function readMessage(raw: unknown, where: string, role?: string): Message | undefined {
  const m = structured(raw);
  if (typeof m === 'string') return { role: role ?? 'user', parts: [{ t: 'text', value: m, where }] };
  if (!isObj(m)) return undefined;
  const r = (str(m.role) ?? role ?? 'user').toLowerCase();
  const isTool = TOOL_ROLES.has(r);
  const ctx: Ctx = {
    isTool,
    id: str(m.tool_call_id) ?? str(m.toolCallId) ?? (isTool ? str(m.id) : undefined),
    name: isTool ? str(m.name) : undefined,
  };
  const parts: Part[] = [];
  // Some instrumentations (OpenLLMetry) store non-string content as JSON text of its parts.
  const content = !isTool && typeof m.content === 'string' && isPartList(structured(m.content)) ? structured(m.content) : m.content;
  if (Array.isArray(m.parts)) m.parts.forEach((p, i) => pushPart(parts, p, `${where}.parts[${i}]`, ctx));
  else if (isTool && Array.isArray(content) && !isPartList(content)) parts.push({ t: 'result', id: ctx.id, name: ctx.name, value: content, where: `${where}.content` });
  else if (Array.isArray(content)) content.forEach((p, i) => pushPart(parts, p, `${where}.content[${i}]`, ctx));
  else if (content !== undefined && content !== null) pushPart(parts, content, `${where}.content`, ctx);
  const calls = structured(m.tool_calls);
  if (Array.isArray(calls)) calls.forEach((c, i) => pushCall(parts, c, `${where}.tool_calls[${i}]`));
  const fnCall = structured(m.function_call);
  if (isObj(fnCall)) pushCall(parts, fnCall, `${where}.function_call`);
  return { role: r, parts };
}

function isPartList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((p) => isObj(p) && typeof p.type === 'string');
}

interface Ctx {
  isTool: boolean;
  id: string | undefined;
  name: string | undefined;
}

function pushPart(out: Part[], p: unknown, where: string, ctx: Ctx): void {
  if (!isObj(p)) {
    // Bare content: text, or (in a tool message) the tool's result as it was sent back.
    if (p === undefined || p === null) return;
    out.push(ctx.isTool ? { t: 'result', id: ctx.id, name: ctx.name, value: p, where } : { t: 'text', value: p, where });
    return;
  }
  const type = str(p.type);
  if (type && CALL_TYPES.has(type)) return pushCall(out, p, where);
  if (type && RESULT_TYPES.has(type)) {
    const value =
      'response' in p ? p.response : 'result' in p ? p.result : 'output' in p ? unwrapToolOutput(p.output) : p.content;
    out.push({
      t: 'result',
      id: str(p.id) ?? str(p.toolCallId) ?? str(p.tool_use_id) ?? str(p.call_id) ?? str(p.tool_call_id) ?? ctx.id,
      name: str(p.name) ?? str(p.toolName) ?? ctx.name,
      value,
      where,
    });
    return;
  }
  // A typeless object in a tool message is the structured result itself.
  if (type === undefined && ctx.isTool) {
    out.push({ t: 'result', id: ctx.id, name: ctx.name, value: p, where });
    return;
  }
  if (type === undefined || TEXT_TYPES.has(type)) {
    const value = p.content ?? p.text;
    if (value === undefined) return;
    out.push(ctx.isTool ? { t: 'result', id: ctx.id, name: ctx.name, value, where } : { t: 'text', value, where });
  }
  // Other part types (reasoning, images, files, server tool calls) carry no provenance we model yet.
}

function pushCall(out: Part[], c: unknown, where: string): void {
  if (!isObj(c)) return;
  const fn = isObj(c.function) ? c.function : {};
  out.push({
    t: 'call',
    name: str(c.name) ?? str(c.toolName) ?? str(fn.name),
    // Responses API items: `id` names the item (fc_…), `call_id` is what the tool's output answers.
    id: str(c.call_id) ?? str(c.id) ?? str(c.toolCallId),
    args: c.arguments ?? c.input ?? c.args ?? fn.arguments,
    where,
  });
}

/** Vercel AI wraps tool output as `{type:"json"|"text"|"error-text"|…, value}`; the value is the result. */
export function unwrapToolOutput(o: unknown): unknown {
  return isObj(o) && typeof o.type === 'string' && 'value' in o ? o.value : o;
}

/** Which artifact kind a used message's text is: it depends on who wrote it. */
export function kindForRole(role: string): ArtifactKind {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system_instruction';
    case 'assistant':
    case 'ai':
    case 'model':
    case 'bot':
      return 'model_output';
    default:
      return TOOL_ROLES.has(role) ? 'tool_result' : 'user_prompt';
  }
}

export interface DraftOptions {
  /** kind for generated text (an agent's final answer is its `outcome`) */
  generatedText?: ArtifactKind;
  /** tool names by call id known from elsewhere (tool results often carry only the id) */
  names?: Map<string, string>;
}

/** Drafts for messages an activity used (its prompt) or generated (its output). */
export function messageDrafts(messages: Message[], relation: 'used' | 'generated', opts: DraftOptions = {}): ArtifactDraft[] {
  const names = new Map([...(opts.names ?? []), ...callNames(messages)]);
  const out: ArtifactDraft[] = [];
  for (const m of messages) {
    for (const p of m.parts) {
      if (p.t === 'text') {
        if (p.value === '' || p.value === null || p.value === undefined) continue;
        const kind = relation === 'generated' ? (opts.generatedText ?? 'model_output') : kindForRole(m.role);
        out.push({ kind, relation, value: p.value, role: p.where });
      } else if (p.t === 'call') {
        // A tool request without a name cannot be identified downstream.
        if (!p.name) continue;
        out.push(compact<ArtifactDraft>({ kind: 'tool_request', relation, value: p.args ?? null, role: p.where, toolName: p.name, callId: p.id }));
      } else {
        const name = p.name ?? (p.id ? names.get(p.id) : undefined);
        out.push(compact<ArtifactDraft>({ kind: 'tool_result', relation, value: p.value, role: p.where, toolName: name, callId: p.id }));
      }
    }
  }
  return out;
}

/** gen_ai.system_instructions: a list of parts (JSON or OTLP array), one part, or plain text. */
export function systemInstructionDrafts(raw: unknown, where: string): ArtifactDraft[] {
  const v = structured(raw);
  if (v === undefined || v === null) return [];
  const msg = Array.isArray(v) ? { role: 'system', parts: v } : isObj(v) && !('role' in v) ? { role: 'system', parts: [v] } : v;
  const read = readMessage(msg, where, 'system');
  return read ? messageDrafts([read], 'used') : [];
}

/** Tool names by call id, from the calls in some messages. */
export function callNames(messages: Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.t === 'call' && p.id && p.name) names.set(p.id, p.name);
  return names;
}

/** Where a document came from, from its metadata (first of the usual keys). */
export function sourceOf(meta: unknown): string | undefined {
  const m = structured(meta);
  if (!isObj(m)) return undefined;
  for (const k of ['source', 'uri', 'url', 'file_path', 'path', 'from']) {
    const v = str(m[k]);
    if (v) return v;
  }
  return undefined;
}

/** Removes fields left undefined (tidy drafts, and equal to hand-written ones in tests). */
export function compact<T extends object>(o: T): T {
  const r = o as Obj;
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return o;
}

export interface ToolCallRead {
  toolName: string | undefined;
  callId: string | undefined;
  args: unknown;
  argsRole: string;
  result: unknown;
  resultRole: string;
}

/**
 * A tool activity's own drafts: the request it executed (used) and the result it returned
 * (generated). No request without a name or without arguments: an empty request would look
 * like a real one downstream.
 */
export function toolDrafts(t: ToolCallRead): ArtifactDraft[] {
  const out: ArtifactDraft[] = [];
  if (t.toolName && t.args !== undefined) {
    out.push(compact<ArtifactDraft>({ kind: 'tool_request', relation: 'used', value: t.args, role: t.argsRole, toolName: t.toolName, callId: t.callId }));
  }
  if (t.result !== undefined) {
    out.push(compact<ArtifactDraft>({ kind: 'tool_result', relation: 'generated', value: t.result, role: t.resultRole, toolName: t.toolName, callId: t.callId }));
  }
  return out;
}
