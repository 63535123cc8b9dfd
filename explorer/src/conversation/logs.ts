// GET /api/traces/:id/logs (TraceLogsResponse): the records of one span are what log-based
// instrumentations (@opentelemetry/instrumentation-openai) sent for it.
import type { AnyValue, KeyValue } from '@causeway/schemas';

export interface LogRecordJson {
  timeUnixNano?: string;
  eventName?: string;
  attributes?: KeyValue[];
  body?: AnyValue;
  traceId?: string;
  spanId?: string;
}

/** The part of a logs response read here (TraceLogsResponse meets it). */
export interface LogsLike {
  resourceLogs: { scopeLogs: { logRecords: LogRecordJson[] }[] }[];
}

/** Which event comes first among records of the same instant: what was sent, then what came back. */
const RANK: Record<string, number> = { 'gen_ai.system.message': 0, 'gen_ai.user.message': 1, 'gen_ai.assistant.message': 2, 'gen_ai.tool.message': 2, 'gen_ai.choice': 4 };
const nameOf = (r: LogRecordJson): string => r.eventName || (r.attributes?.find((a) => a.key === 'event.name')?.value as { stringValue?: string } | undefined)?.stringValue || '';
const bodyField = (r: LogRecordJson, key: string): AnyValue | undefined => (r.body && 'kvlistValue' in r.body ? r.body.kvlistValue.values.find((kv) => kv.key === key)?.value : undefined);
const callIds = (r: LogRecordJson): string[] => {
  // an assistant message carries its calls in the body; the model's choice in the body's message
  const message = nameOf(r) === 'gen_ai.choice' ? bodyField(r, 'message') : undefined;
  const calls = message ? (message && 'kvlistValue' in message ? message.kvlistValue.values.find((kv) => kv.key === 'tool_calls')?.value : undefined) : bodyField(r, 'tool_calls');
  if (!calls || !('arrayValue' in calls)) return [];
  return calls.arrayValue.values.flatMap((c) => ('kvlistValue' in c ? c.kvlistValue.values.filter((kv) => kv.key === 'id').map((kv) => ('stringValue' in kv.value ? kv.value.stringValue : '')) : []));
};

/** When the model chose each tool call: the time of the `gen_ai.choice` record that carries it. */
function chosenAt(records: Iterable<LogRecordJson>): Map<string, bigint> {
  const at = new Map<string, bigint>();
  for (const r of records) {
    if (nameOf(r) !== 'gen_ai.choice') continue;
    const t = BigInt(r.timeUnixNano || '0');
    for (const id of callIds(r)) {
      const seen = at.get(id);
      if (id && (seen === undefined || t < seen)) at.set(id, t);
    }
  }
  return at;
}

/**
 * The records of one instant in conversation order. The API orders records of the same
 * timestamp arbitrarily (SDKs stamp a whole request's messages with one millisecond): system
 * and user messages come first, the model's earlier turns in the order it took them (each at the
 * time its call was chosen, where the trace holds that choice), each tool message right after
 * the assistant message that called it, the model's choice last.
 */
function conversationOrder(group: LogRecordJson[], chosen: Map<string, bigint>): LogRecordJson[] {
  const sorted = [...group].sort((a, b) => (RANK[nameOf(a)] ?? 3) - (RANK[nameOf(b)] ?? 3));
  // assistant turns whose choice is known take their slots in the order they were chosen
  const timeOf = (r: LogRecordJson): bigint | undefined => callIds(r).map((id) => chosen.get(id)).find((t) => t !== undefined);
  const slots = sorted.flatMap((r, i) => (nameOf(r) === 'gen_ai.assistant.message' && timeOf(r) !== undefined ? [i] : []));
  const turns = slots.map((i) => sorted[i]!).sort((a, b) => (timeOf(a)! < timeOf(b)! ? -1 : timeOf(a)! > timeOf(b)! ? 1 : 0));
  slots.forEach((slot, k) => (sorted[slot] = turns[k]!));
  const tools = sorted.filter((r) => nameOf(r) === 'gen_ai.tool.message');
  const placed = new Set<LogRecordJson>();
  const out: LogRecordJson[] = [];
  for (const r of sorted) {
    if (placed.has(r) || nameOf(r) === 'gen_ai.tool.message') continue;
    out.push(r);
    placed.add(r);
    for (const id of callIds(r)) {
      const t = tools.find((x) => !placed.has(x) && (bodyField(x, 'id') as { stringValue?: string } | undefined)?.stringValue === id);
      if (t) {
        out.push(t);
        placed.add(t);
      }
    }
  }
  // tool messages whose caller is not in this instant keep their rank's place
  const rest = tools.filter((t) => !placed.has(t));
  const firstChoice = out.findIndex((r) => nameOf(r) === 'gen_ai.choice');
  out.splice(firstChoice < 0 ? out.length : firstChoice, 0, ...rest);
  return out;
}

/** Log records by span id, in time order (records of one instant in conversation order). */
export function logsBySpan(r: LogsLike | undefined): Map<string, LogRecordJson[]> {
  const out = new Map<string, LogRecordJson[]>();
  for (const rl of r?.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const rec of sl.logRecords ?? []) {
        const id = (rec.spanId ?? '').toLowerCase();
        if (!id) continue;
        (out.get(id) ?? out.set(id, []).get(id)!).push(rec);
      }
    }
  }
  const chosen = chosenAt([...out.values()].flat());
  for (const [id, l] of out) {
    l.sort((a, b) => Number(BigInt(a.timeUnixNano || '0') - BigInt(b.timeUnixNano || '0')));
    const ordered: LogRecordJson[] = [];
    for (let i = 0; i < l.length; ) {
      let j = i + 1;
      while (j < l.length && l[j]!.timeUnixNano === l[i]!.timeUnixNano) j++;
      ordered.push(...conversationOrder(l.slice(i, j), chosen));
      i = j;
    }
    out.set(id, ordered);
  }
  return out;
}
