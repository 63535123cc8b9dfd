// `npm run bench` (the root entry): the collector bench (collector/bench/run.ts, with the arguments given), then
// the explorer bench (explorer/bench/run.ts). `--only explorer` runs the explorer's alone;
// `--only <a collector section>` the collector's alone (`--only soak`: the soak, which a plain run never starts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args[args.indexOf('--only') + 1];
const root = join(import.meta.dirname, '..');
const tsx = (script: string, a: string[]): number => spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...a], { stdio: 'inherit', cwd: root }).status ?? 1;

if (!(args.includes('--only') && only === 'explorer')) {
  const code = tsx('collector/bench/run.ts', args);
  if (code !== 0) process.exit(code);
}
if (!args.includes('--only') || only === 'explorer') process.exit(tsx('explorer/bench/run.ts', []));
