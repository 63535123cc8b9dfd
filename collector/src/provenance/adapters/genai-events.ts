// The older OTel GenAI conventions carry each message as its own event, on the span or as an
// OTLP log record: gen_ai.system.message / user / assistant / tool ({content, tool_calls, id})
// and gen_ai.choice ({index, finish_reason, message:{content, tool_calls}}). Older still, one
// span event per side: gen_ai.content.prompt / gen_ai.content.completion with the messages as
// JSON text in gen_ai.prompt / gen_ai.completion. Shared by the span and the log adapters.
import type { AttrRow } from '@causeway/schemas';
import { attrValue, isObj, structured } from './attrs.ts';
import { callNames, messageDrafts, readMessage, readMessages, systemInstructionDrafts } from './messages.ts';
import type { ArtifactDraft } from './types.ts';

const MESSAGE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE = 'gen_ai.choice';
const PROMPT = 'gen_ai.content.prompt';
/** The current conventions' one event per call, with the message attributes as its attributes. */
export const DETAILS = 'gen_ai.client.inference.operation.details';
const COMPLETION = 'gen_ai.content.completion';

export function isGenAiEvent(name: string): boolean {
  return name in MESSAGE_EVENTS || name === CHOICE || name === PROMPT || name === COMPLETION || name === DETAILS;
}

/** Drafts for one event, given its name and body (an object, or JSON text of one). */
export function genAiEventDrafts(name: string, body: unknown, where: string): ArtifactDraft[] {
  const b = structured(body);
  const role = MESSAGE_EVENTS[name];
  if (role) {
    // The event name gives the role unless the body says otherwise (e.g. `developer` for system).
    const msg = readMessage(b, where, role);
    return msg ? messageDrafts([msg], 'used') : [];
  }
  if (name === CHOICE) {
    const message = isObj(b) && b.message !== undefined ? b.message : b;
    const msg = readMessage(message, isObj(b) && b.message !== undefined ? `${where}.message` : where, 'assistant');
    return msg ? messageDrafts([msg], 'generated') : [];
  }
  if (name === DETAILS && isObj(b)) {
    const input = readMessages(b['gen_ai.input.messages'], `${where}.gen_ai.input.messages`);
    const output = readMessages(b['gen_ai.output.messages'], `${where}.gen_ai.output.messages`);
    return [
      ...systemInstructionDrafts(b['gen_ai.system_instructions'], `${where}.gen_ai.system_instructions`),
      ...messageDrafts(input, 'used'),
      ...messageDrafts(output, 'generated', { names: callNames(input) }),
    ];
  }
  if (name === PROMPT) return messageDrafts(readMessages(isObj(b) ? b['gen_ai.prompt'] : b, `${where}.gen_ai.prompt`), 'used');
  if (name === COMPLETION) return messageDrafts(readMessages(isObj(b) ? b['gen_ai.completion'] : b, `${where}.gen_ai.completion`), 'generated');
  return [];
}

const ENVELOPE_KEYS = new Set(['event.name', 'gen_ai.system', 'gen_ai.provider.name']);

/** An event's name: its own, or the `event.name` attribute some SDKs use instead. */
export function eventName(name: string, attrs: AttrRow[]): string {
  if (isGenAiEvent(name)) return name;
  const a = attrs.find((x) => x.key === 'event.name');
  return typeof a?.str === 'string' && a.str !== '' ? a.str : name;
}

/** A span event's body: an explicit body attribute, else its attributes as an object. */
export function eventBody(attrs: AttrRow[]): unknown {
  const explicit = attrs.find((a) => a.key === 'event.body' || a.key === 'body');
  if (explicit) return attrValue(explicit);
  const out: Record<string, unknown> = {};
  for (const a of attrs) if (!ENVELOPE_KEYS.has(a.key)) out[a.key] = attrValue(a);
  return out;
}
