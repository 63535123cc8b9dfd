// The cluster variant of the schema against the single-node one, checked with ClickHouse's own
// parser and engine (chDB behind the test server, configured with deploy/cluster's cluster.xml).
// What needs a real cluster (Keeper for ReplicatedMergeTree, ON CLUSTER) is parsed, not run.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseServer, startClickHouseServer } from '@causeway/testkit/clickhouse-http/server-process.ts';
import { type ClickHouse, openClickHouse } from './clickhouse.ts';
import { SHARDING_KEYS, clusterStatements } from './cluster-ddl.ts';
import { SCHEMA_DIR, statements } from './migrate.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLUSTER_XML = join(ROOT, 'deploy/cluster/clickhouse/config.d/cluster.xml');
const schema = readdirSync(SCHEMA_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .flatMap((f) => statements(readFileSync(join(SCHEMA_DIR, f), 'utf8')));
const createdTables = schema.flatMap((s) => /^CREATE TABLE IF NOT EXISTS \{db\}\.(\w+)/.exec(s)?.[1] ?? []);
const PRODUCTION = { name: 'causeway' };

describe('cluster DDL', () => {
  it('has a cluster variant for every schema statement and a sharding key for exactly the tables there are', () => {
    expect(Object.keys(SHARDING_KEYS).sort()).toEqual([...createdTables].sort());
    for (const s of schema) {
      const out = clusterStatements(s, PRODUCTION);
      expect(out.length, s.slice(0, 60)).toBeGreaterThan(0);
      for (const o of out) if (!/^INSERT/.test(o)) expect(o, o.slice(0, 80)).toMatch(/ ON CLUSTER causeway( |$)/);
    }
    // A MergeTree setting goes to the shards' tables only: a Distributed table has none.
    for (const s of schema.filter((x) => /MODIFY SETTING/.test(x))) expect(clusterStatements(s, PRODUCTION).every((o) => /^ALTER TABLE \{db\}\.\w+_local /.test(o)), s).toBe(true);
    // A materialized view reads and writes the tables of its own node only.
    for (const s of schema.filter((x) => /^CREATE MATERIALIZED VIEW/.test(x))) {
      const [mv] = clusterStatements(s, PRODUCTION);
      const tables = [...mv!.matchAll(/\{db\}\.(\w+)/g)].map((m) => m[1]!);
      expect(tables.slice(1).every((t) => t.endsWith('_local')), mv).toBe(true);
    }
  });

  it('refuses statements it has no rule for rather than passing them through', () => {
    expect(() => clusterStatements('CREATE TABLE IF NOT EXISTS {db}.spans (a UInt8) ENGINE = ReplacingMergeTree ORDER BY a', PRODUCTION)).toThrow(/not a plain MergeTree/);
    expect(() => clusterStatements('CREATE TABLE IF NOT EXISTS {db}.brand_new (a UInt8) ENGINE = MergeTree ORDER BY a', PRODUCTION)).toThrow(/no sharding key for table brand_new/);
    expect(() => clusterStatements('DROP TABLE {db}.spans', PRODUCTION)).toThrow(/no rule/);
    expect(() => clusterStatements('CREATE TABLE IF NOT EXISTS {db}.spans (a UInt8) ENGINE = MergeTree ORDER BY a', { name: 'x; DROP' })).toThrow(/invalid cluster name/);
  });

  describe('in the engine', () => {
    let server: ClickHouseServer;
    let ch: ClickHouse;
    beforeAll(async () => {
      // deploy/cluster's server configuration, as each node reads it (its values from the environment).
      Object.assign(process.env, { CLICKHOUSE_NODE: 'clickhouse-s1-r1', CLICKHOUSE_SHARD: '01', CLICKHOUSE_REPLICA: 'clickhouse-s1-r1', CLICKHOUSE_CLUSTER_SECRET: 'test', CLICKHOUSE_INTERSERVER_PASSWORD: 'test' });
      const config = /<clickhouse>([\s\S]*)<\/clickhouse>/.exec(readFileSync(CLUSTER_XML, 'utf8'))![1]!;
      server = await startClickHouseServer({ dataDir: mkdtempSync(join(tmpdir(), 'cluster-ddl-')), config });
      ch = await openClickHouse({ url: server.url, database: 'single', dataDir: server.dataDir });
    });
    afterAll(async () => {
      await ch?.close();
      await server?.stop();
    });
    const rows = <T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> => ch.query<T>(query, params);

    it('reads deploy/cluster/clickhouse/config.d/cluster.xml as 2 shards x 2 replicas with the node macros', async () => {
      const hosts = await rows<{ shard_num: number; replica_num: number; host_name: string }>(
        "SELECT shard_num, replica_num, host_name FROM system.clusters WHERE cluster = 'causeway' ORDER BY shard_num, replica_num",
      );
      expect(hosts.map((h) => `${h.shard_num}/${h.replica_num} ${h.host_name}`)).toEqual(['1/1 clickhouse-s1-r1', '1/2 clickhouse-s1-r2', '2/1 clickhouse-s2-r1', '2/2 clickhouse-s2-r2']);
      expect(await rows('SELECT macro, substitution FROM system.macros ORDER BY macro')).toEqual([
        { macro: 'replica', substitution: 'clickhouse-s1-r1' },
        { macro: 'shard', substitution: '01' },
      ]);
    });

    it('parses every statement of the cluster schema (ReplicatedMergeTree, Distributed, ON CLUSTER) with ClickHouse’s parser', async () => {
      const all = schema.flatMap((s) => clusterStatements(s, PRODUCTION)).map((s) => s.replaceAll('{db}', 'causeway'));
      expect(all.length).toBeGreaterThan(schema.length);
      for (const q of all) {
        const [r] = await rows<{ f: string }>('SELECT formatQuerySingleLine({q:String}) AS f', { q });
        expect(r!.f, q.slice(0, 80)).toMatch(/^(CREATE|ALTER|INSERT|DROP VIEW)/);
      }
    });

    it('gives each shard exactly the single-node columns, sorting and partitioning, and Distributed tables over them', async () => {
      // One node's share of the cluster schema, run for real: plain MergeTree for the replicated
      // tables (no Keeper here) and no ON CLUSTER; the Distributed tables are created as written.
      const local = { name: 'causeway', replicated: false, onCluster: false };
      for (const [db, stmts] of [
        ['single', schema],
        ['sharded', schema.flatMap((s) => clusterStatements(s, local)).filter((s) => !/^INSERT/.test(s))],
      ] as const) {
        await ch.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
        for (const s of stmts) await ch.command(s.replaceAll('{db}', db));
      }
      const columns = async (db: string, table: string): Promise<unknown[]> =>
        rows('SELECT name, type, default_kind, default_expression, compression_codec FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position', { db, t: table });
      const keys = async (db: string, table: string): Promise<unknown[]> =>
        rows('SELECT sorting_key, partition_key, primary_key FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db, t: table });
      for (const t of createdTables) {
        const single = await columns('single', t);
        expect(single.length, t).toBeGreaterThan(0);
        expect(await columns('sharded', `${t}_local`), t).toEqual(single);
        expect(await columns('sharded', t), t).toEqual(single);
        expect(await keys('sharded', `${t}_local`), t).toEqual(await keys('single', t));
      }
      const engines = await rows<{ name: string; engine: string; create_table_query: string }>(
        "SELECT name, engine, create_table_query FROM system.tables WHERE database = 'sharded' ORDER BY name",
      );
      for (const t of createdTables) {
        expect(engines.find((e) => e.name === t)?.create_table_query, t).toContain(`ENGINE = Distributed('causeway', 'sharded', '${t}_local', ${SHARDING_KEYS[t]}`);
        expect(engines.find((e) => e.name === `${t}_local`)?.engine, t).toBe('MergeTree');
      }
      for (const mv of engines.filter((e) => e.engine === 'MaterializedView')) expect(mv.create_table_query, mv.name).toMatch(/TO sharded\.\w+_local[\s\S]* FROM sharded\.\w+_local/);
    });
  });
});
