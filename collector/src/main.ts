// The `causeway` command: one line per subcommand; each lives in cli/<command>.ts.
//   causeway [start] | migrate | verify | export … | verify-bundle … | detect …
import { log } from './cli/args.ts';
import { detectCommand } from './cli/detect.ts';
import { exportCommand } from './cli/export.ts';
import { migrateCommand } from './cli/migrate.ts';
import { start } from './cli/start.ts';
import { verifyBundleCommand } from './cli/verify-bundle.ts';
import { verifyCommand } from './cli/verify.ts';

/** A command resolves to its exit status; `start` never resolves while it serves. */
const COMMANDS: Record<string, { run: (args: string[]) => Promise<number | void> | number; failure: string; failStatus: number }> = {
  start: { run: () => start(), failure: 'failed to start', failStatus: 1 },
  // A definite exit status: docker-compose.yml starts the collector only once this exits 0.
  migrate: { run: () => migrateCommand(), failure: 'migration failed', failStatus: 1 },
  verify: { run: (a) => verifyCommand(a), failure: 'verify failed', failStatus: 2 },
  export: { run: (a) => exportCommand(a), failure: 'export failed', failStatus: 2 },
  'verify-bundle': { run: (a) => verifyBundleCommand(a), failure: 'verify-bundle failed', failStatus: 2 },
  detect: { run: (a) => detectCommand(a), failure: 'detect failed', failStatus: 2 },
};

const name = process.argv[2] ?? 'start';
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`usage: causeway [${Object.keys(COMMANDS).join('|')}]\n`);
  process.exit(2);
}
Promise.resolve()
  .then(() => command.run(process.argv.slice(3)))
  .then(
    (code) => {
      if (typeof code === 'number') process.exit(code);
    },
    (e: Error) => {
      log(`${command.failure}: ${e.message}`);
      process.exit(command.failStatus);
    },
  );
