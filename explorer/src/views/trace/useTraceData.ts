// Everything loaded for one trace: its overview (the whole causal graph of a small trace; of a
// large one every step and the key tool call's causes, the whole graph on demand), its spans and
// its log records (where some libraries put the messages), and what is derived from them once:
// the graph model and the key node of the first view. The spans and logs are asked for once the
// overview is in and the first view drawn, so the collector computes what the first view needs
// first, and then leaves the machine to the page while it lays out and draws it (the big trace's
// 7.8 MB of spans took the collector's CPU in the 300-450 ms between the overview and the key
// node readable, on a machine of 2 cores shared with the browser).
import type { SliceResponse, TraceResponse } from '@causeway/schemas';
import { useEffect, useMemo, useState } from 'react';
import { api, type Loadable } from '../../api.ts';
import { logsBySpan } from '../../conversation/logs.ts';
import { keyNode } from '../../graph/keyPath.ts';
import { prepareLayout } from '../../graph/layout/client.ts';
import { buildGraph } from '../../graph/model.ts';
import { overviewGraph } from '../../graph/overview.ts';
import { useLoad } from '../../load.ts';
import { mark } from '../../perf.ts';
import { flattenSpans } from '../Waterfall.tsx';

export const ready = <T,>(l: Loadable<T>): T | undefined => (l.state === 'ready' ? l.value : undefined);

/** The spans and logs wait at most this long after the overview for the first view to be drawn. */
export const SPANS_AFTER_DRAWN_MS = 2000;

/** `everything`: the view draws every node and link, so it needs the whole graph at once. `drawn`: the first view is drawn (or failed to be). */
export function useTraceData(traceId: string, everything = false, drawn = true) {
  const [overviewL, reloadOverview] = useLoad((s) => api.traceOverview(traceId, s), [traceId]);
  // the layout worker starts while the overview is computed, not after it arrives
  useEffect(prepareLayout, []);
  const [asked, setAsked] = useState(false);
  useEffect(() => setAsked(false), [traceId]);
  const wantWhole = asked || everything;
  const [wholeL, reloadWhole] = useLoad(wantWhole ? (s) => api.traceGraph(traceId, s) : undefined, [traceId, wantWhole]);
  const arrived = overviewL.state !== 'loading';
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    setWaited(false);
    if (!arrived) return;
    const t = setTimeout(() => setWaited(true), SPANS_AFTER_DRAWN_MS);
    return () => clearTimeout(t);
  }, [arrived, traceId]);
  const after = arrived && (drawn || waited || overviewL.state === 'error');
  const [traceL, reloadTrace] = useLoad(after ? (s) => api.trace(traceId, s) : undefined, [traceId, after]);
  const [logsL] = useLoad(after ? (s) => api.logs(traceId, s) : undefined, [traceId, after]);
  const overview = useMemo(() => {
    const o = ready(overviewL);
    if (!o) return undefined;
    // the key candidates' slices answer the inspector's "why?" without a second request
    for (const s of o.slices ?? []) api.primeSlice(s);
    const g = overviewGraph(o);
    mark('overview-graph');
    return g;
  }, [overviewL]);
  const whole = ready(wholeL);
  const slice: SliceResponse | undefined = whole ?? overview?.graph;
  /** only part of the causal graph is loaded (a large trace's overview) */
  const partial = !whole && !!overview?.partial;
  const graphL: Loadable<SliceResponse> = overviewL.state === 'ready' ? (slice ? { state: 'ready', value: slice } : { state: 'loading' }) : overviewL;
  const trace: TraceResponse | undefined = ready(traceL);
  const full = useMemo(() => (slice ? (mark('model-start'), buildGraph(slice)) : undefined), [slice]);
  const key = useMemo(() => (slice ? keyNode(slice) : undefined), [slice]);
  if (slice) mark('model-done');
  const spans = useMemo(() => (trace ? flattenSpans(trace) : []), [trace]);
  const logs = useMemo(() => logsBySpan(ready(logsL)), [logsL]);
  const inTrace = useMemo(() => new Set(slice?.nodes.map((n) => n.id)), [slice]);
  const activityCount = ready(overviewL)?.activityCount;
  const recordedLinks = ready(overviewL)?.recordedLinks;
  return {
    graphL,
    traceL,
    slice,
    trace,
    full,
    key,
    spans,
    logs,
    inTrace,
    partial,
    activityCount,
    /** a large trace's recorded links (uses, outputs, parentage): fewer than the whole graph's */
    recordedLinks,
    /** the whole causal graph: asked for, loading, failed */
    whole: wholeL,
    loadWhole: () => (wantWhole ? reloadWhole() : setAsked(true)),
    reloadGraph: reloadOverview,
    reloadTrace,
  };
}
