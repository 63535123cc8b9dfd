// The older GenAI message events sent as OTLP log records, as @opentelemetry/instrumentation-openai
// does: spans carry no content, each message is a record correlated by trace and span id. The
// event name is in the `event.name` attribute (that instrumentation leaves LogRecord.eventName
// empty) or in the record's event_name; the message is the body (a kvlist: content, tool_calls,
// id, or index / finish_reason / message for gen_ai.choice).
import type { LogRow } from '@causeway/schemas';
import { attrValue, entries, text } from './attrs.ts';
import { DETAILS, genAiEventDrafts, isGenAiEvent } from './genai-events.ts';
import type { LogAdapter } from './types.ts';

function nameOf(log: LogRow): string {
  return log.event_name || text(log.attributes, 'event.name') || '';
}

export const genaiLogAdapter: LogAdapter = {
  matches: (log) => isGenAiEvent(nameOf(log)),
  read: (log) => {
    const name = nameOf(log);
    // The operation-details event carries its messages as attributes, the older ones in the body.
    if (name === DETAILS) return genAiEventDrafts(name, Object.fromEntries(entries(log.attributes)), `log(${name})`);
    return genAiEventDrafts(name, attrValue(log.body), `log(${name}).body`);
  },
};
