// GET /api/traces/:id/logs as the explorer reads it (the response has no type in schemas/ yet):
// OTLP/JSON logs; the records of one span are what log-based instrumentations sent for it.
import type { AnyValue, KeyValue } from '@causeway/schemas';

export interface LogRecordJson {
  timeUnixNano?: string;
  eventName?: string;
  attributes?: KeyValue[];
  body?: AnyValue;
  traceId?: string;
  spanId?: string;
}

export interface TraceLogsResponse {
  traceId: string;
  logRecordCount: number;
  resourceLogs: { scopeLogs: { logRecords: LogRecordJson[] }[] }[];
}

/** Log records by span id, in time order. */
export function logsBySpan(r: TraceLogsResponse | undefined): Map<string, LogRecordJson[]> {
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
  for (const l of out.values()) l.sort((a, b) => (BigInt(a.timeUnixNano || '0') < BigInt(b.timeUnixNano || '0') ? -1 : 1));
  return out;
}
