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
      ...howToUse(cw.security, config.publicUrl ?? cw.apiUrl),
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing queued inserts and stopping`);
    cw.close().then(
      () => {
        log('stopped: every acknowledged row is stored');
        endBy(signal);
      },
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
 * Ends a stop asked for by `signal` the way that signal's default action would: the process
 * terminates by it (shells and supervisors read that as a requested stop; systemd counts SIGTERM
 * and SIGINT as success), and no exit-time destructors run. process.exit() would run embedded
 * chDB's, which can deadlock on its global thread pools, still running because libchdb has no
 * way to stop them (chdb-core#181): after heavy ingest a stop then never finished (gdb: the main
 * thread in exit() → libchdb, waiting on a mutex). Everything is closed and durable by now.
 */
function endBy(signal: 'SIGINT' | 'SIGTERM'): void {
  process.removeAllListeners(signal); // the default action back (libuv restores SIG_DFL)
  process.kill(process.pid, signal);
}

/** How to get in: the explorer sign-in link, the agents' header line, where the tokens are. */
function howToUse(s: Awaited<ReturnType<typeof startCauseway>>['security'], base: string): string[] {
  if (!s.credentials) return ['  Authentication:    OFF (CAUSEWAY_AUTH=off): anyone on this machine can read and write'];
  const local = s.local!;
  const lines = [local.created ? `  Credentials:       created for tenant "${local.admin?.tenant ?? ''}" in ${local.adminFile} (admin) and ${local.ingestFile} (ingest), mode 0600` : `  Credentials:       ${s.credentials.size} in ${s.credentials.file}`];
  const code = s.signInCode();
  if (code) lines.push(`  Sign in:           ${base.replace(/\/$/, '')}/signin#code=${code}   (one-time link for the local admin, valid 15 minutes)`);
  else lines.push(`  Sign in:           ${base.replace(/\/$/, '')}/signin   (with your identity provider or an API key)`);
  // the token's file, never the token: start-up output ends up in logs
  if (local.ingestToken) lines.push(`  Agents:            export OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer $(cat ${local.ingestFile})"`);
  lines.push(`  API and CLI:       Authorization: Bearer $(cat ${local.adminFile})`);
  return lines;
}
