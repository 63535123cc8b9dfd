// TEMPORARY: the old GET /api/traces reads (main before this branch), kept only to compare the unified search against; deleted in the next commit.
// The reads behind the query API. Every read collapses identical rows (a retried request,
// or a spool replay after a crash) with LIMIT 1 BY the span's identity and row_hash.
import type { LogRow, SpanRow } from '@causeway/schemas';
import type { ClickHouse } from './clickhouse.ts';

/** A stored span as read back: the row plus when Causeway received it. */
export type StoredSpan = SpanRow & { row_hash: string; ingested_at: string };

export interface TraceFilter {
  tenant: string;
  service?: string;
  spanName?: string;
  status?: 'unset' | 'ok' | 'error';
  /** unix nanoseconds, inclusive */
  startNs?: string;
  endNs?: string;
  limit: number;
  cursor?: { startNs: string; traceId: string };
}

export interface TraceSummaryRow {
  trace_id: string;
  start: string;
  end: string;
  span_count: string;
  error_count: string;
  root_name: string;
  root_service: string;
  services: string[];
}

const SPAN_COLUMNS = 'SELECT * EXCEPT (ingested_at), toString(ingested_at) AS ingested_at';
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export class SpanQueries {
  constructor(private readonly ch: ClickHouse) {}

  private get db(): string {
    return this.ch.database;
  }

  /** All spans of a trace, narrowed through trace_index to the trace's services and time range. */
  async trace(tenant: string, traceId: string): Promise<StoredSpan[]> {
    const db = this.db;
    const query = `
      WITH bounds AS (
        SELECT service_name, min(start_min) AS lo, max(start_max) AS hi
        FROM ${db}.trace_index
        WHERE tenant = {tenant:String} AND trace_id = {traceId:FixedString(32)}
        GROUP BY service_name
      )
      ${SPAN_COLUMNS}
      FROM ${db}.spans
      WHERE tenant = {tenant:String}
        AND service_name IN (SELECT service_name FROM bounds)
        AND start_time >= (SELECT min(lo) FROM bounds)
        AND start_time <= (SELECT max(hi) FROM bounds)
        AND trace_id = {traceId:FixedString(32)}
      ORDER BY start_time_unix_nano, span_id
      LIMIT 1 BY span_id, row_hash`;
    return this.rows<StoredSpan>(query, { tenant, traceId });
  }

  /** The log records of a trace, in time order. */
  async logs(tenant: string, traceId: string): Promise<LogRow[]> {
    return this.rows<LogRow>(
      `SELECT * EXCEPT (ingested_at, row_hash) FROM ${this.db}.logs
       WHERE tenant = {tenant:String} AND trace_id = {traceId:String}
       ORDER BY time_unix_nano, observed_time_unix_nano, row_hash
       LIMIT 1 BY row_hash`,
      { tenant, traceId },
    );
  }

  /** Recent traces, newest first, that have at least one span matching the filter. */
  async traces(f: TraceFilter): Promise<TraceSummaryRow[]> {
    const db = this.db;
    const where = ['tenant = {tenant:String}'];
    const params: Record<string, unknown> = { tenant: f.tenant, limit: f.limit };
    if (f.service !== undefined) {
      where.push('service_name = {service:String}');
      params.service = f.service;
    }
    if (f.spanName !== undefined) {
      where.push('name = {spanName:String}');
      params.spanName = f.spanName;
    }
    if (f.status !== undefined) {
      where.push('status_code = {status:Int32}');
      params.status = STATUS_CODE[f.status];
    }
    if (f.startNs !== undefined) {
      where.push('start_time_unix_nano >= {startNs:UInt64} AND start_time >= toDateTime64(intDiv({startNs:UInt64}, 1000), 6)');
      params.startNs = f.startNs;
    }
    if (f.endNs !== undefined) {
      where.push('start_time_unix_nano <= {endNs:UInt64} AND start_time <= toDateTime64(intDiv({endNs:UInt64}, 1000), 6)');
      params.endNs = f.endNs;
    }
    let having = '';
    if (f.cursor) {
      having = 'HAVING (min(start_time_unix_nano), trace_id) < ({cursorStart:UInt64}, {cursorTrace:String})';
      params.cursorStart = f.cursor.startNs;
      params.cursorTrace = f.cursor.traceId;
    }
    const query = `
      WITH page AS (
        SELECT trace_id FROM ${db}.spans
        WHERE ${where.join(' AND ')}
        GROUP BY trace_id
        ${having}
        ORDER BY min(start_time_unix_nano) DESC, trace_id DESC
        LIMIT {limit:UInt32}
      )
      SELECT
        trace_id,
        min(start_time_unix_nano) AS start,
        max(end_time_unix_nano) AS end,
        count() AS span_count,
        countIf(status_code = 2) AS error_count,
        argMinIf(name, start_time_unix_nano, parent_span_id = '') AS root_name,
        argMinIf(service_name, start_time_unix_nano, parent_span_id = '') AS root_service,
        arraySort(groupUniqArray(toString(service_name))) AS services
      FROM (
        SELECT trace_id, span_id, row_hash, start_time_unix_nano, end_time_unix_nano, status_code, name, parent_span_id, service_name
        FROM ${db}.spans
        WHERE tenant = {tenant:String} AND trace_id IN (SELECT trace_id FROM page)
        LIMIT 1 BY trace_id, span_id, row_hash
      )
      GROUP BY trace_id
      ORDER BY start DESC, trace_id DESC`;
    return this.rows<TraceSummaryRow>(query, params);
  }

  /** Per rule: how many values were redacted and in how many spans, over the whole store. */
  async redactionSummary(tenant: string): Promise<{ rule: string; count: number; spans: number }[]> {
    const rows = await this.rows<{ rule: string; count: string; spans: string }>(
      `SELECT r.rule AS rule, sum(r.count) AS count, uniqExact(span_id, trace_id) AS spans
       FROM (SELECT trace_id, span_id, redactions FROM ${this.db}.spans WHERE tenant = {tenant:String} LIMIT 1 BY trace_id, span_id, row_hash)
       ARRAY JOIN redactions AS r
       GROUP BY rule ORDER BY count DESC, rule`,
      { tenant },
    );
    return rows.map((r) => ({ rule: r.rule, count: Number(r.count), spans: Number(r.spans) }));
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return this.ch.query<T>(query, params);
  }
}
