// CLI entry: `causeway start` (the default) runs the collector, query API and explorer;
// `causeway migrate` applies the schema and exits.
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyBundle } from './bundle/verify.ts';
import { loadConfig } from './config.ts';
import { startCauseway } from './server.ts';
import { openClickHouse } from './store/clickhouse.ts';
import { migrate } from './store/migrate.ts';
import { logKeyFor } from './ledger/log-key.ts';
import { verifyStore } from './store/verify-store.ts';
import { ensureExplorerBuilt } from '../../explorer/build.ts';

const log = (msg: string): void => {
  process.stderr.write(`${new Date().toISOString()} causeway: ${msg}\n`);
};

async function start(): Promise<void> {
  const config = loadConfig();
  // The explorer is built (Vite) beside start-up when its build is missing or older than its sources.
  const explorer = ensureExplorerBuilt({ log }).catch((e: Error) => log(`explorer build failed: ${e.message}`));
  const cw = await startCauseway(config, log);
  await explorer;
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

const EXPORT_USAGE =
  'usage: causeway export --trace <id> [--trace <id>…] [--out file.zip] [--exporter who] [--api url]\n' +
  '       causeway export --trace <id> (--span <id> | --artifact <id>) [--direction backward|forward] [--depth n] [--out …]   (a causal slice)';

/** `causeway export`: a bundle of traces or of a causal slice, from a running collector. */
async function exportCommand(args: string[]): Promise<number> {
  const opt = parseArgs(args);
  const config = loadConfig();
  const api = opt.api?.[0] ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const traceIds = opt.trace ?? [];
  if (traceIds.length === 0) throw new Error(EXPORT_USAGE);
  const exporter = opt.exporter?.[0] ?? process.env.USER ?? 'cli';
  const seed = opt.span?.[0] ? { span: opt.span[0] } : opt.artifact?.[0] ? { artifact: opt.artifact[0] } : undefined;
  if (seed && traceIds.length !== 1) throw new Error(`a slice starts from one trace\n${EXPORT_USAGE}`);
  const body = seed
    ? { slice: { trace: traceIds[0], ...seed, direction: opt.direction?.[0] ?? 'backward', ...(opt.depth?.[0] ? { depth: Number(opt.depth[0]) } : {}) }, exporter }
    : { traceIds, exporter };
  const res = await fetch(`${api}/api/bundles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok || !res.body) throw new Error(`export failed (${res.status}): ${await res.text()}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const out = opt.out?.[0] ?? `causeway-evidence-${res.headers.get('x-causeway-bundle-sha256')?.slice(0, 12)}.zip`;
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    got += chunk.length;
    if (process.stderr.isTTY && total) process.stderr.write(`\r${progressBar(got / total)} ${(got / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`);
  }
  if (process.stderr.isTTY && total) process.stderr.write('\n');
  writeFileSync(out, Buffer.concat(chunks));
  process.stdout.write(`wrote ${out} (sha256 ${res.headers.get('x-causeway-bundle-sha256')})\n`);
  return 0;
}

/** `causeway verify-bundle <file> [--public-key <base64>]`: offline. */
function verifyBundleCommand(args: string[]): number {
  const opt = parseArgs(args);
  const file = opt._?.[0];
  if (!file) throw new Error('usage: causeway verify-bundle <file.zip> [--public-key <base64 Ed25519 key>]');
  const pinned = opt['public-key']?.[0];
  const v = verifyBundle(readFileSync(file), pinned ? Buffer.from(pinned, 'base64') : undefined);
  for (const p of v.problems) process.stdout.write(`INVALID  ${p}\n`);
  if (!pinned) process.stdout.write('note: no --public-key given; trusted the key inside the bundle\n');
  process.stdout.write(`${v.ok ? 'verified' : 'FAILED'}: ${v.rows} rows, log ${v.logId ?? '?'}, checkpoint size ${v.checkpointSize ?? '?'}\n`);
  return v.ok ? 0 : 1;
}

function parseArgs(args: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) (out[a.slice(2)] ??= []).push(args[++i] ?? '');
    else (out._ ??= []).push(a);
  }
  return out;
}

function progressBar(f: number): string {
  const n = Math.round(Math.min(1, f) * 30);
  return `[${'#'.repeat(n)}${'.'.repeat(30 - n)}]`;
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
} else if (command === 'export' || command === 'verify-bundle') {
  Promise.resolve()
    .then(() => (command === 'export' ? exportCommand(process.argv.slice(3)) : verifyBundleCommand(process.argv.slice(3))))
    .then(
      (code) => process.exit(code),
      (e: Error) => {
        log(e.message);
        process.exit(2);
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
  process.stderr.write(`usage: causeway [start|migrate|verify|export|verify-bundle]\n`);
  process.exit(2);
}
