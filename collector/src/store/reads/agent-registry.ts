// The agent registry as changed through the API (sql/014_agent_registry.sql, 017), one tenant's:
// every version of every agent, appended, never updated, through the spool and the ledger like a
// finding (format/registry-lines.ts): `causeway verify` names a version changed or added behind
// the collector's back. Like incidents, a read side that also appends: the registry is Causeway's own record.
import type { ClickHouse } from '../clickhouse.ts';
import { chTime } from '../../format/finding-lines.ts';
import type { FindingSink } from './findings.ts';

export interface RegistryVersionRow {
  agentId: string;
  version: number;
  /** ISO */
  at: string;
  actor: string;
  /** the agent's policy entry as JSON (the policy file's shape) */
  entry: string;
}

/** Versions per tenant read at most: a registry is small, and this bounds a hostile one. */
const MAX_ROWS = 100_000;

export class AgentRegistryReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
    private readonly sink: Pick<FindingSink, 'appendRegistryVersions'>,
  ) {}

  /** Every stored version, by agent and version (repeats of one version collapse). */
  async all(): Promise<RegistryVersionRow[]> {
    const rows = await this.ch.query<{ agent_id: string; version: string; at: string; actor: string; entry: string }>(
      `SELECT agent_id, version, toString(at) AS at, actor, entry FROM ${this.ch.database}.agent_registry WHERE tenant = {tenant:String}
       ORDER BY agent_id, version LIMIT 1 BY agent_id, version LIMIT {limit:UInt32}`,
      { tenant: this.tenant, limit: MAX_ROWS },
    );
    return rows.map((r) => ({ agentId: r.agent_id, version: Number(r.version), at: `${r.at.replace(' ', 'T')}Z`, actor: r.actor, entry: r.entry }));
  }

  /** Resolves once the version is durable, in ClickHouse and in the log (it is read right after). */
  async append(r: RegistryVersionRow): Promise<void> {
    await this.sink.appendRegistryVersions([{ tenant: this.tenant, trace_id: '', span_id: '', agent_id: r.agentId, version: r.version, at: chTime(r.at), actor: r.actor, entry: r.entry }]);
  }
}
