// `causeway export`: an evidence bundle of traces or of a causal slice, from a running collector.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleRequest } from '@causeway/schemas';
import { loadConfig } from '../config.ts';
import { parseArgs } from './args.ts';

const USAGE =
  'usage: causeway export --trace <id> [--trace <id>…] [--incident <id>] [--out file.zip] [--api url] [--token <API key>]\n' +
  '       causeway export --trace <id> (--span <id> | --artifact <id>) [--direction backward|forward] [--depth n] [--out …]   (a causal slice)';

export async function exportCommand(args: string[]): Promise<number> {
  const opt = parseArgs(args);
  const config = loadConfig();
  const api = opt.api?.[0] ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const traceIds = opt.trace ?? [];
  if (traceIds.length === 0) throw new Error(USAGE);
  const seed = opt.span?.[0] ? { span: opt.span[0] } : opt.artifact?.[0] ? { artifact: opt.artifact[0] } : undefined;
  if (seed && traceIds.length !== 1) throw new Error(`a slice starts from one trace\n${USAGE}`);
  const direction = opt.direction?.[0] === 'forward' ? 'forward' : 'backward';
  // The exporter recorded is the credential's principal. The API key: --token, CAUSEWAY_TOKEN,
  // else the local admin's (written at first start, readable only by the collector's user).
  const localAdmin = join(config.dataDir, 'auth', 'admin.token');
  const token = opt.token?.[0] ?? process.env.CAUSEWAY_TOKEN ?? (existsSync(localAdmin) ? readFileSync(localAdmin, 'utf8').trim() : undefined);
  if (!token) throw new Error(`no API key: give --token, set CAUSEWAY_TOKEN, or run as the collector's user (${localAdmin})`);
  const selection: BundleRequest = seed
    ? { slice: { trace: traceIds[0]!, ...seed, direction, ...(opt.depth?.[0] ? { depth: Number(opt.depth[0]) } : {}) } }
    : { traceIds };
  // exported from an incident: the bundle carries it (incident.json) and the export is listed with it
  const body: BundleRequest = opt.incident?.[0] ? { ...selection, incident: opt.incident[0] } : selection;
  const res = await fetch(`${api}/api/bundles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
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

function progressBar(f: number): string {
  const n = Math.round(Math.min(1, f) * 30);
  return `[${'#'.repeat(n)}${'.'.repeat(30 - n)}]`;
}
