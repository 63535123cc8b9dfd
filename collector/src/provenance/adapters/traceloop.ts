// OpenLLMetry (Traceloop SDK): `withWorkflow` / `withAgent` / `withTool` / `withTask` spans say
// what they are in `traceloop.span.kind` and carry the wrapped function's arguments and return
// value as `traceloop.entity.input` / `.output`; `withVectorDBCall` spans report hits as
// `db.query.result` span EVENTS. Its LLM spans follow OTel GenAI (gen_ai.input.messages, or the
// older indexed gen_ai.prompt.N.*): those go to the genai reader.
import type { EventRow } from '@causeway/schemas';
import { attrValue, firstText, get, isObj, num, parseJson, str, text } from './attrs.ts';
import { hasGenAi, readGenAi } from './genai.ts';
import { compact, sourceOf, toolDrafts } from './messages.ts';
import type { ActivityDraft, ActivityKind, ArtifactDraft, SpanAdapter } from './types.ts';

const RESULT_EVENT = 'db.query.result';

const KINDS: Record<string, ActivityKind> = {
  tool: 'tool',
  agent: 'agent',
  // A workflow or task is a unit of the app's own code, not a model, tool or agent.
  workflow: 'other',
  task: 'other',
};

export const traceloopAdapter: SpanAdapter = {
  convention: 'traceloop',
  matches: (span) =>
    span.attributes.some((a) => a.key === 'traceloop.span.kind' || a.key === 'traceloop.entity.input' || a.key === 'traceloop.entity.output') ||
    span.events.some((e) => e.name === RESULT_EVENT),
  read(span) {
    const a = span.attributes;
    const spanKind = text(a, 'traceloop.span.kind');
    const hits = span.events.filter((e) => e.name === RESULT_EVENT);
    // An LLM call in a traceloop-kinded span (older SDKs): its messages are GenAI.
    if (!spanKind && hits.length === 0 && hasGenAi(span)) return readGenAi(span, 'traceloop');
    const kind: ActivityKind = spanKind ? (KINDS[spanKind] ?? 'other') : hits.length > 0 ? 'retrieval' : 'other';
    const entity = text(a, 'traceloop.entity.name');
    const draft = compact<ActivityDraft>({
      kind,
      convention: 'traceloop',
      operation: spanKind ?? (kind === 'retrieval' ? 'vector_db.query' : span.name),
      // The SDK copies gen_ai.agent.name onto every span under withAgent.
      agentName: kind === 'agent' ? (entity ?? text(a, 'gen_ai.agent.name')) : text(a, 'gen_ai.agent.name'),
      conversationId: text(a, 'gen_ai.conversation.id'),
      artifacts: [],
    });
    const out = draft.artifacts;
    const input = get(a, 'traceloop.entity.input');
    const output = get(a, 'traceloop.entity.output');
    if (kind === 'tool') {
      const toolName = entity ?? span.name.replace(/\.tool$/, '');
      const args = input === undefined ? undefined : toolArguments(input);
      Object.assign(draft, compact({ toolName, toolArguments: args }));
      // No call id on tool spans: linking to the LLM's request is by name + arguments downstream.
      out.push(...toolDrafts({ toolName, callId: undefined, args, argsRole: 'traceloop.entity.input', result: output, resultRole: 'traceloop.entity.output' }));
    } else if (kind === 'agent' || spanKind === 'workflow') {
      const args = input === undefined ? undefined : toolArguments(input);
      if (!isEmpty(args)) out.push({ kind: 'user_prompt', relation: 'used', value: args, role: 'traceloop.entity.input' });
      // The return value as JSON text (a string return is a JSON string): passed on, unwrapped downstream.
      if (output !== undefined && output !== '') out.push({ kind: 'outcome', relation: 'generated', value: output, role: 'traceloop.entity.output' });
    }
    if (hits.length > 0) {
      const dataSource = firstText(a, ['db.system.name', 'db.system', 'db.collection.name']) ?? span.name.replace(/\.query$/, '');
      if (kind === 'retrieval') draft.dataSource = dataSource;
      const query = get(a, 'db.query.text') ?? get(a, 'db.vector.query.text');
      if (query !== undefined) out.push({ kind: 'tool_request', relation: 'used', value: query, role: 'db.query.text', toolName: dataSource });
      span.events.forEach((e, i) => {
        if (e.name === RESULT_EVENT) out.push(documentDraft(e, i));
      });
    }
    return draft;
  },
};

/**
 * `traceloop.entity.input` is `{"args":[…],"kwargs":{…}}`: one object argument lands in kwargs,
 * positional ones in args. The tool's arguments are kwargs when args is empty, the single
 * positional argument when there is one, else the list. Unreadable input is passed as it is.
 */
export function toolArguments(input: unknown): unknown {
  const p = typeof input === 'string' ? parseJson(input) : input;
  if (!isObj(p) || (!('args' in p) && !('kwargs' in p))) return input;
  const args = Array.isArray(p.args) ? p.args : [];
  if (args.length === 0) return isObj(p.kwargs) ? p.kwargs : {};
  return args.length === 1 ? args[0] : args;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
}

/** One vector-DB hit: id, score, metadata (JSON text), document; distance / vector often empty AnyValues. */
function documentDraft(e: EventRow, i: number): ArtifactDraft {
  const field = (k: string): unknown => attrValue(e.attributes.find((x) => x.key === `db.query.result.${k}`));
  const id = str(field('id'));
  const metadata = field('metadata');
  const document = field('document');
  return compact<ArtifactDraft>({
    kind: 'document',
    relation: 'generated',
    value: document ?? metadata ?? id,
    role: `events[${i}](db.query.result)`,
    documentId: id,
    source: sourceOf(metadata),
    score: num(field('score')),
  });
}
