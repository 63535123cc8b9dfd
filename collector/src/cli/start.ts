// `causeway start` (the default): runs the collector, the query API and the explorer until
// SIGINT/SIGTERM, then finishes queued inserts. The explorer is built beforehand by
// `npm start`'s prestart step (or the Dockerfile); this only serves explorer/dist.
import { loadConfig } from '../config.ts';
import { startCauseway } from '../server.ts';
import { log } from './args.ts';

export async function start(): Promise<void> {
  const config = loadConfig();
  const cw = await startCauseway(config, log);
  const backend = config.clickhouse.url ? `ClickHouse server ${new URL(config.clickhouse.url).origin}` : `embedded chDB in ${config.dataDir}/chdb`;
  process.stdout.write(
    [
      `Causeway is running (storage: ${backend}, database ${config.clickhouse.database})`,
      `  OTLP/HTTP traces:  ${cw.otlpUrl}/v1/traces`,
      `  OTLP/gRPC:         ${cw.otlpGrpcUrl}`,
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
