// Prints every row of every table of a stopped collector's store, every column cast to String,
// as text. Its own process: chDB binds one data directory per process.
//   node --import tsx testkit/dump-store.ts <dataDir> [database]
import { openClickHouse } from '../collector/src/store/clickhouse.ts';

const [dataDir, database = 'causeway'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: dump-store.ts <dataDir> [database]');
const ch = await openClickHouse({ dataDir, database });
const tables = await ch.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View%'`, { db: database });
for (const { name } of tables) {
  const cols = await ch.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}`, { db: database, t: name });
  // Each column as its String form, values tab-separated and unescaped (as TabSeparatedRaw would print them).
  const select = cols.map((c, i) => `toString(\`${c.name}\`) AS c${i}`).join(', ');
  process.stdout.write(`== ${name} (${cols.length} columns)\n`);
  for await (const row of ch.stream<Record<string, string>>(`SELECT ${select} FROM ${database}.\`${name}\``)) {
    process.stdout.write(`${cols.map((_, i) => row[`c${i}`]).join('\t')}\n`);
  }
}
await ch.close();
