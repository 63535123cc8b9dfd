// The explorer's view state lives in the URL, so reload and shared links restore it:
//   /                                  trace list (filters as query: service, agent, tool, name, status, start, end, untrusted, findings, q)
//   /traces/<trace>?node=<id>&dir=both|backward|forward&step=<n>&collapse=1|0
//                  &pin=<seed>&from=<source>  a pinned taint path (from an untrusted source to seed)
//                  &min=<0..1>                hide copied-text links weaker than this score
//                  &edge=<from>~<to>          the link whose evidence is shown
//   /compare?a=<trace>&b=<trace>       two traces side by side
//   /incidents, /incidents/<id>
//   /findings?severity=&rule=&status=   detection findings (a finding opens its trace with its evidence path pinned)
export type Direction = 'both' | 'backward' | 'forward';

export type ViewState =
  | { page: 'traces'; filters: Record<string, string> }
  | {
      page: 'trace';
      traceId: string;
      node?: string;
      dir: Direction;
      step?: number;
      /** fold artifacts: true all, false none, absent = the readable default for the trace's size */
      collapse?: boolean;
      pin?: { seed: string; source: string };
      min?: number;
      edge?: { from: string; to: string };
    }
  | { page: 'compare'; a: string; b: string }
  | { page: 'incidents' }
  | { page: 'findings'; filters: Record<string, string> }
  | { page: 'incident'; incidentId: string }
  | { page: 'not-found'; path: string };

/** the findings list's filters (the API's parameters of the same names) */
export const FINDING_FILTERS = ['severity', 'rule', 'status'];

const FILTERS = ['service', 'agent', 'tool', 'name', 'status', 'start', 'end', 'untrusted', 'findings', 'q', 'limit'];

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
    const m = Number(q.get('min'));
    const min = q.get('min') !== null && Number.isFinite(m) && m > 0 && m <= 1 ? m : undefined;
    const edge = (q.get('edge') ?? '').split('~');
    return {
      page: 'trace',
      traceId: parts[1]!.toLowerCase(),
      ...(node ? { node } : {}),
      dir: dir === 'backward' || dir === 'forward' ? dir : 'both',
      ...(step !== null && /^\d+$/.test(step) ? { step: Number(step) } : {}),
      ...(q.get('collapse') === '1' ? { collapse: true } : q.get('collapse') === '0' ? { collapse: false } : {}),
      ...(q.get('pin') && q.get('from') ? { pin: { seed: q.get('pin')!, source: q.get('from')! } } : {}),
      ...(min !== undefined ? { min } : {}),
      ...(edge.length === 2 && edge[0] && edge[1] ? { edge: { from: edge[0], to: edge[1] } } : {}),
    };
  }
  if (parts[0] === 'compare' && parts.length === 1) return { page: 'compare', a: (q.get('a') ?? '').toLowerCase(), b: (q.get('b') ?? '').toLowerCase() };
  if (parts[0] === 'incidents' && parts.length === 1) return { page: 'incidents' };
  if (parts[0] === 'findings' && parts.length === 1) return { page: 'findings', filters: Object.fromEntries(FINDING_FILTERS.flatMap((f) => (q.get(f) ? [[f, q.get(f)!]] : []))) };
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
        ['collapse', s.collapse === undefined ? undefined : s.collapse ? '1' : '0'],
        ['pin', s.pin?.seed],
        ['from', s.pin?.source],
        ['min', s.min === undefined ? undefined : String(s.min)],
        ['edge', s.edge ? `${s.edge.from}~${s.edge.to}` : undefined],
      ])}`;
    case 'compare':
      return `/compare${qs([
        ['a', s.a],
        ['b', s.b],
      ])}`;
    case 'incidents':
      return '/incidents';
    case 'findings':
      return `/findings${qs(FINDING_FILTERS.map((f) => [f, s.filters[f]]))}`;
    case 'incident':
      return `/incidents/${encodeURIComponent(s.incidentId)}`;
    case 'not-found':
      return s.path;
  }
}
