// What the trace page is waiting for or why it cannot show something, in words, with a way back
// and a retry. The causal graph is computed by the collector on request: on a big trace that
// takes a while, so the wait says what is happening and for how long.
import type { SliceResponse, TraceResponse } from '@causeway/schemas';
import { useEffect, useState } from 'react';
import type { Loadable } from '../../api.ts';
import { linkProps, type Navigate } from '../../route.ts';

function Elapsed(): React.JSX.Element {
  const [s, setS] = useState(0);
  useEffect(() => {
    const t0 = performance.now();
    const i = setInterval(() => setS(Math.floor((performance.now() - t0) / 1000)), 1000);
    return () => clearInterval(i);
  }, []);
  return <span className="muted">{s > 1 ? ` (${s} s)` : ''}</span>;
}

export function TraceStatus(p: { traceId: string; graph: Loadable<SliceResponse>; trace: Loadable<TraceResponse>; spans?: number | undefined; onRetry(): void; navigate: Navigate }): React.JSX.Element | null {
  const back = (
    <a {...linkProps({ page: 'traces', filters: {} }, p.navigate)} data-testid="back-to-traces">
      Back to the traces
    </a>
  );
  if (p.trace.state === 'error') {
    if (p.trace.status === 404) {
      return (
        <div className="empty page" data-testid="trace-not-found">
          No trace <code>{p.traceId}</code> is stored (yet). Spans appear here a moment after the collector acknowledges them. {back} ·{' '}
          <button onClick={p.onRetry} data-testid="retry">
            Look again
          </button>
        </div>
      );
    }
    return (
      <div className="error page" role="alert" data-testid="error">
        Could not load this trace: {p.trace.error}. {back} ·{' '}
        <button onClick={p.onRetry} data-testid="retry">
          Retry
        </button>
      </div>
    );
  }
  if (p.graph.state === 'loading' || p.graph.state === 'idle') {
    return (
      <div className="loading graph-placeholder" role="status" data-testid="graph-loading">
        Computing the causal graph{p.spans ? ` of ${p.spans.toLocaleString()} spans` : ''}: the collector links every prompt, document and tool call of the trace
        {p.spans && p.spans > 1000 ? ' (a large trace takes a while; the spans are listed below meanwhile)' : ''}…
        <Elapsed />
      </div>
    );
  }
  if (p.graph.state === 'error') {
    return p.graph.status === 404 ? (
      <div className="empty graph-placeholder" data-testid="no-provenance">
        No provenance was recorded for this trace: no agent activity (LLM calls, tool calls, retrievals) was recognised in its spans. The spans are listed below.
      </div>
    ) : (
      <div className="error graph-placeholder" role="alert" data-testid="graph-error">
        Could not compute the causal graph: {p.graph.error}.{' '}
        <button onClick={p.onRetry} data-testid="retry">
          Retry
        </button>
      </div>
    );
  }
  return null;
}
