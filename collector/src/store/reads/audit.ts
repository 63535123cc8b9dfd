// Reads of the access audit (`audit_events`), always within one tenant. Repeats (a spool replay
// after a crash) collapse by row_hash, as for every ledgered table.
import { AUDIT_COLUMNS, type AuditRow } from '../../format/audit-line.ts';
import type { ClickHouse } from '../clickhouse.ts';

export interface AuditFilter {
  /** unix nanoseconds, inclusive */
  sinceNs?: string;
  untilNs?: string;
  action?: string;
  actorId?: string;
  traceId?: string;
  limit: number;
  /** the last (time, event id) of the previous page */
  cursor?: { timeNs: string; eventId: string };
}

const COLUMNS = AUDIT_COLUMNS.join(', ');

/** One tenant's access audit. */
export class AuditReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  /** Newest first. */
  async list(f: AuditFilter): Promise<AuditRow[]> {
    const where = ['tenant = {tenant:String}'];
    const params: Record<string, unknown> = { tenant: this.tenant, limit: f.limit };
    if (f.sinceNs) {
      where.push('time_unix_nano >= {since:UInt64}');
      params.since = f.sinceNs;
    }
    if (f.untilNs) {
      where.push('time_unix_nano <= {until:UInt64}');
      params.until = f.untilNs;
    }
    if (f.action) {
      where.push('(action = {action:String} OR startsWith(action, concat({action:String}, \'.\')))');
      params.action = f.action;
    }
    if (f.actorId) {
      where.push('actor_id = {actor:String}');
      params.actor = f.actorId;
    }
    if (f.traceId) {
      where.push('(trace_id = {trace:String} OR has(trace_ids, {trace:String}))');
      params.trace = f.traceId;
    }
    if (f.cursor) {
      where.push('(time_unix_nano, event_id) < ({cursorTime:UInt64}, {cursorEvent:String})');
      params.cursorTime = f.cursor.timeNs;
      params.cursorEvent = f.cursor.eventId;
    }
    return rows(
      this.ch,
      `SELECT ${COLUMNS} FROM ${this.ch.database}.audit_events WHERE ${where.join(' AND ')}
       ORDER BY time_unix_nano DESC, event_id DESC LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      params,
    );
  }

  /** Every event about any of these traces (who viewed the evidence), oldest first. */
  ofTraces(traceIds: string[], limit = 100_000): Promise<AuditRow[]> {
    if (traceIds.length === 0) return Promise.resolve([]);
    return rows(
      this.ch,
      `SELECT ${COLUMNS} FROM ${this.ch.database}.audit_events
       WHERE tenant = {tenant:String} AND (trace_id IN {ids:Array(String)} OR hasAny(trace_ids, {ids:Array(String)}))
       ORDER BY time_unix_nano, event_id LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      { tenant: this.tenant, ids: traceIds, limit },
    );
  }
}

/** Across tenants, for the collector itself: which audit events are stored already (credential changes are audited once). */
export class AuditIndex {
  constructor(private readonly ch: ClickHouse) {}

  async existingEventIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.ch.query<{ event_id: string }>(`SELECT DISTINCT event_id FROM ${this.ch.database}.audit_events WHERE event_id IN {ids:Array(String)}`, { ids });
    return new Set(found.map((r) => r.event_id));
  }
}

async function rows(ch: ClickHouse, query: string, params: Record<string, unknown>): Promise<AuditRow[]> {
  const found = await ch.query<AuditRow>(query, params);
  for (const r of found) r.status = Number(r.status);
  return found;
}
