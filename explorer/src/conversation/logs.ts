// GET /api/traces/:id/logs (TraceLogsResponse): the records of one span are what log-based
// instrumentations (@opentelemetry/instrumentation-openai) sent for it.
import type { AnyValue, KeyValue } from '@causeway/schemas';
import { anyValue } from './fromSpan.ts';
import { isObj, structured } from './read.ts';

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
const strOf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/**
 * One field of a record as conversationOf reads it — from its body (a map, or JSON text), else its
 * attributes — decoding only that field (records can hold every earlier turn's tool results).
 */
const parsed = new WeakMap<LogRecordJson, unknown>();
function fieldOf(r: LogRecordJson, key: string): unknown {
  const b = r.body;
  if (b && 'kvlistValue' in b) {
    const kv = b.kvlistValue.values.find((e) => e.key === key);
    if (kv) return anyValue(kv.value);
  } else if (b && 'stringValue' in b) {
    if (!parsed.has(r)) parsed.set(r, structured(b.stringValue));
    const o = parsed.get(r);
    if (isObj(o) && key in o) return o[key];
    if (!isObj(o) && key === 'content' && o !== '') return o;
  }
  const a = r.attributes?.find((e) => e.key === key);
  return a ? anyValue(a.value) : undefined;
}
/** a field of the message a record carries: the record's own, or for the model's choice its message's */
function messageField(r: LogRecordJson, key: string): unknown {
  if (nameOf(r) !== 'gen_ai.choice') return fieldOf(r, key);
  const m = structured(fieldOf(r, 'message'));
  return isObj(m) ? m[key] : undefined;
}
const ids = new WeakMap<LogRecordJson, string[]>();
function callIds(r: LogRecordJson): string[] {
  let l = ids.get(r);
  if (!l) {
    const calls = structured(messageField(r, 'tool_calls'));
    l = Array.isArray(calls) ? calls.map((c) => (isObj(c) ? strOf(c.id) : '')) : [];
    ids.set(r, l);
  }
  return l;
}
/** a value as comparable text */
const canon = (v: unknown): string => JSON.stringify(structured(v) ?? '');

/**
 * What a record says, whichever event carries it: an assistant turn by its calls (or its text), so
 * the model's `gen_ai.choice` and the `gen_ai.assistant.message` that later repeats it are one.
 */
const keys = new WeakMap<LogRecordJson, string | undefined>();
function keyOf(r: LogRecordJson): string | undefined {
  if (!keys.has(r)) keys.set(r, keyFor(r));
  return keys.get(r);
}
function keyFor(r: LogRecordJson): string | undefined {
  const name = nameOf(r);
  if (name === 'gen_ai.choice' || name === 'gen_ai.assistant.message') {
    const ids = callIds(r).filter(Boolean);
    return ids.length ? `calls ${ids.join(' ')}` : `assistant ${canon(messageField(r, 'content'))}`;
  }
  // a tool result by the call it answers (its content, often the largest text, only without one)
  if (name === 'gen_ai.tool.message') return strOf(fieldOf(r, 'id')) ? `tool ${strOf(fieldOf(r, 'id'))}` : `tool ${canon(fieldOf(r, 'content'))}`;
  if (name === 'gen_ai.system.message' || name === 'gen_ai.user.message') return `${name} ${canon(fieldOf(r, 'content'))}`;
  return undefined;
}

/**
 * When each message was first sent or answered in the trace: SDKs send a call's whole conversation
 * with that call's one timestamp, so a turn of an earlier call appears first at that call's time
 * (an assistant turn at the time of the choice that made it). A message sent twice in one call (a
 * user who says "yes" twice) has one time per occurrence: its n-th copy was first sent by the first
 * call that held n of them.
 */
function firstSeen(records: Iterable<LogRecordJson>): Map<string, bigint[]> {
  const groups = new Map<string, Map<string, number>>();
  const timeOf = new Map<string, bigint>();
  for (const r of records) {
    const k = keyOf(r);
    if (k === undefined) continue;
    const g = `${(r.spanId ?? '').toLowerCase()} ${r.timeUnixNano ?? '0'}`;
    timeOf.set(g, BigInt(r.timeUnixNano || '0'));
    const counts = groups.get(g) ?? groups.set(g, new Map()).get(g)!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const seen = new Map<string, bigint[]>();
  for (const [g, counts] of groups) {
    const t = timeOf.get(g)!;
    for (const [k, n] of counts) {
      const times = seen.get(k) ?? seen.set(k, []).get(k)!;
      for (let i = 0; i < n; i++) if (times[i] === undefined || t < times[i]!) times[i] = t;
    }
  }
  // the n-th copy can be no earlier than the (n-1)-th
  for (const times of seen.values()) for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) times[i] = times[i - 1]!;
  return seen;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The records of one instant in conversation order. The API orders records of the same
 * timestamp arbitrarily (SDKs stamp a whole request's messages with one millisecond): each message
 * where it was first sent or answered in the trace (so the model's earlier turns in the order it
 * took them, and a later user message after them), then system, user and earlier turns, each tool
 * message right after the assistant message that called it, the model's choices last, by index.
 */
function conversationOrder(group: LogRecordJson[], seen: Map<string, bigint[]>): LogRecordJson[] {
  const nth = new Map<string, number>();
  const at = new Map(
    group.map((r) => {
      const k = keyOf(r);
      if (k === undefined || nameOf(r) === 'gen_ai.choice') return [r, undefined] as const;
      const i = nth.get(k) ?? 0;
      nth.set(k, i + 1);
      return [r, seen.get(k)?.[i]] as const;
    }),
  );
  const when = (r: LogRecordJson): bigint => at.get(r) ?? BigInt(r.timeUnixNano || '0');
  const index = (r: LogRecordJson): number => Number(strOf(fieldOf(r, 'index')) || 0);
  // what nothing tells apart is at least put the same way whatever order the store returned
  const same = (a: LogRecordJson, b: LogRecordJson): number => ((keyOf(a) ?? '') < (keyOf(b) ?? '') ? -1 : (keyOf(a) ?? '') > (keyOf(b) ?? '') ? 1 : 0);
  const sorted = [...group].sort((a, b) => cmp(when(a), when(b)) || (RANK[nameOf(a)] ?? 3) - (RANK[nameOf(b)] ?? 3) || index(a) - index(b) || same(a, b));
  const tools = sorted.filter((r) => nameOf(r) === 'gen_ai.tool.message');
  const byId = new Map<string, LogRecordJson[]>();
  for (const t of tools) {
    const id = strOf(fieldOf(t, 'id'));
    (byId.get(id) ?? byId.set(id, []).get(id)!).push(t);
  }
  const placed = new Set<LogRecordJson>();
  const out: LogRecordJson[] = [];
  for (const r of sorted) {
    if (placed.has(r) || nameOf(r) === 'gen_ai.tool.message') continue;
    out.push(r);
    placed.add(r);
    for (const id of callIds(r)) {
      const t = byId.get(id)?.find((x) => !placed.has(x));
      if (t) {
        out.push(t);
        placed.add(t);
      }
    }
  }
  // tool messages whose caller is not in this instant keep their place
  const pos = new Map(sorted.map((r, i) => [r, i]));
  for (const t of tools.filter((x) => !placed.has(x))) {
    const after = out.findIndex((r) => nameOf(r) === 'gen_ai.choice' || pos.get(r)! > pos.get(t)!);
    out.splice(after < 0 ? out.length : after, 0, t);
  }
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
  const seen = firstSeen([...out.values()].flat());
  for (const [id, l] of out) {
    l.sort((a, b) => cmp(BigInt(a.timeUnixNano || '0'), BigInt(b.timeUnixNano || '0')));
    const ordered: LogRecordJson[] = [];
    for (let i = 0; i < l.length; ) {
      let j = i + 1;
      while (j < l.length && l[j]!.timeUnixNano === l[i]!.timeUnixNano) j++;
      ordered.push(...conversationOrder(l.slice(i, j), seen));
      i = j;
    }
    out.set(id, ordered);
  }
  return out;
}
