// Which traces an answer showed content of, for the access audit's chain of custody: a slice
// from one trace shows nodes of others, an artifact lists every trace it appears in, a search
// lists traces with matching snippets.
const MAX = 1000;

export async function traceIdsShown(action: string, res: Response): Promise<string[]> {
  if (!/^(slice|graph|artifact|search|incident)\./.test(`${action}.`)) return [];
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return [];
  }
  const out = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v === 'string' && out.size < MAX) out.add(v);
  };
  const b = body as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const nodes = (v: unknown): void => {
    for (const n of list(v) as Record<string, unknown>[]) {
      add(n?.traceId);
      for (const t of list(n?.traces)) add(t);
    }
  };
  nodes(b.nodes);
  // a trace overview: its graph, or its steps (all of its own trace) and slices
  if (b.steps) add(b.traceId);
  nodes((b.graph as Record<string, unknown> | undefined)?.nodes);
  for (const s of list(b.slices) as Record<string, unknown>[]) nodes(s?.nodes);
  for (const a of list(b.appearances) as Record<string, unknown>[]) add(a?.traceId);
  for (const t of list(b.traces) as Record<string, unknown>[]) add(t?.traceId);
  for (const t of list(b.traceIds)) add(t);
  return [...out];
}
