// /bench.html?n=5000[&render=svg|canvas]: a generated agent-shaped graph of n nodes, laid out in the
// worker and rendered like a trace. Exposes timings on window.__bench for explorer/bench/run.ts.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type TimedLayout, layoutAsync } from '../graph/layout/client.ts';
import { toLayoutInput } from '../graph/layout/input.ts';
import { buildGraph } from '../graph/model.ts';
import { type GraphHandle, GraphView } from '../graph/view/GraphView.tsx';
import { syntheticTrace } from './synthetic.ts';

declare global {
  interface Window {
    __bench?: { n: number; layoutMs: number; workerMs: number; inWorker: boolean; render: string; graph: GraphHandle | null };
  }
}

export function BenchPage({ n, render }: { n: number; render?: 'svg' | 'canvas' | undefined }): React.JSX.Element {
  const graph = useMemo(() => buildGraph(syntheticTrace(n, 42)), [n]);
  const [lay, setLay] = useState<TimedLayout>();
  const [selected, setSelected] = useState<string>();
  const handle = useRef<GraphHandle>(null);
  useEffect(() => {
    layoutAsync(toLayoutInput(graph)).then(setLay);
  }, [graph]);
  useEffect(() => {
    if (!lay) return;
    requestAnimationFrame(() => {
      window.__bench = { n, layoutMs: lay.wallMs, workerMs: lay.ms, inWorker: lay.inWorker, render: render ?? 'auto', graph: handle.current };
    });
  }, [lay, n, render]);
  return (
    <div className="bench-page" data-testid="bench" data-ready={lay ? 'true' : 'false'}>
      <div className="toolbar">
        generated graph: {graph.nodes.length.toLocaleString()} nodes, {graph.edges.length.toLocaleString()} edges
        {lay ? ` · layout ${lay.wallMs.toFixed(1)} ms (${lay.inWorker ? 'worker' : 'main thread'}, ${lay.ms.toFixed(1)} ms computing)` : ' · laying out…'}
        {selected ? ` · selected ${selected}` : ''}
      </div>
      <GraphView graph={graph} layout={lay} selected={selected} onSelect={setSelected} handle={handle} {...(render ? { render } : {})} />
    </div>
  );
}
