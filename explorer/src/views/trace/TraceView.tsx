// One trace: the causal graph beside the span waterfall; selecting a node loads its backward
// ("why?") and forward ("what followed?") slices and highlights them, with taint paths from
// untrusted content; replay steps through the activities in time order. All view state is in
// the URL (trace, node, dir, step, collapse).
import type { SliceNode } from '@causeway/schemas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Loadable } from '../../api.ts';
import { shortId } from '../../format.ts';
import { foldHighlight, sliceHighlight } from '../../graph/highlight.ts';
import { collapseArtifacts } from '../../graph/aggregate.ts';
import { buildGraph, nodeLabel as labelOf } from '../../graph/model.ts';
import { type GraphHandle, GraphView } from '../../graph/view/GraphView.tsx';
import { useLoad } from '../../load.ts';
import { replaySteps, visibleAt } from '../../replay/replay.ts';
import type { Navigate } from '../../route.ts';
import type { ViewState } from '../../url.ts';
import { Inspector } from '../Inspector.tsx';
import { ReplayPanel } from '../ReplayPanel.tsx';
import { Waterfall } from '../Waterfall.tsx';
import { ExportButton } from './ExportButton.tsx';
import { IncidentButton } from './IncidentButton.tsx';
import { Legend } from './Legend.tsx';
import { homeOf } from './home.ts';
import { SlicePanel } from './SlicePanel.tsx';
import { useTraceLayout } from './useTraceLayout.ts';

type TraceState = Extract<ViewState, { page: 'trace' }>;

const ready = <T,>(l: Loadable<T>): T | undefined => (l.state === 'ready' ? l.value : undefined);

export function TraceView({ state, navigate }: { state: TraceState; navigate: Navigate }): React.JSX.Element {
  const { traceId, node: selected, dir, step, collapse } = state;
  const set = (patch: Partial<TraceState>, replace = true): void => navigate({ ...state, ...patch }, { replace });
  const graphRef = useRef<GraphHandle>(null);

  const [graphL] = useLoad((s) => api.traceGraph(traceId, s), [traceId]);
  const [traceL] = useLoad((s) => api.trace(traceId, s), [traceId]);
  const slice = ready(graphL);
  const trace = ready(traceL);
  const full = useMemo(() => (slice ? buildGraph(slice) : undefined), [slice]);
  const view = useMemo(() => (full && collapse ? collapseArtifacts(full) : full), [full, collapse]);

  const { layout: lay, error: layError } = useTraceLayout(view);

  // slices of the selected node
  const [back] = useLoad(selected && dir !== 'forward' ? (s) => api.slice(selected, 'backward', s) : undefined, [selected, dir]);
  const [fwd] = useLoad(selected && dir !== 'backward' ? (s) => api.slice(selected, 'forward', s) : undefined, [selected, dir]);
  const highlight = useMemo(() => (selected ? sliceHighlight(selected, ready(back), ready(fwd)) : undefined), [selected, back, fwd]);
  const viewHighlight = useMemo(() => (highlight && view?.foldedInto ? foldHighlight(highlight, view.foldedInto) : highlight), [highlight, view]);

  // replay
  const steps = useMemo(() => (full ? replaySteps(full) : []), [full]);
  const replayOn = step !== undefined && steps.length > 0;
  const stepIndex = replayOn ? Math.min(step, steps.length - 1) : 0;
  const cur = replayOn ? steps[stepIndex] : undefined;
  const visible = useMemo(() => (replayOn && full ? visibleAt(full, steps, stepIndex) : undefined), [replayOn, full, steps, stepIndex]);
  const [playing, setPlaying] = useState(false);
  const stepTo = (i: number): void => set({ step: Math.max(0, Math.min(steps.length - 1, i)) });
  useEffect(() => {
    if (!playing) return;
    if (stepIndex >= steps.length - 1 && replayOn) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => stepTo(replayOn ? stepIndex + 1 : 0), replayOn ? 900 : 0);
    return () => clearTimeout(t);
  });
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const el = ev.target as HTMLElement | null;
      // keys typed into text fields are theirs; a slider or a button keeps the shortcuts
      const typing = el && ((el.tagName === 'INPUT' && !['range', 'checkbox', 'button'].includes((el as HTMLInputElement).type)) || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
      if (typing || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (steps.length === 0) return;
      if (ev.key === 'ArrowRight') {
        ev.preventDefault();
        stepTo(replayOn ? stepIndex + 1 : 0);
      } else if (ev.key === 'ArrowLeft') {
        ev.preventDefault();
        stepTo(replayOn ? stepIndex - 1 : 0);
      } else if (ev.key === ' ') {
        ev.preventDefault();
        setPlaying((p) => !p);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const nodeById = useMemo(() => {
    const m = new Map<string, SliceNode>();
    for (const s of [ready(back), ready(fwd), slice]) for (const n of s?.nodes ?? []) m.set(n.id, n);
    return m;
  }, [slice, back, fwd]);

  const select = (id: string | undefined): void => set({ ...(id ? { node: id } : { node: undefined }) }, false);
  const inTrace = useMemo(() => new Set(slice?.nodes.map((n) => n.id)), [slice]);
  const homeCtx = useMemo(() => ({ traceId, inTrace, edges: [...(ready(back)?.edges ?? []), ...(ready(fwd)?.edges ?? [])] }), [traceId, inTrace, back, fwd]);
  /** Opens a node where it lives: here when it is in this trace, else in the trace the slice found it in. */
  const openElsewhere = (tid: string, nodeId: string): void => {
    const n = nodeById.get(nodeId);
    const where = n ? homeOf(n, homeCtx).traceId : tid;
    if (where === traceId) select(nodeId);
    else navigate({ page: 'trace', traceId: where, node: nodeId, dir, collapse });
  };

  if (graphL.state === 'error' && graphL.status !== 404 && traceL.state === 'error') {
    return (
      <div className="error page" role="alert" data-testid="error">
        Could not load trace {traceId}: {graphL.error}
      </div>
    );
  }
  if (traceL.state === 'error' && traceL.status === 404 && graphL.state === 'error') {
    return (
      <div className="empty page" data-testid="trace-not-found">
        No trace <code>{traceId}</code> is stored (yet). Spans appear here a moment after the collector acknowledges them.
      </div>
    );
  }

  return (
    <div className="trace-view" data-testid="trace-view" data-trace-id={traceId}>
      <div className="toolbar" role="toolbar">
        <span className="mono" title={traceId}>
          trace {shortId(traceId)}
        </span>
        {slice ? (
          <span className="muted" data-testid="graph-counts">
            {slice.nodes.filter((n) => n.type === 'activity').length} activities · {slice.nodes.filter((n) => n.type === 'artifact').length} artifacts · {slice.edges.length} edges
          </span>
        ) : null}
        <button onClick={() => graphRef.current?.fit()} data-testid="fit">
          Fit
        </button>
        <label className="check">
          <input type="checkbox" data-testid="collapse" checked={collapse} onChange={(e) => set({ collapse: e.target.checked })} /> collapse artifacts
        </label>
        <label>
          slice{' '}
          <select value={dir} data-testid="direction" onChange={(e) => set({ dir: e.target.value as TraceState['dir'] })}>
            <option value="both">why + what followed</option>
            <option value="backward">why (backward)</option>
            <option value="forward">what followed (forward)</option>
          </select>
        </label>
        <button data-testid="replay-start" onClick={() => (replayOn ? navigate({ ...state, step: undefined } as TraceState, { replace: true }) : stepTo(0))} disabled={steps.length === 0}>
          {replayOn ? 'Exit replay' : 'Replay'}
        </button>
        <IncidentButton traceId={traceId} selected={selected} label={selected ? labelOf(nodeById.get(selected)) : ''} />
        <ExportButton traceId={traceId} selected={selected} dir={dir} />
        {lay ? (
          <span className="muted small" data-testid="layout-ms" data-ms={lay.wallMs.toFixed(1)}>
            layout {lay.wallMs.toFixed(0)} ms{lay.inWorker ? ' (worker)' : ''}
          </span>
        ) : null}
      </div>
      {slice?.truncated ? <div className="note">Graph cut short: {slice.truncatedReason}. The waterfall still lists every span.</div> : null}
      <div className="trace-body">
        <div className="trace-main">
          {graphL.state === 'loading' ? <div className="loading graph-placeholder">Loading the causal graph…</div> : null}
          {graphL.state === 'error' ? (
            <div className="empty graph-placeholder" data-testid="no-provenance">
              {graphL.status === 404 ? 'No provenance was recorded for this trace (no agent activity recognised in its spans).' : `Could not load the causal graph: ${graphL.error}`}
            </div>
          ) : null}
          {layError ? <div className="error">Layout failed: {layError}</div> : null}
          {view ? (
            <GraphView
              graph={view}
              layout={lay}
              highlight={viewHighlight}
              selected={selected && view.foldedInto?.get(selected) ? view.foldedInto.get(selected) : selected}
              visible={visible}
              replayCurrent={cur?.activity}
              replayContext={cur ? new Set(cur.context.map((c) => view.foldedInto?.get(c) ?? c)) : undefined}
              onSelect={select}
              handle={graphRef}
            />
          ) : null}
          <Legend />
          {replayOn && full && cur ? (
            <ReplayPanel
              steps={steps}
              index={stepIndex}
              playing={playing}
              graph={full}
              onStep={stepTo}
              onPlay={() => setPlaying((p) => !p)}
              onSelect={(id) => select(id)}
            />
          ) : null}
          {trace ? (
            <Waterfall trace={trace} selected={selected} highlight={highlight} t0={full?.t0 ?? 0n} replayAt={cur?.t} onSelect={(spanId) => select(`act:${traceId}/${spanId}`)} />
          ) : traceL.state === 'loading' ? (
            <div className="loading">Loading spans…</div>
          ) : traceL.state === 'error' ? (
            <div className="error">Could not load the spans: {traceL.error}</div>
          ) : null}
        </div>
        <aside className="trace-side">
          {selected ? (
            <SlicePanel seed={selected} dir={dir} back={back} fwd={fwd} highlight={highlight} nodeById={nodeById} traceId={traceId} homeOf={(n) => homeOf(n, homeCtx)} onOpen={openElsewhere} />
          ) : (
            <section className="slice-panel">
              <h3>Why did this happen?</h3>
              <p className="muted">Select a tool call, output or document to see what led to it and what followed.</p>
            </section>
          )}
          <Inspector node={selected ? nodeById.get(selected) : undefined} nodeId={selected ?? ''} trace={trace} onOpen={openElsewhere} />
        </aside>
      </div>
    </div>
  );
}

