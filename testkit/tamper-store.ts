// Changes a stopped collector's store behind its back, as an attacker with database access
// would: each argument is one SQL statement, run with mutations applied synchronously. With
// CLICKHOUSE_URL (and CLICKHOUSE_USER/PASSWORD) set, on that server instead of the embedded store.
//   node --import tsx testkit/tamper-store.ts <dataDir> <sql>...
import { openClickHouse } from '../collector/src/store/clickhouse.ts';

const [dataDir, ...statements] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: tamper-store.ts <dataDir> <sql>...');
const ch = await openClickHouse({ dataDir, database: 'causeway', url: process.env.CLICKHOUSE_URL || undefined, user: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD });
for (const sql of statements) await ch.command(sql, { mutations_sync: '2' });
await ch.close();
