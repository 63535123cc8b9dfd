// `causeway migrate`: applies the schema as the configured ClickHouse user, then exits. Run it as
// a user allowed to CREATE so that `start` can run as one that may only SELECT and INSERT.
import { loadConfig } from '../config.ts';
import { openClickHouse } from '../store/clickhouse.ts';
import { migrate } from '../store/migrate.ts';

export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  const ch = await openClickHouse({ ...config.clickhouse, dataDir: config.dataDir });
  try {
    const ran = await migrate(ch);
    process.stdout.write(ran.length > 0 ? `applied ${ran.join(', ')} to database ${ch.database}\n` : `database ${ch.database} is up to date\n`);
    return 0;
  } finally {
    await ch.close();
  }
}
