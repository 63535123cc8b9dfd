// Typed client of the Causeway HTTP API (the explorer knows only schemas/ and this API).
import type {
  ArtifactResponse,
  CreateIncidentRequest,
  ExportListResponse,
  FindingEventBody,
  FindingListResponse,
  FindingView,
  Incident,
  IncidentEventBody,
  IncidentListResponse,
  SliceResponse,
  TraceLogsResponse,
  TraceOverviewResponse,
  TraceResponse,
  TraceSearchResponse,
} from '@causeway/schemas';
import { SIGNED_OUT_EVENT } from './auth/session.ts';
import { SLICE_DEFAULTS, parseNodeId } from '@causeway/schemas';
import { mark } from './perf.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'the collector did not answer (is it running?)');
  }
  return answer<T>(res);
}

/** What went wrong, in words: the collector's own error text, else what the status means (never the API path). */
async function answer<T>(res: Response): Promise<T> {
  // the session ended (expired, signed out elsewhere, credential revoked): back to sign-in
  if (res.status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  if (!res.ok) {
    let msg = res.status === 404 ? 'not found' : res.status >= 500 ? `the collector could not answer (HTTP ${res.status})` : `the request was refused (HTTP ${res.status})`;
    try {
      msg = ((await res.json()) as { error?: string }).error ?? msg;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, msg);
  }
  return (await res.json()) as T;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return answer<T>(res);
}

/** traces per page of the Find list */
export const PAGE_SIZE = 100;

/**
 * The overview of the trace the page was opened on, asked for as the page loads, beside the
 * sign-in check rather than after it (on a big trace it is the first view's one slow request).
 * Taken once by the trace view; a 401 sends the browser to sign in as any answer does.
 */
const early = new Map<string, Promise<TraceOverviewResponse>>();

export function prefetchOverview(path: string): void {
  const m = /^\/traces\/([0-9a-f]{32})$/.exec(path);
  if (!m) return;
  const p = get<TraceOverviewResponse>(`/api/provenance/traces/${m[1]}/overview`);
  p.catch(() => undefined); // not taken (the page moved on): nothing to report
  early.set(m[1]!, p);
}

/** Slices already answered (a slice is recomputed by the collector on every request). */
const sliceCache = new Map<string, SliceResponse>();

function sliceUrl(seed: string, direction: 'backward' | 'forward', depth?: number): string {
  const p = new URLSearchParams({ direction, limit: '2000' });
  if (depth !== undefined) p.set('depth', String(depth));
  const ref = parseNodeId(seed);
  if (ref?.type === 'activity') {
    p.set('trace', ref.traceId);
    p.set('span', ref.spanId);
  } else if (ref?.type === 'artifact') p.set('artifact', ref.artifactId);
  else throw new ApiError(400, `not a node of the graph: ${seed}`);
  return `/api/provenance/slice?${p}`;
}

function remember(url: string, s: SliceResponse): void {
  if (sliceCache.size >= 64) sliceCache.delete(sliceCache.keys().next().value!);
  sliceCache.set(url, s);
}

export const api = {
  searchTraces: (filters: Record<string, string>, signal?: AbortSignal) => get<TraceSearchResponse>(`/api/search/traces?${new URLSearchParams({ limit: String(PAGE_SIZE), ...filters })}`, signal),
  trace: (id: string, signal?: AbortSignal) => get<TraceResponse>(`/api/traces/${id}`, signal).then((t) => (mark('spans-parsed'), t)),
  traceGraph: (id: string, signal?: AbortSignal) => get<SliceResponse>(`/api/provenance/traces/${id}?limit=20000`, signal),
  /** The first view of a trace: its whole graph when small, else its activities and the key candidates' slices. */
  traceOverview(id: string, signal?: AbortSignal): Promise<TraceOverviewResponse> {
    const p = early.get(id);
    early.delete(id);
    return (p ?? get<TraceOverviewResponse>(`/api/provenance/traces/${id}/overview`, signal)).then((o) => (mark('overview-parsed'), o));
  },
  /** A causal slice; `depth` limits how far it walks (the API's default is 12). Answers are cached. */
  async slice(seed: string, direction: 'backward' | 'forward', signal?: AbortSignal, depth?: number): Promise<SliceResponse> {
    const url = sliceUrl(seed, direction, depth);
    const hit = sliceCache.get(url);
    if (hit) return hit;
    const s = await get<SliceResponse>(url, signal);
    remember(url, s);
    return s;
  },
  /** A slice answered already (the trace overview's), as the same request would answer it. */
  cachedSlice: (seed: string, direction: 'backward' | 'forward', depth?: number): SliceResponse | undefined => sliceCache.get(sliceUrl(seed, direction, depth)),
  /** Keeps a backward slice another answer carried (the overview's: `limit=2000`, the API's default depth), as asked with and without that depth. */
  primeSlice(s: SliceResponse): void {
    remember(sliceUrl(s.seed, 'backward'), s);
    remember(sliceUrl(s.seed, 'backward', SLICE_DEFAULTS.depth), s);
  },
  logs: (id: string, signal?: AbortSignal) => get<TraceLogsResponse>(`/api/traces/${id}/logs`, signal),
  artifact: (id: string, signal?: AbortSignal) => get<ArtifactResponse>(`/api/artifacts/${id}`, signal),
  incidents: () => get<IncidentListResponse>('/api/incidents'),
  findings: (filters: Record<string, string>, signal?: AbortSignal) => get<FindingListResponse>(`/api/findings?${new URLSearchParams({ limit: '500', ...filters })}`, signal),
  addFindingEvent: (id: string, body: FindingEventBody) => post<FindingView>(`/api/findings/${id}/events`, body),
  incident: (id: string) => get<Incident>(`/api/incidents/${id}`),
  createIncident: (body: CreateIncidentRequest) => post<Incident>('/api/incidents', body),
  addIncidentEvent: (id: string, body: IncidentEventBody) => post<Incident>(`/api/incidents/${id}/events`, body),
  /** The bundles exported from one incident, newest first (needs the export permission). */
  incidentExports: (incident: string, signal?: AbortSignal) => get<ExportListResponse>(`/api/exports?${new URLSearchParams({ incident })}`, signal),
  /** The evidence bundle (zip) of a trace, or of the causal slice of one node in it; with `incident`, exported from that incident (it rides along). */
  async bundle(traceId: string, seed: string | undefined, direction: 'backward' | 'forward', incident?: string): Promise<{ blob: Blob; filename: string; sha256: string }> {
    const body: Record<string, unknown> = { traceIds: [traceId] };
    if (incident) body.incident = incident;
    if (seed?.startsWith('act:')) body.slice = { trace: traceId, span: seed.split('/')[1], direction };
    else if (seed?.startsWith('art:')) body.slice = { trace: traceId, artifact: seed.slice(4), direction };
    const res = await fetch('/api/bundles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) {
      const text = await res.text();
      throw new ApiError(res.status, `export failed: ${text}`);
    }
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'causeway-evidence.zip';
    return { blob: await res.blob(), filename, sha256: res.headers.get('x-causeway-bundle-sha256') ?? '' };
  },
};

/** Loads something into React state with loading and error states, cancelled when deps change. */
export type Loadable<T> = { state: 'idle' } | { state: 'loading' } | { state: 'error'; error: string; status?: number } | { state: 'ready'; value: T };
