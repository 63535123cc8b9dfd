// A large trace opens on its overview: every step in its agent's lane and the causes of the key
// tool call. This says so, and loads the whole causal graph (every link, every document; seconds
// to compute on a big trace) when asked.
import type { SliceResponse } from '@causeway/schemas';
import type { Loadable } from '../../api.ts';

export function WholeGraphNote(p: { activities: number | undefined; found: boolean; whole: Loadable<SliceResponse>; onLoad(): void }): React.JSX.Element {
  const n = p.activities?.toLocaleString() ?? 'many';
  return (
    <div className="note" data-testid="overview-note" role="status">
      Overview of a large trace ({n} steps): every step in its agent&apos;s lane and {p.found ? 'what led to the key tool call' : 'the causes of its highest-impact tool calls'}; select any step for
      its causes and effects. Links between the other steps, their documents, search in their content and replay come with the whole causal graph.{' '}
      {p.whole.state === 'loading' ? (
        <span data-testid="whole-graph-loading">Computing the whole causal graph…</span>
      ) : (
        <button onClick={p.onLoad} data-testid="load-whole-graph">
          {p.whole.state === 'error' ? `Could not load it (${p.whole.error}): retry` : 'Load the whole causal graph'}
        </button>
      )}
    </div>
  );
}
