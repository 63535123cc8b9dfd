// Reads of the access audit (`audit_events`), always within one tenant. Repeats (a spool replay
// after a crash) collapse by row_hash, as for every ledgered table.
import { AUDIT_COLUMNS, type AuditRow } from '../format/audit-line.ts';
import { type ClickHouse, READ_SETTINGS } from './clickhouse.ts';

export interface AuditFilter {
  tenant: string;
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

export class AuditQueries {
  constructor(private readonly ch: ClickHouse) {}

  /** Newest first. */
  async list(f: AuditFilter): Promise<AuditRow[]> {
    const where = ['tenant = {tenant:String}'];
    const params: Record<string, unknown> = { tenant: f.tenant, limit: f.limit };
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
    return this.rows(
      `SELECT ${COLUMNS} FROM ${this.ch.database}.audit_events WHERE ${where.join(' AND ')}
       ORDER BY time_unix_nano DESC, event_id DESC LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      params,
    );
  }

  /** Every event about any of these traces (who viewed the evidence), oldest first, with row hashes. */
  async ofTraces(tenant: string, traceIds: string[], limit = 100_000): Promise<(AuditRow & { row_hash: string })[]> {
    if (traceIds.length === 0) return [];
    return this.rows(
      `SELECT ${COLUMNS}, row_hash FROM ${this.ch.database}.audit_events
       WHERE tenant = {tenant:String} AND (trace_id IN {ids:Array(String)} OR hasAny(trace_ids, {ids:Array(String)}))
       ORDER BY time_unix_nano, event_id LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      { tenant, ids: traceIds, limit },
    );
  }

  /** Ids of the audit events with these ids already stored (any tenant): credential changes are audited once. */
  async existingEventIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.rows<{ event_id: string }>(`SELECT DISTINCT event_id FROM ${this.ch.database}.audit_events WHERE event_id IN {ids:Array(String)}`, { ids });
    return new Set(rows.map((r) => r.event_id));
  }

  private async rows<T = AuditRow>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const rs = await this.ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
    const rows = await rs.json<T>();
    for (const r of rows as Record<string, unknown>[]) if ('status' in r) r.status = Number(r.status);
    return rows;
  }
}
