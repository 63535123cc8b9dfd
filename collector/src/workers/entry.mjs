// Every worker thread starts here: TypeScript is loaded through tsx, as `npm start`, the CLI
// (bin/causeway.mjs) and the tests load it, whatever loader the parent thread was started with
// (a vitest fork transforms its own modules, not a worker's). Then the module named in workerData runs.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
