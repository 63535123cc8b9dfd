import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouse } from './clickhouse.ts';
import { clusterStatements } from './cluster-ddl.ts';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../schemas/sql');

/**
 * Applies schemas/sql/*.sql in name order. Every statement is idempotent (IF NOT EXISTS);
 * applied files are recorded in schema_migrations, so a start on an existing store is quick.
 *
 * When every file is already recorded, no DDL is sent at all: ClickHouse checks the CREATE
 * grant before it looks at IF NOT EXISTS, so this is what lets a collector whose user holds
 * only SELECT and INSERT start on a store that `causeway migrate` prepared.
 *
 * On a cluster (CLICKHOUSE_CLUSTER) each statement becomes its cluster variant (cluster-ddl.ts),
 * run ON CLUSTER: every node gets the schema, and the statement returns when all have it.
 */
export async function migrate(ch: ClickHouse): Promise<string[]> {
  const db = ch.database;
  assertIdentifier(db);
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.sql')).sort();
  const applied = new Set<string>();
  try {
    for (const r of await ch.query<{ name: string }>(`SELECT name FROM ${db}.schema_migrations`)) applied.add(r.name);
  } catch {
    // first start: the database or the table does not exist yet
  }
  const pending = files.filter((f) => !applied.has(f));
  if (pending.length === 0) return [];
  const ddl = async (query: string, what: string): Promise<void> => {
    try {
      await ch.command(query);
    } catch (e) {
      const msg = (e as Error).message;
      // Typically the collector's own user, which may only SELECT and INSERT, meeting a schema
      // file that `causeway migrate` has not applied yet.
      const hint = /Not enough privileges|ACCESS_DENIED/.test(msg) ? '; run `causeway migrate` as a user allowed to CREATE in this database first' : '';
      throw new Error(`schema migration ${what} failed: ${msg}${hint}`, { cause: e });
    }
  };
  const cluster = ch.cluster;
  const onCluster = cluster && cluster.onCluster !== false ? ` ON CLUSTER ${cluster.name}` : '';
  await ddl(`CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`, `CREATE DATABASE ${db}`);
  const ran: string[] = [];
  for (const f of pending) {
    const text = readFileSync(join(SCHEMA_DIR, f), 'utf8');
    const stmts = statements(text).flatMap((s) => (cluster ? clusterStatements(s, cluster) : [s]));
    for (const stmt of stmts) await ddl(stmt.replaceAll('{db}', db), f);
    const sha = createHash('sha256').update(text).digest('hex');
    await ch.insertJsonEachRow('schema_migrations', [Buffer.from(`${JSON.stringify({ name: f, sha256: sha })}\n`)], {});
    ran.push(f);
  }
  return ran;
}

export function statements(sql: string): string[] {
  const noComments = sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');
  return noComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function assertIdentifier(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`invalid ClickHouse database name "${name}"`);
}
