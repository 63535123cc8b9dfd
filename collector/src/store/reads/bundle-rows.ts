// The stored rows an evidence bundle carries, for one tenant: span and log rows of traces, and
// provenance rows by trace or by artifact, in a fixed order so the same selection exports the
// same bytes. Rows come back as stored; the bundle writes their canonical form (format/).
// Span and log rows are read in two steps so a bundle never holds them all: first the keys
// (trace, span, row hash) of the whole selection, then the rows themselves a page of hashes at a time.
import type { LogRow, SpanRow } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';
import { PROV_COLUMNS, type ProvTable, canonicalProvRow } from '../../format/prov-lines.ts';
import { rowLeafHash } from '../../format/canonical-row.ts';

/** A provenance row as stored: its canonical columns (format/prov-lines.ts), its canonical line and that line's hash. */
export type StoredProvRow = Record<string, unknown> & { trace_id: string; span_id: string; line: string; row_hash: string };

/** Where a stored row sits: its trace and span, its row hash (its leaf in the log), and about how many bytes it holds. */
export interface RowKey {
  trace_id: string;
  span_id: string;
  row_hash: string;
  /** ClickHouse's estimate of the row's size in memory (byteSize): pages are cut by it */
  bytes: number;
}

const SPAN_ORDER = 'trace_id, start_time_unix_nano, span_id, row_hash';
const LOG_ORDER = 'trace_id, time_unix_nano, observed_time_unix_nano, row_hash';

export class BundleRows {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  /** The keys of every span row of these traces (the first `limit` when given), one per distinct row, by trace, start, span and hash. */
  spanKeys(traceIds: string[], limit?: number, signal?: AbortSignal): Promise<RowKey[]> {
    return this.keys('spans', SPAN_ORDER, traceIds, limit, signal);
  }

  /** The span rows of these traces with these row hashes, in the order of spanKeys. */
  spansByHash(traceIds: string[], hashes: string[], signal?: AbortSignal): Promise<SpanRow[]> {
    return this.byHash<SpanRow>('spans', SPAN_ORDER, traceIds, hashes, signal);
  }

  /** The keys of every log record row of these traces, by trace, time, observed time and hash. */
  logKeys(traceIds: string[], signal?: AbortSignal): Promise<RowKey[]> {
    return this.keys('logs', LOG_ORDER, traceIds, undefined, signal);
  }

  /** The log record rows of these traces with these row hashes, in the order of logKeys. */
  logsByHash(traceIds: string[], hashes: string[], signal?: AbortSignal): Promise<LogRow[]> {
    return this.byHash<LogRow>('logs', LOG_ORDER, traceIds, hashes, signal);
  }

  private keys(table: 'spans' | 'logs', order: string, traceIds: string[], limit: number | undefined, signal: AbortSignal | undefined): Promise<RowKey[]> {
    return this.ch.query<RowKey>(
      `SELECT trace_id, span_id, row_hash, toUInt32(least(byteSize(*), 4000000000)) AS bytes FROM ${this.ch.database}.${table}
       WHERE tenant = {tenant:String} AND trace_id IN {traceIds:Array(String)}
       ORDER BY ${order} LIMIT 1 BY row_hash${limit === undefined ? '' : ' LIMIT {limit:UInt64}'}`,
      { tenant: this.tenant, traceIds, ...(limit === undefined ? {} : { limit }) },
      undefined,
      signal,
    );
  }

  private byHash<T>(table: 'spans' | 'logs', order: string, traceIds: string[], hashes: string[], signal: AbortSignal | undefined): Promise<T[]> {
    return this.ch.query<T>(
      `SELECT * EXCEPT (ingested_at) FROM ${this.ch.database}.${table}
       WHERE tenant = {tenant:String} AND trace_id IN {traceIds:Array(String)} AND row_hash IN {hashes:Array(String)}
       ORDER BY ${order} LIMIT 1 BY row_hash`,
      { tenant: this.tenant, traceIds, hashes },
      undefined,
      signal,
    );
  }

  /** Activities (by trace, span) or relations (by trace, span, seq) of these traces, one per row hash. */
  provOfTraces(table: 'prov_activities' | 'prov_relations', traceIds: string[]): Promise<StoredProvRow[]> {
    return this.prov(table, 'trace_id IN {ids:Array(String)}', traceIds, table === 'prov_activities' ? ['trace_id', 'span_id'] : ['trace_id', 'span_id', 'seq']);
  }

  /** Every stored row of these artifacts (an artifact written in several traces has several), by artifact and hash. */
  artifacts(artifactIds: string[]): Promise<StoredProvRow[]> {
    return this.prov('prov_artifacts', 'artifact_id IN {ids:Array(String)}', artifactIds, ['artifact_id']);
  }

  /**
   * One row per distinct row, ordered by `by` then row hash. Rows stored since
   * store/insert-lines.ts hold no row_hash: it is rebuilt from the columns, as for rows written
   * before (the hash of exactly these columns), so old and new rows export alike.
   */
  private async prov(t: ProvTable, where: string, ids: string[], by: string[]): Promise<StoredProvRow[]> {
    const rows = await this.ch.query<StoredProvRow>(
      `SELECT DISTINCT ${Object.keys(PROV_COLUMNS[t]).join(', ')} FROM ${this.ch.database}.${t}
       WHERE tenant = {tenant:String} AND ${where}`,
      { tenant: this.tenant, ids },
    );
    // by `by`, then by hash, as `ORDER BY …, row_hash` did when the hash was stored
    const keyed = rows.map((r) => {
      r.line = canonicalProvRow(t, r);
      r.row_hash = rowLeafHash(r.line);
      return { r, k: [...by.map((c) => (c === 'seq' ? Number(r[c]) : String(r[c]))), r.row_hash] };
    });
    keyed.sort((a, b) => {
      for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return a.k[i]! < b.k[i]! ? -1 : 1;
      return 0;
    });
    return keyed.map((x) => x.r);
  }
}
