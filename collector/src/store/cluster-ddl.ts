// The schema on a ClickHouse cluster (CLICKHOUSE_CLUSTER): each table of schemas/sql becomes
// `<table>_local`, a ReplicatedMergeTree on every node, plus `<table>`, a Distributed table over
// them, so every read and write of the application keeps its table names. Materialized views run
// on each node, from local table to local table. Everything a trace produces is sharded by its
// trace id, so a trace, its index rows and its provenance rows live on one shard.
//
// Derived from the single-node DDL statement by statement, so the two cannot drift apart; a
// statement of a shape it does not know is an error, not a silent pass-through.

export interface ClusterLayout {
  /** the cluster's name in the servers' remote_servers */
  name: string;
  /** ReplicatedMergeTree (the default); false gives plain MergeTree shards without replicas */
  replicated?: boolean;
  /** run DDL `ON CLUSTER` (the default); false runs it on the node the client talks to only */
  onCluster?: boolean;
}

/**
 * The sharding key of each table: a Distributed table routes an inserted row to a shard by it.
 * Rows a materialized view derives stay on the shard of the row they came from, which is what
 * their keys below describe (used only if someone inserts into them directly).
 */
export const SHARDING_KEYS: Record<string, string> = {
  schema_migrations: 'cityHash64(name)',
  spans: 'cityHash64(trace_id)',
  trace_index: 'cityHash64(trace_id)',
  logs: "if(trace_id = '', rand64(), cityHash64(trace_id))",
  prov_activities: 'cityHash64(trace_id)',
  prov_relations: 'cityHash64(trace_id)',
  prov_artifacts: 'cityHash64(trace_id)',
  prov_appearances: 'cityHash64(trace_id)',
  prov_appearances_fine: 'cityHash64(trace_id)',
  prov_fingerprints: 'cityHash64(artifact_id)',
  prov_fingerprint_index: 'artifact_key',
  prov_artifact_keys: 'artifact_key',
  prov_fingerprint_holders: 'holder',
  prov_holder_ids: 'holder',
  prov_conversations: 'cityHash64(trace_id)',
  // One log's leaves and checkpoints together: a log is read and verified in leaf order.
  ledger_leaves: 'cityHash64(log_id)',
  ledger_entries: 'cityHash64(log_id)',
  ledger_tiles: 'cityHash64(log_id)',
  checkpoints: 'cityHash64(log_id)',
  exports: 'rand()',
  incident_events: 'cityHash64(incident_id)',
  // one tenant's audit together: it is read by tenant and time
  audit_events: 'cityHash64(tenant)',
  findings: 'cityHash64(finding_id)',
  finding_events: 'cityHash64(finding_id)',
  // one tenant's registry together: it is read whole, by tenant
  agent_registry: 'cityHash64(tenant)',
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE = /\{db\}\.([A-Za-z_][A-Za-z0-9_]*)/g;

/** The cluster statements for one single-node statement (with its `{db}` placeholders). */
export function clusterStatements(statement: string, layout: ClusterLayout): string[] {
  if (!IDENT.test(layout.name)) throw new Error(`invalid cluster name "${layout.name}"`);
  const on = layout.onCluster === false ? '' : ` ON CLUSTER ${layout.name}`;
  const sql = statement.trim();

  let m = /^CREATE TABLE IF NOT EXISTS \{db\}\.(\w+)\s*(\([\s\S]*)$/i.exec(sql);
  if (m) {
    const [, table = '', rest = ''] = m;
    const key = SHARDING_KEYS[table];
    if (!key) throw new Error(`cluster DDL: no sharding key for table ${table}; add one to SHARDING_KEYS`);
    const engine = /ENGINE\s*=\s*MergeTree(?:\(\))?(?=\s)/;
    if (!engine.test(rest)) throw new Error(`cluster DDL: table ${table} is not a plain MergeTree; no cluster rule for it`);
    const local = layout.replicated === false ? 'ENGINE = MergeTree' : "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')";
    return [
      `CREATE TABLE IF NOT EXISTS {db}.${table}_local${on} ${rest.replace(engine, local)}`,
      `CREATE TABLE IF NOT EXISTS {db}.${table}${on} AS {db}.${table}_local ENGINE = Distributed(${layout.name}, {db}, ${table}_local, ${key})`,
    ];
  }

  m = /^CREATE MATERIALIZED VIEW IF NOT EXISTS \{db\}\.(\w+) TO \{db\}\.(\w+) AS\s([\s\S]*)$/i.exec(sql);
  if (m) {
    const [, view = '', target = '', select = ''] = m;
    // Each node's view reads the rows inserted into its own shard and writes beside them.
    return [`CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.${view}${on} TO {db}.${target}_local AS ${select.replace(TABLE, '{db}.$1_local')}`];
  }

  // A MergeTree setting belongs to the shards' tables; the Distributed table has none of them.
  m = /^ALTER TABLE \{db\}\.(\w+)\s+(MODIFY SETTING\s[\s\S]*)$/i.exec(sql);
  if (m) return [`ALTER TABLE {db}.${m[1]}_local${on} ${m[2]}`];

  m = /^ALTER TABLE \{db\}\.(\w+)\s([\s\S]*)$/i.exec(sql);
  if (m) {
    const [, table = '', commands = ''] = m;
    // The Distributed table carries the columns too (it is how the application sees them).
    return [`ALTER TABLE {db}.${table}_local${on} ${commands}`, `ALTER TABLE {db}.${table}${on} ${commands}`];
  }

  // A view a later file replaces (each node has its own copy of it); never a table: tables keep their rows.
  m = /^DROP VIEW IF EXISTS \{db\}\.(\w+)$/i.exec(sql);
  if (m) return [`DROP VIEW IF EXISTS {db}.${m[1]}${on}`];

  // INSERT … SELECT (a backfill) reads and writes the Distributed tables: rows land on the shard
  // of their key, as live inserts do.
  if (/^INSERT INTO \{db\}\.\w+[\s(]/i.test(sql)) return [sql];

  throw new Error(`cluster DDL: no rule for the statement "${sql.slice(0, 80)}…"`);
}

/** Settings every query gets on a cluster (see README, "Running on a ClickHouse cluster"). */
export const CLUSTER_SETTINGS = {
  // IN (subquery) and JOIN over Distributed tables run the subquery once, across all shards, and
  // ship its result to each: the only reading that is right whatever shard a row is on.
  distributed_product_mode: 'global',
  // An insert answers only once every shard has its rows (not when they are queued locally)…
  distributed_foreground_insert: 1,
  // …on a majority of each shard's replicas: an acknowledged row survives losing a replica.
  insert_quorum: 'auto',
  insert_quorum_timeout: 60_000,
} as const;
