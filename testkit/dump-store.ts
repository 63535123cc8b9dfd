// Prints every row of every table of a stopped collector's store, every column cast to String,
// as text. Its own process: chDB binds one data directory per process.
//   node --import tsx testkit/dump-store.ts <dataDir> [database]
import { openClickHouse } from '../collector/src/store/clickhouse.ts';

const [dataDir, database = 'causeway'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: dump-store.ts <dataDir> [database]');
const ch = await openClickHouse({ dataDir, database });
const tables = await (await ch.client.query({ query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View%'`, query_params: { db: database }, format: 'JSONEachRow' })).json<{ name: string }>();
for (const { name } of tables) {
  const cols = await (await ch.client.query({ query: `SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}`, query_params: { db: database, t: name }, format: 'JSONEachRow' })).json<{ name: string }>();
  const select = cols.map((c) => `toString(\`${c.name}\`)`).join(', ');
  const text = await (await ch.client.query({ query: `SELECT ${select} FROM ${database}.\`${name}\``, format: 'TabSeparatedRaw' })).text();
  process.stdout.write(`== ${name} (${cols.length} columns)\n${text}`);
}
await ch.close();
