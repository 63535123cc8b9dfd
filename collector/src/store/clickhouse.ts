// The one door to ClickHouse (embedded chDB or a server): typed reads, streamed reads, the
// write path's inserts, DDL for migrations. The database client itself stays inside this file.
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

/** Named query parameters, bound server-side by type (`{name:Type}` in the SQL). */
export type QueryParams = Record<string, unknown>;

export interface ClickHouse {
  backend: 'chdb' | 'server';
  database: string;
  cluster?: ClusterLayout;
  /**
   * Runs a read and returns its rows (JSONEachRow, 64-bit integers as strings, READ_SETTINGS + `settings`).
   * `signal` abandons it: a server cancels the query; embedded chDB cannot interrupt one and lets it finish unread.
   */
  query<T>(sql: string, params?: QueryParams, settings?: ClickHouseSettings, signal?: AbortSignal): Promise<T[]>;
  /**
   * The same read answered as one JSONCompact document: each row an array of its columns in the
   * SELECT's order. For reads of tens of thousands of rows: a third fewer bytes for the engine to
   * write than JSONEachRow (no column names) and one parse instead of one per row.
   */
  queryCompact<T extends unknown[]>(sql: string, params?: QueryParams, settings?: ClickHouseSettings): Promise<T[]>;
  /** The same, row by row as they arrive: for reads too large to hold (`causeway verify`). */
  stream<T>(sql: string, params?: QueryParams, settings?: ClickHouseSettings): AsyncIterable<T>;
  /** A statement without rows (DDL of migrations; the test kit's tampering). */
  command(sql: string, settings?: ClickHouseSettings): Promise<void>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** Inserts JSONEachRow lines (several buffers, concatenated) into `table` of the database; or another text format's rows. */
  insertJsonEachRow(table: string, payloads: Buffer[], settings: ClickHouseSettings, format?: InsertFormat): Promise<void>;
  close(): Promise<void>;
}

/** Text formats both backends take as is (chDB's raw insert accepts only these). */
export type InsertFormat = 'JSONEachRow' | 'TabSeparatedWithNames';

/**
 * The client's own log: a warning is one line on stderr; an error is not logged here, because
 * it always reaches the caller, which logs it once in its own words (the API's one line, the
 * writer's retry line). The client's default prints each failed request over twenty lines.
 */
class OneLineLog {
  trace(): void {}
  debug(): void {}
  info(): void {}
  warn(p: { module: string; message: string; err?: Error }): void {
    process.stderr.write(`[clickhouse client] ${p.module}: ${p.message}${p.err ? `: ${p.err.message.split('\n')[0]}` : ''}\n`);
  }
  error(): void {}
}
const CLIENT_LOG = { LoggerClass: OneLineLog, level: ClickHouseLogLevel.WARN };

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
      log: CLIENT_LOG,
      ...(cluster ? { clickhouse_settings: CLUSTER_SETTINGS } : {}),
    });
    return {
      ...facade(client),
      backend: 'server',
      database: t.database,
      cluster,
      async insertJsonEachRow(table, payloads, settings, format = 'JSONEachRow') {
        const res = await client.exec({
          query: `INSERT INTO ${t.database}.${table} FORMAT ${format}`,
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
  // The engine's caches are server configuration, set by the first connection to the data
  // directory; the client's connection below joins the same engine.
  const { Session } = await import('chdb');
  const engine = new Session(path, { connectionArgs: CHDB_CACHE_ARGS });
  const connection = createChdbConnection({ path });
  // The engine installs ClickHouse's fatal-signal handlers, and its SIGABRT handler waits for a
  // signal-listener thread embedded chDB does not run: V8's out-of-memory abort() then hung the
  // process with chDB loaded, forever. A listener puts libuv's handler in its place; that one
  // returns, and abort() ends the process (exit 134, after V8's "heap out of memory" message).
  process.on('SIGABRT', () => undefined);
  const client = createClient({ connection, log: CLIENT_LOG } as Parameters<typeof createClient>[0]);
  // Reads take the engine's answer as the one buffer it is, decoded at once: through the
  // client's result set it was decoded in streaming mode (TextDecoder, { stream: true }), 3-4x
  // slower, and a trace overview reads ~16 MB of JSON (120-200 ms of it on the critical path).
  const answer = async (query: string, params: QueryParams | undefined, settings: ClickHouseSettings | undefined, format: 'JSONEachRow' | 'JSONCompact', signal?: AbortSignal): Promise<string> => {
    const { stream } = await connection.query({
      // as the client words it (common/client.js formatQuery)
      query: `${query.trim().replace(/;+$/, '')} \nFORMAT ${format}`,
      query_params: params ?? {},
      // the client's and chDB's copies of the settings type differ only in declaration
      clickhouse_settings: { ...READ_SETTINGS, ...settings } as Parameters<typeof connection.query>[0]['clickhouse_settings'],
      ...(signal ? { abort_signal: signal } : {}),
    });
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
  };
  return {
    ...facade(client),
    async query<T>(sql: string, params?: QueryParams, settings?: ClickHouseSettings, signal?: AbortSignal): Promise<T[]> {
      const rows: T[] = [];
      for (const line of (await answer(sql, params, settings, 'JSONEachRow', signal)).split('\n')) if (line !== '') rows.push(JSON.parse(line) as T);
      return rows;
    },
    async queryCompact<T extends unknown[]>(sql: string, params?: QueryParams, settings?: ClickHouseSettings): Promise<T[]> {
      return (JSON.parse(await answer(sql, params, settings, 'JSONCompact')) as { data: T[] }).data;
    },
    backend: 'chdb',
    database: t.database,
    async insertJsonEachRow(table, payloads, settings, format = 'JSONEachRow') {
      // chDB's raw insert hands the buffer to the engine as is (its parser runs multithreaded);
      // through client.exec the batch would become one JS string joined to the SQL first,
      // which measured about half as fast (see `npm run bench`).
      await connection.chdb.rawInsert({
        table: `${t.database}.${table}`,
        values: payloads.length === 1 ? payloads[0]! : Buffer.concat(payloads),
        format,
        settings: settings as Record<string, string | number | boolean>,
      });
    },
    async close() {
      await client.close();
      engine.close();
    },
  };
}

/**
 * Embedded chDB's caches, bounded for a process that shares its machine with the agents it
 * watches (ClickHouse sizes them for a dedicated server: 5 GiB each for marks, primary indexes
 * and skip-index marks). Measured on the bench's 20k-span store, ClickHouse itself tracked
 * 33 MB after ingest: these bound what reads of a large store may add. A server deployment
 * configures its own.
 */
export const CHDB_CACHE_ARGS: string[] = [
  `--mark_cache_size=${64 * 2 ** 20}`,
  `--primary_index_cache_size=${64 * 2 ** 20}`,
  `--index_mark_cache_size=${32 * 2 ** 20}`,
  `--query_condition_cache_size=${16 * 2 ** 20}`,
  `--compiled_expression_cache_size=${32 * 2 ** 20}`,
  '--uncompressed_cache_size=0',
  // Idle engine threads kept for reuse (default 1,000). Each holds its touched stack: after a
  // 30k-span ingest the collector had 162 threads (134 of them idle pool threads); after 10k
  // spans with this, 36.
  '--max_thread_pool_free_size=16',
];

/** The reads, commands and ping both backends share: one code path over `@clickhouse/client`. */
function facade(client: ClickHouseClient): Pick<ClickHouse, 'query' | 'queryCompact' | 'stream' | 'command' | 'ping'> {
  const select = (query: string, params: QueryParams | undefined, settings: ClickHouseSettings | undefined, signal?: AbortSignal, format: 'JSONEachRow' | 'JSONCompact' = 'JSONEachRow') =>
    client.query({ query, query_params: params ?? {}, format, clickhouse_settings: { ...READ_SETTINGS, ...settings }, ...(signal ? { abort_signal: signal } : {}) });
  return {
    async query<T>(sql: string, params?: QueryParams, settings?: ClickHouseSettings, signal?: AbortSignal): Promise<T[]> {
      return (await (await select(sql, params, settings, signal)).json()) as T[];
    },
    async queryCompact<T extends unknown[]>(sql: string, params?: QueryParams, settings?: ClickHouseSettings): Promise<T[]> {
      return ((await (await select(sql, params, settings, undefined, 'JSONCompact')).json()) as unknown as { data: T[] }).data;
    },
    async *stream<T>(sql: string, params?: QueryParams, settings?: ClickHouseSettings): AsyncIterable<T> {
      const rs = await select(sql, params, settings);
      for await (const batch of rs.stream()) for (const row of batch) yield row.json<T>();
    },
    async command(sql: string, settings?: ClickHouseSettings): Promise<void> {
      await client.command({ query: sql, ...(settings ? { clickhouse_settings: settings } : {}) });
    },
    async ping(): Promise<boolean> {
      return (await client.ping().catch(() => ({ success: false }))).success;
    },
  };
}
