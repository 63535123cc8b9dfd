// Trace reads for one tenant: a trace by id, its log records, the redaction summary, and the
// one trace search (trace-search.ts). Every read collapses identical rows (a retried request,
// or a spool replay after a crash) with LIMIT 1 BY the row's identity and row_hash.
import type { LogRow, SpanRow, TraceQuery, TraceSearchResponse } from '@causeway/schemas';
import type { SpanSubmitter } from '../../provenance/submitters.ts';
import type { ClickHouse } from '../clickhouse.ts';
import { type UntrustedTest, searchTraces } from './trace-search.ts';

/** A stored span as read back: the row plus when Causeway received it. */
export type StoredSpan = SpanRow & { row_hash: string; ingested_at: string };

const SPAN_COLUMNS = 'SELECT * EXCEPT (ingested_at), toString(ingested_at) AS ingested_at';

export class TraceReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  /** All spans of a trace, narrowed through trace_index to the trace's services and time range. */
  async trace(traceId: string): Promise<StoredSpan[]> {
    const db = this.ch.database;
    return this.ch.query<StoredSpan>(
      `WITH bounds AS (
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
      LIMIT 1 BY span_id, row_hash`,
      { tenant: this.tenant, traceId },
    );
  }

  /** The log records of a trace, in time order. */
  logs(traceId: string): Promise<LogRow[]> {
    return this.ch.query<LogRow>(
      `SELECT * EXCEPT (ingested_at, row_hash) FROM ${this.ch.database}.logs
       WHERE tenant = {tenant:String} AND trace_id = {traceId:String}
       ORDER BY time_unix_nano, observed_time_unix_nano, row_hash
       LIMIT 1 BY row_hash`,
      { tenant: this.tenant, traceId },
    );
  }

  /**
   * The one trace search, newest first with cursor paging. `isUntrusted` is the trust policy,
   * decided above the store; it is only consulted when the query asks for `untrusted`.
   */
  search(q: TraceQuery, isUntrusted: UntrustedTest): Promise<TraceSearchResponse> {
    return searchTraces(this.ch, this.tenant, q, isUntrusted);
  }

  /** Which credential submitted each of these spans (spans stored before credentials: ''). */
  async submitters(spans: { trace_id: string; span_id: string }[]): Promise<SpanSubmitter[]> {
    if (spans.length === 0) return [];
    const keys = new Set(spans.map((s) => `${s.trace_id}/${s.span_id}`));
    return (await this.submittersOfTraces([...new Set(spans.map((s) => s.trace_id))])).filter((r) => keys.has(`${r.trace_id}/${r.span_id}`));
  }

  /** Which credential submitted each span of these traces. */
  async submittersOfTraces(traceIds: string[]): Promise<SpanSubmitter[]> {
    if (traceIds.length === 0) return [];
    return this.ch.query<SpanSubmitter>(
      `SELECT DISTINCT trace_id, span_id, credential_id, credential_name FROM ${this.ch.database}.spans
       WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)}`,
      { tenant: this.tenant, traces: traceIds },
    );
  }

  /** Per rule: how many values were redacted and in how many spans, over the whole store. */
  async redactionSummary(): Promise<{ rule: string; count: number; spans: number }[]> {
    const rows = await this.ch.query<{ rule: string; count: string; spans: string }>(
      `SELECT r.rule AS rule, sum(r.count) AS count, uniqExact(span_id, trace_id) AS spans
       FROM (SELECT trace_id, span_id, redactions FROM ${this.ch.database}.spans WHERE tenant = {tenant:String} LIMIT 1 BY trace_id, span_id, row_hash)
       ARRAY JOIN redactions AS r
       GROUP BY rule ORDER BY count DESC, rule`,
      { tenant: this.tenant },
    );
    return rows.map((r) => ({ rule: r.rule, count: Number(r.count), spans: Number(r.spans) }));
  }
}
