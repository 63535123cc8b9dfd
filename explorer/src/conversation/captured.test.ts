// Every captured library × scenario (fixtures/agents/captured): the conversation of every model
// call, as the trace view builds it (logsBySpan, then conversationOf), against what the library
// sent — read here from the raw payload by a small reader of each convention written for this test,
// sharing nothing with read.ts / fromSpan.ts. A new fixture is checked as soon as it is captured.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OtlpSpan } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { CAPTURED_DIR, type CapturedFile, loadCaptured } from '../../../fixtures/agents/captured.ts';
import type { ScenarioName } from '../../../fixtures/agents/scenarios.ts';
import type { Library } from '../../../fixtures/agents/telemetry.ts';
import { conversationOf } from './fromSpan.ts';
import { type LogRecordJson, type LogsLike, logsBySpan } from './logs.ts';
import type { Conversation } from './model.ts';

// ---- the raw payload, decoded without our code --------------------------------------------------
type J = unknown;
type O = Record<string, J>;
const isO = (v: J): v is O => v !== null && typeof v === 'object' && !Array.isArray(v);
function decode(v: J): J {
  if (!isO(v)) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return ((v.arrayValue as O).values as J[] | undefined ?? []).map(decode);
  if ('kvlistValue' in v) return Object.fromEntries(((v.kvlistValue as O).values as { key: string; value: J }[] | undefined ?? []).map((kv) => [kv.key, decode(kv.value)]));
  return undefined;
}
const attrsOf = (list: J): O => Object.fromEntries(((list as { key: string; value: J }[] | undefined) ?? []).map((kv) => [kv.key, decode(kv.value)]));
const json = (v: J): J => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as J;
  } catch {
    return v;
  }
};
/** text as a comparable string: JSON compacted, anything else as it is */
const norm = (v: J): string => {
  const p = json(v);
  return typeof p === 'string' ? p : p === undefined || p === null ? '' : JSON.stringify(p);
};

// ---- a conversation as tokens: role, kind, id, name (calls), body ---------------------------------
type Tok = string;
const kind = (t: Tok): string => t.split('|')[1]!;
const tok = (role: string, kind: string, id: string, name: string, body: J): Tok => `${role}|${kind}|${id}|${name}|${norm(body)}`;
interface Seen {
  input: Tok[][];
  output: Tok[];
  /** the output as the turns shown */
  answers: Tok[][];
}
function tokensOf(c: Conversation): Seen {
  const one = (m: Conversation['input'][number]): Tok[] =>
    m.parts.map((p) => (p.kind === 'text' ? tok(m.role, 'text', '', '', p.text) : p.kind === 'call' ? tok(m.role, 'call', p.id, p.name, p.args) : p.kind === 'result' ? tok(m.role, 'result', p.id, '', p.text) : tok(m.role, 'document', p.id, p.source, p.text)));
  return { input: c.input.map(one), output: c.output.flatMap(one), answers: c.output.map(one) };
}

// ---- each convention, as its specification defines it ---------------------------------------------
/** Parallel calls listed as separate items (OpenAI's Responses API) are one answer of the model: one turn. */
function oneTurn(msgs: Tok[][]): Tok[][] {
  const onlyCalls = (m: Tok[] | undefined): boolean => !!m && m.length > 0 && m.every((t) => t.startsWith('assistant|call|'));
  return msgs.reduce<Tok[][]>((out, m) => (onlyCalls(out.at(-1)) && onlyCalls(m) ? [...out.slice(0, -1), [...out.at(-1)!, ...m]] : [...out, m]), []);
}

/** OpenInference: llm.{input,output}_messages.N.message.{role,content,contents.N.message_content.text,tool_call_id,tool_calls.N.tool_call.*} */
function openInference(a: O, prefix: string): Tok[][] {
  const byIndex = new Map<number, O>();
  for (const [k, v] of Object.entries(a)) {
    const m = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)\\.message\\.(.+)$`).exec(k);
    if (m) (byIndex.get(Number(m[1])) ?? byIndex.set(Number(m[1]), {}).get(Number(m[1]))!)[m[2]!] = v;
  }
  return oneTurn([...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, f]) => {
    const role = String(f.role ?? 'assistant');
    const contents = Object.keys(f).filter((k) => /^contents\.\d+\.message_content\.text$/.test(k)).sort((x, y) => Number(x.split('.')[1]) - Number(y.split('.')[1])).map((k) => String(f[k]));
    const content = f.content !== undefined && f.content !== '' ? f.content : contents.length ? contents.join('\n') : undefined;
    if (role === 'tool') return [tok('tool', 'result', String(f.tool_call_id ?? ''), '', content)];
    const calls = [...new Set(Object.keys(f).flatMap((k) => /^tool_calls\.(\d+)\./.exec(k)?.[1] ?? []))].sort((x, y) => Number(x) - Number(y));
    return [
      ...(content !== undefined ? [tok(role, 'text', '', '', content)] : []),
      ...calls.map((i) => tok(role, 'call', String(f[`tool_calls.${i}.tool_call.id`] ?? ''), String(f[`tool_calls.${i}.tool_call.function.name`]), f[`tool_calls.${i}.tool_call.function.arguments`])),
    ];
  }));
}

/**
 * LangChain's own record of the same messages (OpenInference input.value {messages:[[…]]}, output.value
 * {generations:[[{message}]]}): serialized messages whose kwargs carry the call ids (tool_calls[].id,
 * ToolMessage tool_call_id) that OpenInference leaves out of llm.*_messages.
 */
function langChainIds(v: J, side: 'input' | 'output'): string[][] | undefined {
  const o = json(v);
  if (!isO(o)) return undefined;
  const list = side === 'input' ? (o.messages as J[][] | undefined)?.flat() : (o.generations as J[][] | undefined)?.flat().map((g) => (g as O).message);
  if (!list?.every((m) => isO(m) && isO(m.kwargs))) return undefined;
  return list.map((m) => {
    const k = (m as O).kwargs as O;
    return k.tool_call_id !== undefined ? [String(k.tool_call_id)] : ((k.tool_calls as O[] | undefined) ?? []).map((c) => String(c.id));
  });
}
function withIds(msgs: Tok[][], ids: string[][] | undefined): Tok[][] {
  if (!ids || ids.length !== msgs.length) return msgs;
  return msgs.map((m, i) => {
    let k = 0;
    return m.map((t) => (kind(t) === 'call' || kind(t) === 'result' ? ((f) => (f[2] === '' ? ((f[2] = ids[i]![k] ?? ''), k++) : k++, f.join('|')))(t.split('|')) : t));
  });
}

/** OTel GenAI JSON messages: {role, parts:[{type:text,content} | {type:tool_call,id,name,arguments} | {type:tool_call_response,id,response}]} */
function genAiMessages(list: J): Tok[][] {
  const msgs = json(list);
  return oneTurn((Array.isArray(msgs) ? msgs : []).map((m: O) => {
    const parts = (m.parts as O[]) ?? [];
    // a message of tool results is a tool turn whatever role it came under
    const role = parts.length > 0 && parts.every((p) => p.type === 'tool_call_response') ? 'tool' : String(m.role);
    // OpenAI's Responses API: `call_id` is the id its result answers, `id` the output item's
    return parts.map((p) => (p.type === 'tool_call' ? tok(role, 'call', String(p.call_id ?? p.id ?? ''), String(p.name), p.arguments) : p.type === 'tool_call_response' ? tok(role, 'result', String(p.call_id ?? p.id ?? ''), '', p.response) : tok(role, 'text', '', '', p.content)));
  }));
}
function instructions(v: J, input: Tok[][]): Tok[][] {
  if (v === undefined) return [];
  const parts = json(v);
  const m = (Array.isArray(parts) ? parts : [parts]).map((p: J) => tok('system', 'text', '', '', isO(p) ? p.content : p));
  // sent once: when the input lists it as a system message too, that copy is the one shown
  return input.some((x) => x.join() === m.join()) ? [] : [m];
}

/** OTel GenAI events (gen_ai.{system,user,assistant,tool}.message, gen_ai.choice) with OpenAI-shaped bodies */
function genAiEvent(name: string, b: O): Tok[] {
  if (name === 'gen_ai.choice') return genAiEvent('gen_ai.assistant.message', (b.message as O) ?? {});
  const role = name.split('.')[1]!;
  if (role === 'tool') return [tok('tool', 'result', String(b.id ?? ''), '', b.content)];
  const calls = ((b.tool_calls as O[] | undefined) ?? []).map((c) => tok(role, 'call', String(c.id), String((c.function as O).name), (c.function as O).arguments));
  return [...(b.content !== undefined && b.content !== null && b.content !== '' ? [tok(role, 'text', '', '', b.content)] : []), ...calls];
}

/** Vercel AI SDK: ai.prompt.messages (ModelMessage[]), ai.response.text, ai.response.toolCalls */
function vercel(a: O): { input: Tok[][]; output: Tok[] } {
  const msgs = (json(a['ai.prompt.messages']) as O[]) ?? [];
  const input = msgs.map((m) => {
    const role = String(m.role);
    if (typeof m.content === 'string') return [tok(role, 'text', '', '', m.content)];
    return (m.content as O[]).map((p) => {
      if (p.type === 'tool-call') return tok(role, 'call', String(p.toolCallId), String(p.toolName), p.input ?? p.args);
      if (p.type === 'tool-result') return tok(role, 'result', String(p.toolCallId), '', isO(p.output) && 'value' in p.output ? p.output.value : (p.output ?? p.result));
      return tok(role, 'text', '', '', p.text);
    });
  });
  const text = a['ai.response.text'];
  const calls = ((json(a['ai.response.toolCalls']) as O[] | undefined) ?? []).map((c) => tok('assistant', 'call', String(c.toolCallId), String(c.toolName), c.input ?? c.args));
  return { input, output: [...(typeof text === 'string' && text !== '' ? [tok('assistant', 'text', '', '', text)] : []), ...calls] };
}

/** What the library says the model call was sent and answered; undefined for a span that is not a model call. */
function expected(span: OtlpSpan, records: LogRecordJson[]): { input: Tok[][]; output: Tok[] } | undefined {
  const a = attrsOf(span.attributes);
  if (a['openinference.span.kind'] === 'LLM') return { input: withIds(openInference(a, 'llm.input_messages'), langChainIds(a['input.value'], 'input')), output: withIds(openInference(a, 'llm.output_messages'), langChainIds(a['output.value'], 'output')).flat() };
  if (/\.do(Generate|Stream)$/.test(String(a['ai.operationId'] ?? ''))) return vercel(a);
  if (!['chat', 'text_completion', 'generate_content'].includes(String(a['gen_ai.operation.name']))) return undefined;
  const input: Tok[][] = [];
  const output: Tok[] = [];
  let sys: J = a['gen_ai.system_instructions'];
  if (a['gen_ai.input.messages'] !== undefined) input.push(...genAiMessages(a['gen_ai.input.messages']));
  if (a['gen_ai.output.messages'] !== undefined) output.push(...genAiMessages(a['gen_ai.output.messages']).flat());
  for (const r of records) {
    const b = { ...attrsOf(r.attributes), ...((decode(r.body) as O | undefined) ?? {}) };
    const name = r.eventName ?? String(b['event.name']);
    if (name === 'gen_ai.client.inference.operation.details') {
      sys ??= b['gen_ai.system_instructions'];
      input.push(...genAiMessages(b['gen_ai.input.messages']));
      output.push(...genAiMessages(b['gen_ai.output.messages']).flat());
    } else if (name === 'gen_ai.choice') output.push(...genAiEvent(name, b));
    else input.push(genAiEvent(name, b));
  }
  return { input: [...instructions(sys, input), ...input], output };
}

/** Retrieved documents: OpenInference retrieval.documents.N.document.*, OTel db.query.result events; undefined for other spans. */
function retrieved(span: OtlpSpan): Tok[] | undefined {
  const a = attrsOf(span.attributes);
  // where the document came from: its source, or for a mail its sender
  const source = (meta: J): string => String((json(meta) as O | undefined)?.source ?? (json(meta) as O | undefined)?.from ?? '');
  if (a['openinference.span.kind'] === 'RETRIEVER') {
    const n = new Set(Object.keys(a).flatMap((k) => /^retrieval\.documents\.(\d+)\./.exec(k)?.[1] ?? []));
    return [...n].sort((x, y) => Number(x) - Number(y)).map((i) => tok('document', 'document', String(a[`retrieval.documents.${i}.document.id`] ?? ''), source(a[`retrieval.documents.${i}.document.metadata`]), a[`retrieval.documents.${i}.document.content`]));
  }
  const events = (span.events ?? []).filter((e) => e.name === 'db.query.result').map((e) => attrsOf(e.attributes));
  return events.length ? events.map((e) => tok('document', 'document', String(e['db.query.result.id'] ?? ''), source(e['db.query.result.metadata']), e['db.query.result.document'])) : undefined;
}

/** A tool span's call: OTel gen_ai.tool.*, Vercel ai.toolCall.*, OpenInference TOOL (LangChain's ToolMessage output), Traceloop tool entities. */
function toolSent(span: OtlpSpan): string | undefined {
  const a = attrsOf(span.attributes);
  const t = (name: J, id: J, args: J, result: J): string => [String(name ?? ''), String(id ?? ''), norm(args), norm(result)].join(' | ');
  if (a['gen_ai.tool.name'] !== undefined && (a['gen_ai.tool.call.arguments'] !== undefined || a['gen_ai.tool.call.result'] !== undefined)) return t(a['gen_ai.tool.name'], a['gen_ai.tool.call.id'], a['gen_ai.tool.call.arguments'], a['gen_ai.tool.call.result']);
  if (a['ai.toolCall.name'] !== undefined) return t(a['ai.toolCall.name'], a['ai.toolCall.id'], a['ai.toolCall.args'] ?? a['ai.toolCall.input'], a['ai.toolCall.result'] ?? a['ai.toolCall.output']);
  if (a['openinference.span.kind'] === 'TOOL') {
    const out = json(a['output.value']);
    const msg = isO(out) && isO(out.output) && isO(out.output.kwargs) ? (out.output.kwargs as O) : undefined;
    return msg ? t(a['tool.name'], msg.tool_call_id, a['input.value'], msg.content) : t(a['tool.name'], '', a['input.value'], a['output.value']);
  }
  if (a['traceloop.span.kind'] === 'tool') return t(a['traceloop.entity.name'], '', a['traceloop.entity.input'], json(a['traceloop.entity.output']));
  return undefined;
}

/**
 * Every text a model call's carriers hold (contents, arguments, results: the string leaves of the
 * message attributes and log records, ids, roles and types aside), however the readers above or
 * read.ts understand their structure: none may be missing from the conversation.
 */
const NOT_SENT_TEXT = new Set(['role', 'type', 'id', 'call_id', 'tool_call_id', 'toolCallId', 'toolName', 'name', 'finish_reason', 'index', 'modality', 'mime_type', 'providerOptions', 'providerMetadata', 'event.name', 'gen_ai.provider.name', 'gen_ai.system']);
function leaves(v: J, out: string[], key = ''): string[] {
  if (NOT_SENT_TEXT.has(key) || /\.(role|id|tool_call_id|name|type|function\.name)$/.test(key)) return out;
  const p = json(v);
  if (typeof p === 'string') {
    if (p.trim().length > 2) out.push(p);
  } else if (Array.isArray(p)) for (const x of p) leaves(x, out);
  else if (isO(p)) for (const [k, x] of Object.entries(p)) leaves(x, out, k);
  return out;
}
const MESSAGE_ATTRS = /^(llm\.(input|output)_messages\.|gen_ai\.(input|output)\.messages$|gen_ai\.system_instructions$|ai\.prompt\.messages$|ai\.response\.(text|toolCalls)$)/;
function sentTexts(span: OtlpSpan, records: LogRecordJson[]): string[] {
  const a = attrsOf(span.attributes);
  const out: string[] = [];
  for (const [k, v] of Object.entries(a)) if (MESSAGE_ATTRS.test(k)) leaves(v, out, k);
  for (const r of records) leaves({ ...attrsOf(r.attributes), ...((decode(r.body) as O | undefined) ?? {}) }, out);
  return out;
}

// ---- the captured files ----------------------------------------------------------------------------
const LIBRARIES = readdirSync(CAPTURED_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name as Library).sort();
const spansOf = (f: CapturedFile): OtlpSpan[] =>
  f.requests.flatMap((r) => (r.body as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
    .sort((x, y) => (BigInt(x.startTimeUnixNano) < BigInt(y.startTimeUnixNano) ? -1 : 1));
const logsOf = (f: CapturedFile | undefined): LogsLike['resourceLogs'] => f?.requests.flatMap((r) => (r.body as LogsLike).resourceLogs) ?? [];
/** the raw records of a span, in the order the exporter sent them */
const rawRecords = (rl: LogsLike['resourceLogs'], spanId: string): LogRecordJson[] => rl.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)).filter((r) => r.spanId === spanId);

interface Call {
  span: OtlpSpan;
  seen: Seen;
  sent: { input: Tok[][]; output: Tok[] };
}
function modelCalls(lib: Library, scenario: ScenarioName, resourceLogs?: LogsLike['resourceLogs']): Call[] {
  const traces = loadCaptured(lib, scenario, 'traces');
  if (!traces) return [];
  const raw = logsOf(loadCaptured(lib, scenario, 'logs'));
  const bySpan = logsBySpan({ resourceLogs: resourceLogs ?? raw });
  return spansOf(traces).flatMap((span) => {
    const sent = expected(span, rawRecords(raw, span.spanId));
    return sent ? [{ span, sent, seen: tokensOf(conversationOf(span, bySpan.get(span.spanId) ?? [])) }] : [];
  });
}
/** a call whose arguments are not JSON: what a library recorded when it garbled the call */
const garbled = (t: Tok): boolean => kind(t) === 'call' && typeof json(t.split('|').slice(4).join('|')) === 'string';
/**
 * What a library recorded wrong, shown as recorded (a forensic view does not guess): @arizeai/
 * openinference-instrumentation-openai 4.2.7 joins the parallel tool calls of a streamed Chat
 * Completions answer into one call (ids, names and arguments concatenated) in llm.output_messages;
 * the next call's llm.input_messages has them right.
 */
const GARBLES_PARALLEL_CALLS = new Set<string>(['openinference-openai-stream']);
const idOf = (t: Tok): string => t.split('|')[2]!;
const callKey = (t: Tok): string => t.split('|').slice(2).join('|');

// every captured file, whatever its scenario
const CASES = LIBRARIES.flatMap((lib) =>
  readdirSync(join(CAPTURED_DIR, lib)).flatMap((f) => (f.endsWith('.traces.json') ? [{ lib, scenario: f.slice(0, -'.traces.json'.length) as ScenarioName }] : [])).sort((a, b) => a.scenario.localeCompare(b.scenario)),
);
const SCENARIOS = [...new Set(CASES.map((c) => c.scenario))];

describe('what every captured library sent each model call, as the trace view shows it', () => {
  it('finds the captured files and their model calls', () => {
    expect(LIBRARIES.length).toBeGreaterThanOrEqual(10);
    for (const { lib, scenario } of CASES) expect(modelCalls(lib, scenario).length, `${lib}/${scenario}`).toBeGreaterThan(0);
  });

  it.each(CASES)('$lib/$scenario: no text a model call\'s carriers hold is missing from its conversation', ({ lib, scenario }) => {
    const raw = logsOf(loadCaptured(lib, scenario, 'logs'));
    const bySpan = logsBySpan({ resourceLogs: raw });
    for (const c of modelCalls(lib, scenario)) {
      const conv = conversationOf(c.span, bySpan.get(c.span.spanId) ?? []);
      const shown = [...conv.input, ...conv.output].flatMap((m) => m.parts.map((p) => (p.kind === 'call' ? p.args : p.text)));
      const shownLeaves = new Set(shown.flatMap((t) => leaves(t, [])));
      const missing = sentTexts(c.span, rawRecords(raw, c.span.spanId)).filter((t) => !shownLeaves.has(t) && !shown.some((x) => x.includes(t)));
      expect(missing, `${lib}/${scenario} ${c.span.name} ${c.span.spanId}`).toEqual([]);
    }
  });

  it.each(CASES)('$lib/$scenario: the messages sent and answered, in order, with roles, ids and arguments', ({ lib, scenario }) => {
    for (const c of modelCalls(lib, scenario)) {
      const where = `${lib}/${scenario} ${c.span.name} ${c.span.spanId}`;
      expect(c.seen.input, where).toEqual(c.sent.input);
      expect(c.seen.output, where).toEqual(c.sent.output);
    }
  });

  it('reads the retrieved documents of every retrieval span, with ids, sources and text', () => {
    let spans = 0;
    for (const { lib, scenario } of CASES) {
      for (const span of spansOf(loadCaptured(lib, scenario, 'traces')!)) {
        const want = retrieved(span);
        if (!want) continue;
        spans++;
        expect(want.length, `${lib}/${scenario} ${span.name}`).toBeGreaterThan(0);
        expect(tokensOf(conversationOf(span)).output, `${lib}/${scenario} ${span.name}`).toEqual(want);
      }
    }
    expect(spans).toBeGreaterThan(0);
  });

  it.each(CASES)('$lib/$scenario: each tool span\'s call, and its id among the calls the model chose', ({ lib, scenario }) => {
    const chosen = new Set(modelCalls(lib, scenario).flatMap((c) => c.seen.output.filter((t) => kind(t) === 'call').map((t) => `${t.split('|')[3]} ${idOf(t)}`)));
    for (const span of spansOf(loadCaptured(lib, scenario, 'traces')!)) {
      const want = toolSent(span);
      if (!want) continue;
      const tool = conversationOf(span).tool;
      expect(tool && [tool.name, tool.id, norm(tool.args), norm(tool.result)].join(' | '), `${lib}/${scenario} ${span.name}`).toBe(want);
      if (tool?.id) expect(chosen, `${lib}/${scenario} ${span.name}: its call`).toContain(`${tool.name} ${tool.id}`);
    }
  });

  it.each(CASES)('$lib/$scenario: system and user first, each result right after its call, the earlier turns as the model took them, nothing twice', ({ lib, scenario }) => {
    const calls = modelCalls(lib, scenario);
    const chosen: Tok[] = [];
    let trusted = true;
    for (const c of calls) {
      const where = `${lib}/${scenario} ${c.span.name} ${c.span.spanId}`;
      const roles = c.seen.input.map((m) => m[0]!.split('|')[0]);
      expect(roles.slice(0, roles.indexOf('user') + 1).every((r) => r === 'system' || r === 'user'), where).toBe(true);
      expect(roles.filter((r) => r !== 'system')[0], where).toBe('user');
      const flat = c.seen.input.flat();
      for (const [i, t] of flat.entries()) {
        if (kind(t) !== 'result') continue;
        // the call it answers comes before it with no other turn between (parallel calls: their results follow them in turn)
        let j = i - 1;
        while (j >= 0 && kind(flat[j]!) === 'result') j--;
        const between = flat.slice(j + 1, i).length;
        const callsBefore = flat.slice(0, j + 1).reverse().findIndex((x) => kind(x) !== 'call');
        const run = flat.slice(j + 1 - (callsBefore < 0 ? j + 1 : callsBefore), j + 1);
        expect(run.length, `${where}: result ${i} follows a call`).toBeGreaterThan(between);
        if (idOf(t)) expect(run.map(idOf), `${where}: result ${idOf(t)} follows its call`).toContain(idOf(t));
      }
      // the earlier turns: the calls this model call was sent are those the earlier ones chose, in order
      const sent = flat.filter((t) => kind(t) === 'call');
      if (trusted) expect(sent.map(callKey), where).toEqual(chosen.map(callKey));
      chosen.splice(0, chosen.length, ...sent, ...c.seen.output.filter((t) => kind(t) === 'call'));
      trusted = !c.seen.output.some(garbled);
      if (!trusted) expect(GARBLES_PARALLEL_CALLS.has(lib), `${where}: an answer's calls garbled`).toBe(true);
      expect(new Set(flat).size, `${where}: nothing twice`).toBe(flat.length);
    }
  });

  it.each(CASES.filter(({ lib, scenario }) => loadCaptured(lib, scenario, 'logs')))('$lib/$scenario: the same conversations whatever order the store returns log records in', ({ lib, scenario }) => {
    const raw = logsOf(loadCaptured(lib, scenario, 'logs'));
    const want = modelCalls(lib, scenario).map((c) => c.seen);
    for (let seed = 1; seed <= 8; seed++) {
      let x = seed;
      const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      // every record in one list, shuffled: the store keeps no order among records of one instant
      const all = raw.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)).map((r) => [rnd(), r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
      const shuffled = [{ ...raw[0]!, scopeLogs: [{ ...raw[0]!.scopeLogs[0]!, logRecords: all }] }];
      expect(modelCalls(lib, scenario, shuffled).map((c) => c.seen), `seed ${seed}`).toEqual(want);
    }
  });
});

// a library's streaming variants send the same messages as its non-streaming one, shown as the same turns
const SIBLINGS: Library[][] = [
  ['openai', 'openai-stream', 'openai-responses-stream'],
  ['traceloop', 'traceloop-stream'],
  ['vercel-ai', 'vercel-ai-v5-stream', 'vercel-ai-v6-stream', 'vercel-ai-v7-stream'],
  ['openinference-openai-stream', 'openinference-openai-responses-stream'],
  ['langchain', 'langgraph-stream'],
] as Library[][];
describe('streaming variants', () => {
  it.each(SIBLINGS.flatMap((group) => SCENARIOS.map((scenario) => ({ group, scenario, name: group.join(' = ') }))))('$name ($scenario): the same conversations', ({ group, scenario }) => {
    const [first, ...rest] = group.filter((lib) => loadCaptured(lib, scenario, 'traces'));
    // an answer a library garbled (see GARBLES_PARALLEL_CALLS) is compared by what the next call was sent
    const seen = (lib: Library): Seen[] => modelCalls(lib, scenario).map((c) => c.seen);
    const calls = group.filter((lib) => loadCaptured(lib, scenario, 'traces')).map(seen);
    const garbledAt = new Set(calls.flatMap((l) => l.flatMap((s, i) => (s.output.some(garbled) ? [i] : []))));
    const comparable = (l: Seen[]): Seen[] => l.map((s, i) => (garbledAt.has(i) ? { ...s, output: [], answers: [] } : s));
    for (const [k, lib] of rest.entries()) expect(comparable(calls[k + 1]!), `${lib} vs ${first}`).toEqual(comparable(calls[0]!));
  });
});
