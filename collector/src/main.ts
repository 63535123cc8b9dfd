// CLI entry: `causeway start` (the default) runs the collector, query API and explorer.
import { loadConfig } from './config.ts';
import { startCauseway } from './server.ts';

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

const command = process.argv[2] ?? 'start';
if (command === 'start') {
  start().catch((e: Error) => {
    log(`failed to start: ${e.message}`);
    process.exit(1);
  });
} else {
  process.stderr.write(`usage: causeway [start]\n`);
  process.exit(2);
}
