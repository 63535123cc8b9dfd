// One trace: the causal graph beside the span waterfall; selecting a node loads its backward
// ("why?") and forward ("what followed?") slices and highlights them, with taint paths from
// untrusted content; replay steps through the activities in time order. All view state is in
// the URL (trace, node, dir, step, collapse).
import type { SliceNode, SliceResponse } from '@causeway/schemas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Loadable } from '../api.ts';
import { shortId } from '../format.ts';
import { type GraphHandle, GraphView } from '../graph/GraphView.tsx';
import { foldHighlight, type Highlight, sliceHighlight } from '../graph/highlight.ts';
import { type TimedLayout, layoutAsync } from '../graph/layout-client.ts';
import { toLayoutInput } from '../graph/layout-input.ts';
import { buildGraph, collapseArtifacts, KIND_NAMES, activityLabel, artifactLabel } from '../graph/model.ts';
import { useLoad } from '../load.ts';
import { replaySteps, visibleAt } from '../replay/replay.ts';
import type { Navigate } from '../route.ts';
import type { ViewState } from '../url.ts';
import { Inspector } from './Inspector.tsx';
import { ReplayPanel } from './ReplayPanel.tsx';
import { Waterfall } from './Waterfall.tsx';
import { TraceSubmitters } from '../auth/SubmitterNote.tsx';

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

  const [lay, setLay] = useState<TimedLayout | undefined>();
  const [layError, setLayError] = useState('');
  useEffect(() => {
    if (!view) return;
    let live = true;
    setLay(undefined);
    layoutAsync(toLayoutInput(view)).then(
      (r) => live && setLay(r),
      (e: Error) => live && setLayError(e.message),
    );
    return () => {
      live = false;
    };
  }, [view]);

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
  const openElsewhere = (tid: string, nodeId: string): void => {
    if (tid === traceId) select(nodeId);
    else navigate({ page: 'trace', traceId: tid, node: nodeId, dir, collapse });
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
        <TraceSubmitters trace={traceL.state === 'ready' ? traceL.value : undefined} />
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
            <SlicePanel seed={selected} dir={dir} back={back} fwd={fwd} highlight={highlight} nodeById={nodeById} traceId={traceId} onOpen={openElsewhere} />
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

export function labelOf(n: SliceNode | undefined): string {
  if (!n) return '';
  return n.type === 'activity' ? `${n.kind} ${activityLabel(n)}` : `${KIND_NAMES[n.kind] ?? n.kind} "${artifactLabel(n)}"`;
}

function SlicePanel(p: {
  seed: string;
  dir: TraceState['dir'];
  back: Loadable<SliceResponse>;
  fwd: Loadable<SliceResponse>;
  highlight: Highlight | undefined;
  nodeById: Map<string, SliceNode>;
  traceId: string;
  onOpen(traceId: string, id: string): void;
}): React.JSX.Element {
  const item = (n: SliceNode, testid: string): React.JSX.Element => {
    const tid = n.type === 'activity' ? n.traceId : (n.traces[0] ?? p.traceId);
    const other = n.type === 'activity' ? n.traceId !== p.traceId : !n.traces.includes(p.traceId);
    return (
      <li
        key={n.id}
        data-testid={testid}
        data-node-id={n.id}
        data-taint={p.highlight?.taintNodes.has(n.id) ? 'true' : 'false'}
        data-trust={n.type === 'artifact' ? n.trust : ''}
        className={`${p.highlight?.taintNodes.has(n.id) ? 'taint' : ''} ${n.type === 'artifact' && n.trust === 'untrusted' ? 'untrusted' : ''}`}
      >
        <a href="#" onClick={(ev) => (ev.preventDefault(), p.onOpen(tid, n.id))}>
          {labelOf(n)}
        </a>
        {n.type === 'artifact' && n.trust === 'untrusted' ? <span className="badge untrusted">untrusted</span> : null}
        {other ? <span className="badge other">other trace {shortId(tid)}</span> : null}
      </li>
    );
  };
  const list = (l: Loadable<SliceResponse>, testid: string, title: string, empty: string): React.JSX.Element | null => {
    if (l.state === 'idle') return null;
    if (l.state === 'loading') return <div className="loading">{title}: tracing…</div>;
    if (l.state === 'error') return <div className="error">{title}: {l.error}</div>;
    const nodes = l.value.nodes.filter((n) => n.id !== p.seed);
    const sorted = [...nodes].sort((a, b) => Number(p.highlight?.taintNodes.has(b.id)) - Number(p.highlight?.taintNodes.has(a.id)) || a.depth - b.depth);
    return (
      <div>
        <h4>
          {title} ({nodes.length})
        </h4>
        {nodes.length === 0 ? <p className="muted">{empty}</p> : <ul className="slice-list" data-testid={`${testid}-list`}>{sorted.slice(0, 200).map((n) => item(n, testid))}</ul>}
        {l.value.truncated ? <div className="note">Slice cut short: {l.value.truncatedReason}</div> : null}
      </div>
    );
  };
  const paths = p.back.state === 'ready' ? p.back.value.taintPaths : p.fwd.state === 'ready' ? p.fwd.value.taintPaths.filter((t) => t.nodes.includes(p.seed)) : [];
  return (
    <section className="slice-panel" data-testid="slice-panel" data-seed={p.seed}>
      <h3>{labelOf(p.nodeById.get(p.seed)) || p.seed}</h3>
      {paths.length > 0 ? (
        <div className="taint-paths">
          <h4 className="taint-title">Untrusted content reached this ({paths.length} path{paths.length > 1 ? 's' : ''})</h4>
          {paths.slice(0, 8).map((t, i) => (
            <ol key={i} className="taint-path" data-testid="taint-path" data-source={t.source} data-nodes={t.nodes.join(' ')}>
              {t.nodes.map((id) => (
                <li key={id}>
                  <a href="#" onClick={(ev) => (ev.preventDefault(), p.onOpen(p.traceId, id))}>
                    {labelOf(p.nodeById.get(id)) || shortId(id)}
                  </a>
                </li>
              ))}
            </ol>
          ))}
        </div>
      ) : null}
      {list(p.back, 'cause', 'Why: what led to it', 'Nothing recorded led to this.')}
      {list(p.fwd, 'effect', 'What followed', 'Nothing recorded followed from this.')}
    </section>
  );
}

function IncidentButton({ traceId, selected, label }: { traceId: string; selected: string | undefined; label: string }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [notes, setNotes] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string; id?: string }>();
  if (!open) {
    return (
      <>
        <button
          data-testid="incident-create"
          onClick={() => {
            setTitle(selected ? `Investigate ${label}` : `Investigate trace ${shortId(traceId)}`);
            setOpen(true);
            setStatus(undefined);
          }}
        >
          Create incident
        </button>
        {status?.ok ? (
          <a className="small" data-testid="incident-created" data-incident-id={status.id} href={`/incidents/${status.id}`}>
            {status.text}
          </a>
        ) : null}
      </>
    );
  }
  return (
    <form
      className="incident-form"
      data-testid="incident-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        api
          .createIncident({ title, notes, seeds: selected ? [selected] : [], traceIds: [traceId], view: location.pathname + location.search })
          .then((inc) => {
            setStatus({ ok: true, text: `Incident created: ${inc.title}`, id: inc.id });
            setOpen(false);
          })
          .catch((e: Error) => setStatus({ ok: false, text: e.message }));
      }}
    >
      <input data-testid="incident-title" value={title} onChange={(e) => setTitle(e.target.value)} aria-label="incident title" required />
      <textarea data-testid="incident-notes" value={notes} onChange={(e) => setNotes(e.target.value)} placeholder="Notes" aria-label="incident notes" />
      <div className="muted small">Seed: {selected ? shortId(selected) : `the whole trace`}</div>
      <button type="submit" data-testid="incident-save">
        Save incident
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {status && !status.ok ? <div className="error">{status.text}</div> : null}
    </form>
  );
}

function ExportButton({ traceId, selected, dir }: { traceId: string; selected: string | undefined; dir: TraceState['dir'] }): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  return (
    <>
      <button
        data-testid="export"
        disabled={busy}
        title={selected ? 'Evidence bundle of the causal slice of the selected node' : 'Evidence bundle of the whole trace'}
        onClick={() => {
          setBusy(true);
          setMsg(undefined);
          api
            .bundle(traceId, selected, dir === 'forward' ? 'forward' : 'backward')
            .then(({ blob, filename, sha256 }) => {
              const url = URL.createObjectURL(blob);
              const a = document.createElement('a');
              a.href = url;
              a.download = filename;
              document.body.append(a);
              a.click();
              a.remove();
              setTimeout(() => URL.revokeObjectURL(url), 60_000);
              setMsg({ ok: true, text: `Exported ${filename} (sha256 ${sha256.slice(0, 12)}…)` });
            })
            .catch((e: Error) => setMsg({ ok: false, text: e.message }))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Exporting…' : selected ? 'Export slice bundle' : 'Export trace bundle'}
      </button>
      {msg ? (
        <span className={`small ${msg.ok ? 'muted' : 'error-inline'}`} data-testid="export-status">
          {msg.text}
        </span>
      ) : null}
    </>
  );
}

function Legend(): React.JSX.Element {
  return (
    <div className="legend" aria-label="legend">
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" />
        </svg>
        explicit (ids)
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" strokeDasharray="6 4" />
        </svg>
        content (overlap score)
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" strokeDasharray="2 4" />
        </svg>
        structural
      </span>
      <span className="lg-cause">cause</span>
      <span className="lg-effect">effect</span>
      <span className="lg-taint">taint path</span>
      <span className="lg-untrusted">untrusted</span>
    </div>
  );
}
