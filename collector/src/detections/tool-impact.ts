// Which tool calls are high-impact, and how: the policy says so per agent or globally; otherwise
// the tool's name does (its words, in snake, kebab, dotted or camel case). A name that starts with
// a read verb (get, list, search, read …) is a read whatever follows (`search_email`,
// `get_delete_log`); otherwise any word of a class makes it that class.
// A tool that executes the SQL it is handed (`run_sql`, `query_db`) is classed by its statement
// (sql-impact.ts), not by the generic verb in its name.
import { isSqlTool, sqlImpact } from './sql-impact.ts';

export type ImpactClass = 'destructive' | 'payment' | 'permission' | 'egress' | 'write';

const READ_VERBS = new Set(['get', 'list', 'search', 'read', 'fetch', 'query', 'find', 'lookup', 'describe', 'summarize', 'summarise', 'retrieve', 'view', 'show', 'check', 'count', 'browse', 'inspect', 'download', 'load', 'open']);

// order: the first class that matches names the call
const CLASSES: [ImpactClass, Set<string>][] = [
  ['destructive', new Set(['delete', 'remove', 'drop', 'truncate', 'destroy', 'purge', 'wipe', 'erase', 'kill', 'terminate', 'revoke', 'rm', 'rmdir', 'unlink', 'shutdown', 'reset', 'deprovision', 'uninstall', 'cancel'])],
  ['payment', new Set(['pay', 'payment', 'payments', 'transfer', 'charge', 'refund', 'purchase', 'buy', 'wire', 'payout', 'withdraw', 'invoice', 'checkout'])],
  ['permission', new Set(['grant', 'chmod', 'chown', 'permission', 'permissions', 'role', 'roles', 'invite', 'promote', 'elevate', 'sudo', 'acl', 'share_access', 'authorize', 'impersonate'])],
  ['egress', new Set(['send', 'email', 'mail', 'post', 'publish', 'upload', 'share', 'forward', 'reply', 'notify', 'tweet', 'sms', 'webhook', 'transmit', 'export', 'http', 'request', 'curl', 'wget', 'dm', 'message', 'broadcast'])],
  ['write', new Set(['write', 'update', 'create', 'insert', 'modify', 'edit', 'set', 'put', 'patch', 'commit', 'push', 'merge', 'deploy', 'execute', 'exec', 'run', 'shell', 'bash', 'install', 'move', 'rename', 'approve', 'close', 'assign', 'save', 'append', 'apply', 'provision', 'scale', 'restart'])],
];

/** The words of a tool name: `sendEmail` → send, email; `fs.delete-file` → fs, delete, file. */
export function toolWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The impact class the name implies, or undefined for a read (or a name that says nothing). */
export function impactFromName(name: string): ImpactClass | undefined {
  const words = toolWords(name);
  if (words.length === 0 || READ_VERBS.has(words[0]!)) return undefined;
  for (const [cls, set] of CLASSES) if (words.some((w) => set.has(w))) return cls;
  return undefined;
}

/**
 * The impact class of one call: its name's, except for a tool that executes SQL, where a name
 * that says only "run"/"execute" (or reads) gives way to what the statement in its arguments
 * does; a statement it cannot read keeps the name's class.
 */
export function impactFromCall(name: string, args: string): ImpactClass | undefined {
  const byName = impactFromName(name);
  if ((byName !== undefined && byName !== 'write') || !isSqlTool(toolWords(name))) return byName;
  // the stored request reads `<tool>(<canonical arguments>)`; a lone argument is its bare value
  const inner = args.startsWith(`${name}(`) && args.endsWith(')') ? args.slice(name.length + 1, -1) : args;
  const bySql = sqlImpact(inner);
  return bySql === 'unknown' ? byName : bySql;
}
