// `causeway verify-bundle <file> [--public-key <base64>]`: offline, nothing but the file.
import { readFileSync } from 'node:fs';
import { verifyBundle } from '../bundle/verify.ts';
import { parseArgs } from './args.ts';

export function verifyBundleCommand(args: string[]): number {
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
