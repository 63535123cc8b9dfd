// The trace page's toolbar: what the trace is, how to frame it, how much to draw, and the
// actions (replay, compare, incident, export).
import type { SliceResponse } from '@causeway/schemas';
import type { TimedLayout } from '../../graph/layout/client.ts';
import type { GraphHandle } from '../../graph/view/GraphView.tsx';
import type { Direction } from '../../url.ts';
import type { Readability } from './useDrawnGraph.ts';
import type { TraceResponse } from '@causeway/schemas';
import { useMemo } from 'react';
import { TraceSubmitters } from '../../auth/SubmitterNote.tsx';

const MODES: Record<Readability, string> = {
  whole: 'every node (small trace)',
  folded: 'artifacts folded into their steps',
  grouped: "each agent's runs of steps grouped",
  'all folded': 'all artifacts folded',
  everything: 'everything',
};

export function TraceToolbar(p: {
  title: string;
  slice: SliceResponse | undefined;
  mode: Readability | undefined;
  collapse: boolean | undefined;
  onCollapse(c: boolean | undefined): void;
  min: number | undefined;
  onMin(m: number | undefined): void;
  dir: Direction;
  onDir(d: Direction): void;
  graph: React.RefObject<GraphHandle | null>;
  canFrameSelection: boolean;
  canFramePath: boolean;
  onFramePath(): void;
  onFrameSelection(): void;
  replayOn: boolean;
  canReplay: boolean;
  onReplay(): void;
  onCompare(): void;
  layout: TimedLayout | undefined;
  /** only the overview of the causal graph is loaded */
  partial?: boolean;
  /** the trace's spans, for who submitted them */
  trace?: TraceResponse | undefined;
  children?: React.ReactNode;
}): React.JSX.Element {
  const s = p.slice;
  // counted once per graph, not on every render of the page
  const counts = useMemo(() => {
    if (!s) return undefined;
    const steps = s.nodes.filter((n) => n.type === 'activity').length;
    return { steps, artifacts: s.nodes.length - steps };
  }, [s]);
  return (
    <div className="toolbar" role="toolbar" aria-label="trace tools">
      <h1 className="trace-title" data-testid="trace-title">
        {p.title}
      </h1>
      <TraceSubmitters trace={p.trace} />
      {s ? (
        <span className="muted" data-testid="graph-counts">
          {counts!.steps.toLocaleString()} steps ·{' '}
          {p.partial ? 'overview: the key path’s artifacts and links only' : `${counts!.artifacts.toLocaleString()} artifacts · ${s.edges.length.toLocaleString()} links`}
        </span>
      ) : null}
      <span className="group" role="group" aria-label="framing">
        <button onClick={p.onFramePath} disabled={!p.canFramePath} data-testid="frame-path" title="Frame the key path (shortcut: p)">
          Path
        </button>
        <button onClick={p.onFrameSelection} disabled={!p.canFrameSelection} data-testid="frame-selection" title="Frame the selected node and its neighbours (shortcut: z)">
          Selection
        </button>
        <button onClick={() => p.graph.current?.fit()} data-testid="fit" title="Show the whole graph (shortcut: f)">
          Fit all
        </button>
      </span>
      <label>
        Draw{' '}
        <select
          data-testid="artifacts"
          value={p.collapse === undefined ? 'auto' : p.collapse ? 'fold' : 'show'}
          onChange={(e) => p.onCollapse(e.target.value === 'auto' ? undefined : e.target.value === 'fold')}
          title={p.mode ? `now: ${MODES[p.mode]}` : ''}
        >
          <option value="auto">readable ({p.mode && p.collapse === undefined ? MODES[p.mode] : 'by size'})</option>
          <option value="fold">steps only (fold artifacts)</option>
          <option value="show">everything</option>
        </select>
      </label>
      <label title="Hide copied-text links weaker than this overlap score">
        Copied-text links{' '}
        <select data-testid="min-strength" value={p.min === undefined ? '' : String(p.min)} onChange={(e) => p.onMin(e.target.value ? Number(e.target.value) : undefined)}>
          <option value="">all</option>
          <option value="0.15">≥ 0.15 (drop likely coincidences)</option>
          <option value="0.3">≥ 0.3</option>
          <option value="0.5">≥ 0.5 (strong)</option>
        </select>
      </label>
      <label>
        Slices{' '}
        <select value={p.dir} data-testid="direction" onChange={(e) => p.onDir(e.target.value as Direction)}>
          <option value="both">why + what followed</option>
          <option value="backward">why (backward)</option>
          <option value="forward">what followed (forward)</option>
        </select>
      </label>
      <button data-testid="replay-start" onClick={p.onReplay} disabled={!p.canReplay}>
        {p.replayOn ? 'Exit replay' : 'Replay'}
      </button>
      <button data-testid="compare-open" onClick={p.onCompare}>
        Compare…
      </button>
      {p.children}
      {p.layout ? (
        <span className="muted small" data-testid="layout-ms" data-ms={p.layout.wallMs.toFixed(1)}>
          layout {p.layout.wallMs.toFixed(0)} ms{p.layout.inWorker ? ' (worker)' : ''}
        </span>
      ) : null}
    </div>
  );
}
