import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';

export interface StoreTarget {
  /** ClickHouse server URL; when absent, embedded chDB under `dataDir`. */
  url?: string;
  user?: string;
  password?: string;
  database: string;
  dataDir: string;
}

export interface ClickHouse {
  client: ClickHouseClient;
  backend: 'chdb' | 'server';
  database: string;
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
  let client: ClickHouseClient;
  let backend: ClickHouse['backend'];
  if (t.url) {
    backend = 'server';
    client = createClient({
      url: t.url,
      username: t.user ?? 'default',
      password: t.password ?? '',
      request_timeout: 60_000,
      compression: { request: false, response: true },
    });
  } else {
    backend = 'chdb';
    const path = join(t.dataDir, 'chdb');
    mkdirSync(path, { recursive: true });
    // Loaded lazily: a server deployment need not load the 500 MB engine.
    const { createChdbConnection } = await import('chdb/connection');
    client = createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
  }
  return { client, backend, database: t.database, close: () => client.close() };
}
