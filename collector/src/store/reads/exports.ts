// The chain of custody of one tenant: every evidence bundle exported (who, when, what, the
// bundle's SHA-256), appended to `exports` (sql/005_exports.sql) and listed newest first.
import type { ExportRecord } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';

export interface ExportEntry {
  exporter: string;
  /** the signed manifest's query, as JSON text */
  query: string;
  bundleSha256: string;
  rows: number;
  checkpointSize: number;
  /** the incident it was exported from (sql/019_export_incident.sql), '' when none */
  incidentId: string;
}

export class ExportReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  /** The newest `limit` exports (of one incident, when named), newest first. */
  list(limit = 1000, incidentId?: string): Promise<ExportRecord[]> {
    const ofIncident = incidentId !== undefined ? ' AND incident_id = {incident:String}' : '';
    return this.ch.query<ExportRecord>(
      `SELECT toString(exported_at) AS exportedAt, exporter, query, bundle_sha256 AS bundleSha256, rows, checkpoint_size AS checkpointSize, incident_id AS incidentId
       FROM ${this.ch.database}.exports WHERE tenant = {tenant:String}${ofIncident} ORDER BY exported_at DESC LIMIT {limit:UInt32}`,
      { tenant: this.tenant, limit, ...(incidentId !== undefined ? { incident: incidentId } : {}) },
    );
  }

  /** Records one export (insert-only; the time is the database's). */
  async record(e: ExportEntry): Promise<void> {
    const row = { tenant: this.tenant, exporter: e.exporter, query: e.query, bundle_sha256: e.bundleSha256, rows: e.rows, checkpoint_size: String(e.checkpointSize), incident_id: e.incidentId };
    await this.ch.insertJsonEachRow('exports', [Buffer.from(`${JSON.stringify(row)}\n`)], {});
  }
}
