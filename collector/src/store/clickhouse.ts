import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { type ClickHouseClient, ClickHouseLogLevel, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { CLUSTER_SETTINGS, type ClusterLayout } from './cluster-ddl.ts';

export interface StoreTarget {
  /** ClickHouse server URL; when absent, embedded chDB under `dataDir`. */
  url?: string;
  user?: string;
  password?: string;
  database: string;
  dataDir: string;
  /** a ClickHouse cluster (CLICKHOUSE_CLUSTER, its name): sharded, replicated tables; server only */
  cluster?: string | ClusterLayout;
}

export interface ClickHouse {
  client: ClickHouseClient;
  backend: 'chdb' | 'server';
  database: string;
  cluster?: ClusterLayout;
  /** Inserts JSONEachRow lines (several buffers, concatenated) into `table` of the database. */
  insertJsonEachRow(table: string, payloads: Buffer[], settings: ClickHouseSettings): Promise<void>;
  close(): Promise<void>;
}

/** Settings every read uses, so both backends answer JSON the same way (exact 64-bit ints). */
export const READ_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_denormals: 1,
};

/**
 * One code path for both backends: `@clickhouse/client`, over HTTP to a server, or with
 * chDB's in-process Connection (chDB binds one data directory per process).
 */
export async function openClickHouse(t: StoreTarget): Promise<ClickHouse> {
  if (t.cluster && !t.url) throw new Error('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL: a cluster is reached through a server');
  const cluster = typeof t.cluster === 'string' ? { name: t.cluster } : t.cluster;
  if (t.url) {
    const client = createClient({
      url: t.url,
      username: t.user ?? 'default',
      password: t.password ?? '',
      request_timeout: 60_000,
      compression: { request: false, response: true },
      // Failures reach the caller, which reports them (the writer's log line, /healthz); the
      // client's own error log would print each one again, with request details.
      log: { level: ClickHouseLogLevel.OFF },
      ...(cluster ? { clickhouse_settings: CLUSTER_SETTINGS } : {}),
    });
    return {
      client,
      backend: 'server',
      database: t.database,
      cluster,
      async insertJsonEachRow(table, payloads, settings) {
        const res = await client.exec({
          query: `INSERT INTO ${t.database}.${table} FORMAT JSONEachRow`,
          values: Readable.from(payloads),
          // The answer comes only once the insert is done, so an error cannot hide behind a 200.
          clickhouse_settings: { ...settings, wait_end_of_query: 1 },
        });
        res.stream.resume();
        await new Promise<void>((resolve, reject) => {
          res.stream.on('end', resolve);
          res.stream.on('close', resolve);
          res.stream.on('error', reject);
        });
      },
      close: () => client.close(),
    };
  }
  const path = join(t.dataDir, 'chdb');
  mkdirSync(path, { recursive: true });
  // Loaded lazily: a server deployment need not load the 500 MB engine.
  const { createChdbConnection } = await import('chdb/connection');
  const connection = createChdbConnection({ path });
  const client = createClient({ connection } as Parameters<typeof createClient>[0]);
  return {
    client,
    backend: 'chdb',
    database: t.database,
    async insertJsonEachRow(table, payloads, settings) {
      // chDB's raw insert hands the buffer to the engine as is (its parser runs multithreaded);
      // through client.exec the batch would become one JS string joined to the SQL first,
      // which measured about half as fast (see `npm run bench`).
      await connection.chdb.rawInsert({
        table: `${t.database}.${table}`,
        values: payloads.length === 1 ? payloads[0]! : Buffer.concat(payloads),
        format: 'JSONEachRow',
        settings: settings as Record<string, string | number | boolean>,
      });
    },
    close: () => client.close(),
  };
}
