// One trace: the causal graph beside the span waterfall, opened on the question it answers (the
// key node, the most recent high-impact tool call untrusted content reached, selected and its
// path framed readably). Selecting a node loads its backward ("why?") and forward ("what
// followed?") slices progressively; a taint path can be pinned and stays while exploring; any
// link's evidence can be opened; replay steps through the activities with what the model saw.
// All view state is in the URL (see url.ts).
import type { SliceActivity, SliceEdge, SliceNode, TaintPath } from '@causeway/schemas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { shortId } from '../../format.ts';
import { foldHighlight, mergeHighlight, pathHighlight, sliceHighlight } from '../../graph/highlight.ts';
import { edgeIndex, rankPaths, taintPathsTo, traceHighlight } from '../../graph/keyPath.ts';
import { nodeLabel } from '../../graph/model.ts';
import { activityNodeId } from '@causeway/schemas';
import { type GraphHandle, GraphView } from '../../graph/view/GraphView.tsx';
import { replaySteps, visibleAt } from '../../replay/replay.ts';
import type { Navigate } from '../../route.ts';
import type { ViewState } from '../../url.ts';
import { mark } from '../../perf.ts';
import { usePageTitle } from '../usePageTitle.ts';
import { activityFromSpan } from '../inspector/ActivityInspector.tsx';
import { Inspector } from '../inspector/Inspector.tsx';
import { ReplayPanel } from '../ReplayPanel.tsx';
import { Waterfall } from '../Waterfall.tsx';
import { EdgeEvidence } from './EdgeEvidence.tsx';
import { ExportButton } from './ExportButton.tsx';
import { FindBar } from './FindBar.tsx';
import { homeOf } from './home.ts';
import { IncidentButton } from './IncidentButton.tsx';
import { Legend } from './Legend.tsx';
import { PinnedPath } from './PinnedPath.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { SlicePanel } from './SlicePanel.tsx';
import { TraceStatus } from './TraceStatus.tsx';
import { TraceToolbar } from './TraceToolbar.tsx';
import { useDrawnGraph } from './useDrawnGraph.ts';
import { useShortcuts } from './useShortcuts.ts';
import { sliceValue, useSlice } from './useSlice.ts';
import { useTraceData } from './useTraceData.ts';
import { WholeGraphNote } from './WholeGraphNote.tsx';

type TraceState = Extract<ViewState, { page: 'trace' }>;
const unique = (ids: (string | undefined)[]): string[] => [...new Set(ids.filter((x): x is string => !!x))];

export function TraceView({ state, navigate }: { state: TraceState; navigate: Navigate }): React.JSX.Element {
  mark('trace-view-render');
  const { traceId, node: selected, dir, step, collapse, pin, min, edge } = state;
  const set = (patch: Partial<TraceState>, replace = true): void => navigate({ ...state, ...patch }, { replace });
  const graphRef = useRef<GraphHandle>(null);
  const findRef = useRef<HTMLInputElement>(null);
  const [help, setHelp] = useState(false);
  // the first drawing of the trace: what its spans, logs and "what followed?" wait for
  const [drawnTrace, setDrawnTrace] = useState<string>();
  const d = useTraceData(traceId, collapse === false, drawnTrace === traceId);
  const { slice, trace, full, key, spans, logs, inTrace } = d;

  // the first view answers the question: the key node selected (once, when nothing was chosen)
  const firstView = useRef(true);
  useEffect(() => {
    if (!slice || !firstView.current) return;
    firstView.current = false;
    if (!selected && key) navigate({ ...state, node: key.id }, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slice]);

  // slices of the selection: backward first, then forward. "What followed?" waits for the first
  // drawing of the trace: on a big trace a forward walk can keep the collector busy for many
  // seconds (one from the 3,250-span trace's send_email: 21 s to depth 2 on a loaded machine),
  // time the first view's own requests and layout would otherwise share the machine with.
  const back = useSlice(selected, 'backward', dir !== 'forward');
  const fwd = useSlice(selected, 'forward', dir !== 'backward' && back.load.state !== 'loading' && (drawnTrace === traceId || d.graphL.state === 'error'));
  const backV = sliceValue(back.load);
  const fwdV = sliceValue(fwd.load);

  // a pinned taint path: from the trace graph, else from the (cached) slice it came from
  const pinInTrace = useMemo(() => (pin && slice ? taintPathsTo(slice, pin.seed, 200).find((t) => t.source === pin.source) : undefined), [pin, slice]);
  const pinSlice = useSlice(pin?.seed, 'backward', !!pin && !!slice && !pinInTrace);
  const pinPath = pinInTrace ?? sliceValue(pinSlice.load)?.taintPaths.find((t) => t.source === pin?.source && t.nodes.at(-1) === pin?.seed);

  const nodeById = useMemo(() => {
    const m = new Map<string, SliceNode>();
    for (const s of [sliceValue(pinSlice.load), backV, fwdV, slice]) for (const n of s?.nodes ?? []) m.set(n.id, n);
    return m;
  }, [slice, backV, fwdV, pinSlice.load]);
  const edges = useMemo(() => edgeIndex({ edges: [...(slice?.edges ?? []), ...(backV?.edges ?? []), ...(fwdV?.edges ?? []), ...(sliceValue(pinSlice.load)?.edges ?? [])] }), [slice, backV, fwdV, pinSlice.load]);

  /** every loaded link from one node to another (for the evidence panel) */
  const linksBetween = (e: { from: string; to: string }): SliceEdge[] => {
    const out = new Map<string, SliceEdge>();
    for (const s of [slice, backV, fwdV, sliceValue(pinSlice.load)]) for (const x of s?.edges ?? []) if (x.from === e.from && x.to === e.to) out.set(`${x.relation}|${x.how}`, x);
    return [...out.values()];
  };

  // taint paths to the selection: the complete backward slice's (across traces); until it is
  // complete, the trace graph's with what the partial slice found so far
  const paths: TaintPath[] = useMemo(() => {
    if (!selected) return [];
    if (back.load.state === 'ready' && backV) return rankPaths(backV.taintPaths, backV);
    const partial = [...(backV?.taintPaths ?? []), ...(dir === 'forward' && fwdV ? fwdV.taintPaths.filter((t) => t.nodes.includes(selected)) : [])];
    const own = slice ? taintPathsTo(slice, selected) : [];
    const seen = new Set<string>();
    const all = [...partial, ...own].filter((t) => {
      const k = t.nodes.join(' ');
      return seen.has(k) ? false : (seen.add(k), true);
    });
    return rankPaths(all, { nodes: [...(slice?.nodes ?? []), ...(backV?.nodes ?? [])], edges: [...(slice?.edges ?? []), ...(backV?.edges ?? [])] });
  }, [selected, back.load.state, backV, fwdV, dir, slice]);

  const highlight = useMemo(() => {
    const pinned = pinPath ? pathHighlight(pinPath.nodes, selected ?? '') : undefined;
    if (!selected) return pinned;
    const fromTrace = slice ? traceHighlight(slice, selected) : undefined;
    const fromSlices = backV || fwdV ? sliceHighlight(selected, backV, fwdV) : undefined;
    const h = fromSlices ? mergeHighlight(fromSlices, fromTrace) : fromTrace;
    return h ? mergeHighlight(h, pinned) : pinned;
  }, [selected, slice, backV, fwdV, pinPath]);

  // replay
  // replay needs the whole graph: not computed for an overview (it was ~60 ms of the big trace's first view)
  const steps = useMemo(() => (full && !d.partial ? replaySteps(full) : []), [full, d.partial]);
  const replayOn = step !== undefined && steps.length > 0;
  const stepIndex = replayOn ? Math.min(step, steps.length - 1) : 0;
  const cur = replayOn ? steps[stepIndex] : undefined;
  const [playing, setPlaying] = useState(false);
  const stepTo = (i: number): void => set({ step: Math.max(0, Math.min(steps.length - 1, i)) });
  useEffect(() => {
    if (!playing) return;
    if (replayOn && stepIndex >= steps.length - 1) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => stepTo(replayOn ? stepIndex + 1 : 0), replayOn ? 900 : 0);
    return () => clearTimeout(t);
  });

  // the drawing: readable by size, with the key path, the selection and the replay step kept out of folds
  const keyPaths = useMemo(() => (key && slice ? taintPathsTo(slice, key.id, 3) : []), [key, slice]);
  const keyPath = useMemo(() => unique([...keyPaths.flatMap((t) => t.nodes), key?.id]), [keyPaths, key]);
  // the primary path's source sits beside the step it led to (see layout `near`)
  const near = useMemo(() => {
    const m = new Map<string, string>();
    for (const t of [keyPaths[0], pinPath]) if (t && t.nodes.length > 1 && t.nodes[0]!.startsWith('art:')) m.set(t.nodes[0]!, t.nodes[1]!);
    return m;
  }, [keyPaths, pinPath]);
  const stableKeep = useMemo(() => unique([...keyPath, ...(pinPath?.nodes ?? [])]), [keyPath, pinPath]);
  const keep = unique([selected, ...paths.slice(0, 3).flatMap((t) => t.nodes), cur?.activity]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const { view, layout, error: layError, mode, drawn } = useDrawnGraph(full, { collapse, stableKeep, keep, expanded, minScore: min, near });
  useEffect(() => {
    if (layout || layError) setDrawnTrace(traceId);
  }, [layout, layError, traceId]);
  const viewHighlight = useMemo(() => (highlight && view?.foldedInto ? foldHighlight(highlight, view.foldedInto) : highlight), [highlight, view]);
  const visible = useMemo(() => (replayOn && full ? new Set([...visibleAt(full, steps, stepIndex)].map(drawn)) : undefined), [replayOn, full, steps, stepIndex, view]); // eslint-disable-line react-hooks/exhaustive-deps
  // what "frame the path" shows: the pinned path, else the strongest path to the selection (or the key node)
  const framePathIds = pinPath?.nodes ?? (selected ? unique([...(paths[0]?.nodes ?? []), selected]) : unique([...(keyPaths[0]?.nodes ?? []), key?.id]));
  const frameAnchor = selected ?? key?.id;
  const framePath = (): void => graphRef.current?.frame(unique(framePathIds.map(drawn)), frameAnchor && drawn(frameAnchor));
  const frameSelection = (): void => {
    if (!selected) return;
    const s = drawn(selected);
    const near = view?.edges.filter((e) => e.from === s || e.to === s).flatMap((e) => [e.from, e.to]) ?? [];
    graphRef.current?.frame(unique([s, ...near.slice(0, 12)]), s);
  };
  // replay keeps the current step and what it could see framed
  useEffect(() => {
    if (cur && layout) graphRef.current?.frame(unique([cur.activity, ...cur.context].map(drawn)), drawn(cur.activity));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cur?.activity, layout]);

  const select = (id: string | undefined): void => set({ node: id, edge: undefined }, false);
  const homeCtx = useMemo(() => ({ traceId, inTrace, edges: [...(backV?.edges ?? []), ...(fwdV?.edges ?? [])] }), [traceId, inTrace, backV, fwdV]);
  /** Opens a node where it lives: here when it is in this trace, else in the trace the slice found it in. */
  const openNode = (tid: string, nodeId: string): void => {
    const n = nodeById.get(nodeId);
    const where = n ? homeOf(n, homeCtx).traceId : tid;
    if (where === traceId) select(nodeId);
    else navigate({ page: 'trace', traceId: where, node: nodeId, dir });
  };
  const label = (id: string): string => nodeLabel(nodeById.get(id)) || view?.nodes.find((n) => n.id === id)?.label || shortId(id);
  const errors = useMemo(() => spans.filter((s) => s.span.status.code === 2).map((s) => activityNodeId(traceId, s.span.spanId)), [spans, traceId]);
  const nextError = (): void => {
    if (errors.length === 0) return;
    const i = selected ? errors.indexOf(selected) : -1;
    select(errors[(i + 1) % errors.length]);
  };

  useShortcuts({
    find: () => findRef.current?.focus(),
    nextError,
    framePath,
    frameSelection,
    fit: () => graphRef.current?.fit(),
    escape: () => (help ? setHelp(false) : edge ? set({ edge: undefined }) : selected ? select(undefined) : replayOn ? set({ step: undefined }) : undefined),
    next: () => steps.length && stepTo(replayOn ? stepIndex + 1 : 0),
    prev: () => steps.length && stepTo(replayOn ? stepIndex - 1 : 0),
    play: () => steps.length && setPlaying((p) => !p),
    help: () => setHelp((h) => !h),
  });

  // the root span names the trace: from the spans, else (they come after the graph) its activity
  const root = spans.find((s) => s.depth === 0)?.span.name ?? slice?.nodes.find((n): n is SliceActivity => n.type === 'activity' && n.traceId === traceId && !n.parentSpanId)?.name;
  const title = `${root ?? 'Trace'} · ${shortId(traceId)}`;
  usePageTitle(selected ? `${label(selected)} — ${title}` : title);
  const inspected = selected ?? cur?.activity;
  const inspectedSpan = inspected ? spans.find((s) => activityNodeId(traceId, s.span.spanId) === inspected) : undefined;

  if (d.traceL.state === 'error') return <TraceStatus traceId={traceId} graph={d.graphL} trace={d.traceL} onRetry={() => (d.reloadGraph(), d.reloadTrace())} navigate={navigate} />;
  return (
    <div className="trace-view" data-testid="trace-view" data-trace-id={traceId} data-key-node={key?.id ?? ''} data-graph={slice ? (d.partial ? 'overview' : 'whole') : ''}>
      <TraceToolbar
        title={title}
        trace={d.traceL.state === 'ready' ? d.traceL.value : undefined}
        slice={slice}
        partial={d.partial}
        mode={mode}
        collapse={collapse}
        onCollapse={(c) => set({ collapse: c })}
        min={min}
        onMin={(m) => set({ min: m })}
        dir={dir}
        onDir={(x) => set({ dir: x })}
        graph={graphRef}
        canFramePath={framePathIds.length > 0}
        canFrameSelection={!!selected}
        onFramePath={framePath}
        onFrameSelection={frameSelection}
        replayOn={replayOn}
        canReplay={steps.length > 0 && !d.partial}
        onReplay={() => (replayOn ? set({ step: undefined }) : stepTo(0))}
        onCompare={() => navigate({ page: 'compare', a: traceId, b: '' })}
        layout={layout}
      >
        <IncidentButton traceId={traceId} selected={selected} label={selected ? label(selected) : ''} />
        <ExportButton traceId={traceId} selected={selected} dir={dir} />
        <button onClick={() => setHelp(true)} aria-label="keyboard shortcuts" data-testid="shortcuts-open">
          ?
        </button>
      </TraceToolbar>
      <FindBar traceId={traceId} full={full} spans={spans} logs={logs} selected={selected} onSelect={select} inputRef={findRef} errors={errors} onNextError={nextError} />
      {slice?.truncated ? <div className="note">Graph cut short: {slice.truncatedReason}. The waterfall still lists every span.</div> : null}
      {d.partial ? <WholeGraphNote activities={d.activityCount} links={slice?.edges.length ?? 0} recordedLinks={d.recordedLinks} found={!!key} whole={d.whole} onLoad={d.loadWhole} /> : null}
      <div className="trace-body">
        <div className="trace-main">
          {d.graphL.state !== 'ready' ? <TraceStatus traceId={traceId} graph={d.graphL} trace={d.traceL} onRetry={d.reloadGraph} navigate={navigate} spans={trace?.spanCount} /> : null}
          {layError ? <div className="error">Could not lay out the graph: {layError}</div> : null}
          {view ? (
            <GraphView
              graph={view}
              layout={layout}
              highlight={viewHighlight}
              selected={selected ? drawn(selected) : undefined}
              visible={visible}
              replayCurrent={cur ? drawn(cur.activity) : undefined}
              replayContext={cur ? new Set(cur.context.map(drawn)) : undefined}
              onSelect={select}
              onExpand={(id) => setExpanded((x) => new Set([...x, ...(view.nodes.find((n) => n.id === id)?.members ?? [])]))}
              onEdge={(from, to) => set({ edge: { from, to } }, false)}
              initialFrame={framePathIds.length ? { ids: unique(framePathIds.map(drawn)), anchor: frameAnchor && drawn(frameAnchor) } : undefined}
              handle={graphRef}
            />
          ) : null}
          <Legend />
          {replayOn && full && cur ? (
            <ReplayPanel steps={steps} index={stepIndex} playing={playing} graph={full} spans={spans} logs={logs} traceId={traceId} onStep={stepTo} onPlay={() => setPlaying((p) => !p)} onSelect={select} />
          ) : null}
          <Waterfall trace={trace} spans={spans} loading={d.traceL.state === 'loading' || d.traceL.state === 'idle'} selected={selected} highlight={highlight} t0={full?.t0 ?? 0n} replayAt={cur?.t} onSelect={(spanId) => select(activityNodeId(traceId, spanId))} />
        </div>
        <aside className="trace-side" aria-label="why">
          {pin ? <PinnedPath path={pinPath} loading={pinSlice.load.state === 'loading'} edges={edges} label={label} selected={selected} onSelect={select} onEvidence={(from, to) => set({ edge: { from, to } }, false)} onUnpin={() => set({ pin: undefined })} /> : null}
          {edge ? <EdgeEvidence edge={edge} links={linksBetween(edge)} label={label} onSelect={select} onClose={() => set({ edge: undefined })} /> : null}
          {selected ? (
            <SlicePanel
              seed={selected}
              back={back}
              fwd={fwd}
              highlight={highlight}
              paths={paths}
              pinned={pin}
              label={label}
              homeOf={(n) => homeOf(n, homeCtx)}
              onOpen={openNode}
              onPin={(t) => set({ pin: { seed: t.nodes.at(-1)!, source: t.source } }, false)}
              onStep={(t, id) => navigate({ ...state, pin: { seed: t.nodes.at(-1)!, source: t.source }, node: id, edge: undefined })}
            />
          ) : (
            <section className="slice-panel">
              <h3>Why did this happen?</h3>
              <p className="muted">{slice && !key ? 'Untrusted content reached no high-impact tool call in this trace. ' : ''}Select a tool call, output or document to see what led to it and what followed.</p>
            </section>
          )}
          <Inspector node={inspected ? (nodeById.get(inspected) ?? (inspectedSpan ? activityFromSpan(traceId, inspectedSpan) : undefined)) : undefined} nodeId={inspected ?? ''} trace={trace} span={inspectedSpan} logs={inspectedSpan ? (logs.get(inspectedSpan.span.spanId) ?? []) : []} onOpen={openNode} />
        </aside>
      </div>
      {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
