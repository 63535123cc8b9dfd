// Canonical lines for agent registry versions (sql/014_agent_registry.sql, 017): JSON with the
// table's columns in a fixed order, computed the same way from a version about to be written and
// from a row read back, so row_hash = SHA-256(0x00 ‖ bytes) is also its ledger leaf (as
// finding-lines.ts). The first three columns are the ledger's row head (tenant, trace_id,
// span_id: see row-line.ts); a registry version is no trace's, so both are ''.
import { hashedLines } from './hashed-lines.ts';

/** One registry version as stored. `at` is ClickHouse DateTime64(3) text ('YYYY-MM-DD hh:mm:ss.mmm', UTC). */
export interface RegistryRow {
  tenant: string;
  trace_id: string;
  span_id: string;
  agent_id: string;
  version: number;
  at: string;
  actor: string;
  /** the agent's policy entry as JSON (the policy file's shape) */
  entry: string;
}

export const REGISTRY_COLUMNS = ['tenant', 'trace_id', 'span_id', 'agent_id', 'version', 'at', 'actor', 'entry'] as const satisfies readonly (keyof RegistryRow)[];
/** The columns as a SELECT list that reads them back in the form they were written. */
export const REGISTRY_SELECT = REGISTRY_COLUMNS.map((c) => (c === 'at' ? 'toString(at) AS at' : c)).join(', ');

export function canonicalRegistryRow(r: RegistryRow): string {
  const s = (v: unknown): string => JSON.stringify(String(v));
  return (
    `{"tenant":${s(r.tenant)},"trace_id":${s(r.trace_id)},"span_id":${s(r.span_id)},"agent_id":${s(r.agent_id)}` +
    `,"version":${Number(r.version)},"at":${s(r.at)},"actor":${s(r.actor)},"entry":${s(r.entry)}}`
  );
}

/** JSONEachRow lines (canonical form + row_hash) for the spool, the writer and the ledger. */
export function registryPayload(rows: RegistryRow[]): Buffer {
  return hashedLines(rows.map(canonicalRegistryRow));
}
