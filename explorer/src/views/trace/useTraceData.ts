// Everything loaded for one trace: its causal graph (the collector computes it on request; slow
// on big traces), its spans, its log records (where some libraries put the messages), and what
// is derived from them once: the graph model and the key node of the first view.
import type { SliceResponse, TraceResponse } from '@causeway/schemas';
import { useMemo } from 'react';
import { api, type Loadable } from '../../api.ts';
import { logsBySpan } from '../../conversation/logs.ts';
import { keyNode } from '../../graph/keyPath.ts';
import { buildGraph } from '../../graph/model.ts';
import { useLoad } from '../../load.ts';
import { flattenSpans } from '../Waterfall.tsx';

export const ready = <T,>(l: Loadable<T>): T | undefined => (l.state === 'ready' ? l.value : undefined);

export function useTraceData(traceId: string) {
  const [graphL, reloadGraph] = useLoad((s) => api.traceGraph(traceId, s), [traceId]);
  const [traceL, reloadTrace] = useLoad((s) => api.trace(traceId, s), [traceId]);
  const [logsL] = useLoad((s) => api.logs(traceId, s), [traceId]);
  const slice: SliceResponse | undefined = ready(graphL);
  const trace: TraceResponse | undefined = ready(traceL);
  const full = useMemo(() => (slice ? buildGraph(slice) : undefined), [slice]);
  const key = useMemo(() => (slice ? keyNode(slice) : undefined), [slice]);
  const spans = useMemo(() => (trace ? flattenSpans(trace) : []), [trace]);
  const logs = useMemo(() => logsBySpan(ready(logsL)), [logsL]);
  const inTrace = useMemo(() => new Set(slice?.nodes.map((n) => n.id)), [slice]);
  return { graphL, traceL, slice, trace, full, key, spans, logs, inTrace, reloadGraph, reloadTrace };
}
