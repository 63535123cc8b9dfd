// The log's signing key: a file under the data dir unless configured, named after the log id.
import { join } from 'node:path';
import { type LogKey, loadOrCreateLogKey, logIdOf } from './checkpoint.ts';

/** The collector's log key, named after its log id unless configured. */
export function logKeyFor(config: { dataDir: string; logKeyFile?: string; logName?: string }): LogKey {
  const key = loadOrCreateLogKey(config.logKeyFile ?? join(config.dataDir, 'keys', 'log-ed25519.key'), '');
  key.name = config.logName ?? `causeway.local/${logIdOf(key).slice(0, 16)}`;
  return key;
}
