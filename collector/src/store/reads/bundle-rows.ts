// The stored rows an evidence bundle carries, for one tenant: span rows of traces, and
// provenance rows by trace or by artifact, in a fixed order so the same selection exports the
// same bytes. Rows come back as stored; the bundle writes their canonical form (format/).
import type { SpanRow } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';
import { PROV_COLUMNS, type ProvTable } from '../../format/prov-lines.ts';

/** A provenance row as stored: its canonical columns (format/prov-lines.ts) and its hash. */
export type StoredProvRow = Record<string, unknown> & { trace_id: string; span_id: string; row_hash: string };

export class BundleRows {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  /** Every span row of these traces (the first `limit` when given), one per distinct row, by trace, start, span and hash. */
  spans(traceIds: string[], limit?: number): Promise<SpanRow[]> {
    return this.ch.query<SpanRow>(
      `SELECT * EXCEPT (ingested_at) FROM ${this.ch.database}.spans
       WHERE tenant = {tenant:String} AND trace_id IN {traceIds:Array(String)}
       ORDER BY trace_id, start_time_unix_nano, span_id, row_hash
       LIMIT 1 BY trace_id, span_id, row_hash${limit === undefined ? '' : ' LIMIT {limit:UInt64}'}`,
      { tenant: this.tenant, traceIds, ...(limit === undefined ? {} : { limit }) },
    );
  }

  /** Activities (by trace, span) or relations (by trace, span, seq) of these traces, one per row hash. */
  provOfTraces(table: 'prov_activities' | 'prov_relations', traceIds: string[]): Promise<StoredProvRow[]> {
    return this.prov(table, 'trace_id IN {ids:Array(String)}', traceIds, table === 'prov_activities' ? 'trace_id, span_id' : 'trace_id, span_id, seq');
  }

  /** Every stored row of these artifacts (an artifact written in several traces has several), by artifact and hash. */
  artifacts(artifactIds: string[]): Promise<StoredProvRow[]> {
    return this.prov('prov_artifacts', 'artifact_id IN {ids:Array(String)}', artifactIds, 'artifact_id');
  }

  private prov(t: ProvTable, where: string, ids: string[], by: string): Promise<StoredProvRow[]> {
    return this.ch.query<StoredProvRow>(
      `SELECT ${Object.keys(PROV_COLUMNS[t]).join(', ')}, row_hash FROM ${this.ch.database}.${t}
       WHERE tenant = {tenant:String} AND ${where} ORDER BY ${by}, row_hash LIMIT 1 BY row_hash`,
      { tenant: this.tenant, ids },
    );
  }
}
