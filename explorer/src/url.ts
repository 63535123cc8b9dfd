// The explorer's view state lives in the URL, so reload and shared links restore it:
//   /                                  trace list (filters as query: service, agent, tool, name, status, start, end, untrusted, q)
//   /traces/<trace>?node=<id>&dir=both|backward|forward&step=<n>&collapse=1
//   /incidents, /incidents/<id>
export type Direction = 'both' | 'backward' | 'forward';

export type ViewState =
  | { page: 'traces'; filters: Record<string, string> }
  | { page: 'trace'; traceId: string; node?: string; dir: Direction; step?: number; collapse: boolean }
  | { page: 'incidents' }
  | { page: 'incident'; incidentId: string }
  | { page: 'not-found'; path: string };

const FILTERS = ['service', 'agent', 'tool', 'name', 'status', 'start', 'end', 'untrusted', 'q'];

export function parseUrl(pathname: string, search: string): ViewState {
  const q = new URLSearchParams(search);
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'traces')) {
    const filters: Record<string, string> = {};
    for (const f of FILTERS) {
      const v = q.get(f);
      if (v) filters[f] = v;
    }
    return { page: 'traces', filters };
  }
  if (parts[0] === 'traces' && parts.length === 2) {
    const dir = q.get('dir');
    const step = q.get('step');
    const node = q.get('node');
    return {
      page: 'trace',
      traceId: parts[1]!.toLowerCase(),
      ...(node ? { node } : {}),
      dir: dir === 'backward' || dir === 'forward' ? dir : 'both',
      ...(step !== null && /^\d+$/.test(step) ? { step: Number(step) } : {}),
      collapse: q.get('collapse') === '1',
    };
  }
  if (parts[0] === 'incidents' && parts.length === 1) return { page: 'incidents' };
  if (parts[0] === 'incidents' && parts.length === 2) return { page: 'incident', incidentId: parts[1]! };
  return { page: 'not-found', path: pathname };
}

export function formatUrl(s: ViewState): string {
  const qs = (entries: [string, string | undefined][]): string => {
    const p = new URLSearchParams();
    for (const [k, v] of entries) if (v !== undefined && v !== '') p.set(k, v);
    const str = p.toString();
    return str ? `?${str}` : '';
  };
  switch (s.page) {
    case 'traces':
      return `/${qs(FILTERS.map((f) => [f, s.filters[f]]))}`;
    case 'trace':
      return `/traces/${s.traceId}${qs([
        ['node', s.node],
        ['dir', s.dir === 'both' ? undefined : s.dir],
        ['step', s.step === undefined ? undefined : String(s.step)],
        ['collapse', s.collapse ? '1' : undefined],
      ])}`;
    case 'incidents':
      return '/incidents';
    case 'incident':
      return `/incidents/${encodeURIComponent(s.incidentId)}`;
    case 'not-found':
      return s.path;
  }
}
