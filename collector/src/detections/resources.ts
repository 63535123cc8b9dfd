// The resources a tool call touches, read from its stored (redacted) request: hosts of URLs
// anywhere in the arguments, and the values of arguments whose names say what they are (table,
// dataset, database, bucket, channel, repo, path …). Redacted values (placeholders) are not
// resources: they say nothing stable.
const URL_HOST = /\b(?:https?|wss?|ftp|s3|gs):\/\/([A-Za-z0-9.-]+)(?::\d+)?/g;
const KINDS: Record<string, string> = {
  table: 'table', tables: 'table', dataset: 'dataset', database: 'database', db: 'database', schema: 'schema', collection: 'collection', index: 'index',
  bucket: 'bucket', container: 'bucket', channel: 'channel', repo: 'repo', repository: 'repo', project: 'project', host: 'host', hostname: 'host', domain: 'host',
  path: 'path', file: 'path', filename: 'path', directory: 'path', folder: 'path', queue: 'queue', topic: 'topic', namespace: 'namespace', cluster: 'cluster',
};
const MAX_WALK = 10_000;

/** `host:api.example.com`, `table:customers`, `channel:#general` … of one stored tool request. */
export function resourcesOf(storedRequest: string): string[] {
  const out = new Set<string>();
  const nul = storedRequest.indexOf('\u0000');
  const argsText = nul >= 0 ? storedRequest.slice(nul + 1) : storedRequest;
  for (const m of argsText.matchAll(URL_HOST)) out.add(`host:${m[1]!.toLowerCase()}`);
  let args: unknown;
  try {
    args = JSON.parse(argsText);
  } catch {
    return [...out];
  }
  // iterative walk, bounded: hostile nesting never recurses
  const stack: unknown[] = [args];
  for (let seen = 0; stack.length > 0 && seen < MAX_WALK; seen++) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const kind = KINDS[k.toLowerCase()];
        if (kind && typeof x === 'string' && x && !x.includes('[REDACTED')) out.add(`${kind}:${kind === 'host' ? x.toLowerCase() : x}`.slice(0, 300));
        else stack.push(x);
      }
    }
  }
  return [...out];
}
