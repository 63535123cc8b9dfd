// CLI entry: `causeway start` (the default) runs the collector, query API and explorer;
// `causeway migrate` applies the schema and exits.
import { loadConfig } from './config.ts';
import { startCauseway } from './server.ts';
import { openClickHouse } from './store/clickhouse.ts';
import { migrate } from './store/migrate.ts';
import { logKeyFor } from './ledger/log-key.ts';
import { verifyStore } from './store/verify-store.ts';

const log = (msg: string): void => {
  process.stderr.write(`${new Date().toISOString()} causeway: ${msg}\n`);
};

async function start(): Promise<void> {
  const config = loadConfig();
  const cw = await startCauseway(config, log);
  const backend = config.clickhouse.url ? `ClickHouse server ${new URL(config.clickhouse.url).origin}` : `embedded chDB in ${config.dataDir}/chdb`;
  process.stdout.write(
    [
      `Causeway is running (storage: ${backend}, database ${config.clickhouse.database})`,
      `  OTLP/HTTP traces:  ${cw.otlpUrl}/v1/traces`,
      `  Query API:         ${cw.apiUrl}/api/traces`,
      `  Explorer:          ${cw.apiUrl}/`,
      `  Health:            ${cw.apiUrl}/healthz`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing queued inserts and stopping`);
    cw.close().then(
      () => process.exit(0),
      (e: Error) => {
        log(`error while stopping: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Applies the schema as the configured ClickHouse user, then exits. Run it as a user allowed to
 * CREATE so that `start` can run as one that may only SELECT and INSERT (see migrate()).
 */
async function migrateOnly(): Promise<void> {
  const config = loadConfig();
  const ch = await openClickHouse({ ...config.clickhouse, dataDir: config.dataDir });
  try {
    const ran = await migrate(ch);
    process.stdout.write(ran.length > 0 ? `applied ${ran.join(', ')} to database ${ch.database}\n` : `database ${ch.database} is up to date\n`);
  } finally {
    await ch.close();
  }
}

/**
 * Checks the store against the ledger and exits 0 if nothing was changed, dropped or added
 * behind the collector's back, 1 otherwise. Read-only. On embedded chDB, stop the collector first.
 */
async function verify(): Promise<number> {
  const config = loadConfig();
  const key = logKeyFor(config);
  const ch = await openClickHouse({ ...config.clickhouse, dataDir: config.dataDir });
  try {
    const r = await verifyStore(ch, key);
    for (const p of r.problems) process.stdout.write(`TAMPERED  ${p}\n`);
    process.stdout.write(
      `${r.problems.length === 0 ? 'verified' : `FAILED with ${r.problems.length} problem(s)`}: log ${r.logId}, ${r.rows} rows, ${r.leaves} leaves, ` +
        `${r.checkpoints} signed checkpoints (newest size ${r.newestCheckpointSize})\n`,
    );
    return r.problems.length === 0 ? 0 : 1;
  } finally {
    await ch.close();
  }
}

const command = process.argv[2] ?? 'start';
if (command === 'start') {
  start().catch((e: Error) => {
    log(`failed to start: ${e.message}`);
    process.exit(1);
  });
} else if (command === 'migrate') {
  migrateOnly().then(
    // A definite exit status: docker-compose.yml starts the collector only once this exits 0.
    () => process.exit(0),
    (e: Error) => {
      log(`migration failed: ${e.message}`);
      process.exit(1);
    },
  );
} else if (command === 'verify') {
  verify().then(
    (code) => process.exit(code),
    (e: Error) => {
      log(`verify failed: ${e.message}`);
      process.exit(2);
    },
  );
} else {
  process.stderr.write(`usage: causeway [start|migrate|verify]\n`);
  process.exit(2);
}
