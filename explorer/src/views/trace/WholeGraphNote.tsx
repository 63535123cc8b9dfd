// A large trace opens on its overview: every step in its agent's lane and the causes of the key
// tool call. This says so, and how much of the graph that is (its links against the links the
// trace recorded, a lower bound of the whole graph's), and loads the whole causal graph (every
// link, every document; seconds to compute on a big trace) when asked.
import type { SliceResponse } from '@causeway/schemas';
import type { Loadable } from '../../api.ts';

export function WholeGraphNote(p: {
  activities: number | undefined;
  /** links in the overview */
  links: number;
  /** links the trace recorded (uses, outputs, parentage): the whole graph has at least these */
  recordedLinks: number | undefined;
  found: boolean;
  whole: Loadable<SliceResponse>;
  onLoad(): void;
}): React.JSX.Element {
  const n = p.activities?.toLocaleString() ?? 'many';
  const of = p.recordedLinks !== undefined ? ` of at least ${Math.max(p.recordedLinks, p.links).toLocaleString()}` : '';
  return (
    <div className="note" data-testid="overview-note" role="status">
      <strong data-testid="overview-links" data-shown={p.links} data-recorded={p.recordedLinks ?? ''}>
        Showing {p.links.toLocaleString()}
        {of} links
      </strong>{' '}
      of a large trace ({n} steps): every step in its agent&apos;s lane, and links only for {p.found ? 'what led to the key tool call' : 'the causes of its highest-impact tool calls'}. Select any step for
      its causes and effects; find searches every step. Links between the other steps, their documents and replay come with the whole causal graph.{' '}
      {p.whole.state === 'loading' ? (
        <span data-testid="whole-graph-loading">Computing the whole causal graph…</span>
      ) : (
        <button onClick={p.onLoad} data-testid="load-whole-graph">
          {p.whole.state === 'error' ? `Could not load it (${p.whole.error}): retry` : 'Load all links (the whole causal graph)'}
        </button>
      )}
    </div>
  );
}
