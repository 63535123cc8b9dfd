// The selected node's slices as lists: taint paths from untrusted content, then what led to it
// ("why?") and what followed, each entry opening where it is.
import type { SliceNode, SliceResponse } from '@causeway/schemas';
import type { Loadable } from '../../api.ts';
import { shortId } from '../../format.ts';
import type { Highlight } from '../../graph/highlight.ts';
import { nodeLabel as labelOf } from '../../graph/model.ts';
import type { Direction } from '../../url.ts';
import type { Home } from './home.ts';

export function SlicePanel(p: {
  seed: string;
  dir: Direction;
  back: Loadable<SliceResponse>;
  fwd: Loadable<SliceResponse>;
  highlight: Highlight | undefined;
  nodeById: Map<string, SliceNode>;
  traceId: string;
  homeOf(n: SliceNode): Home;
  onOpen(traceId: string, id: string): void;
}): React.JSX.Element {
  const item = (n: SliceNode, testid: string): React.JSX.Element => {
    const home = p.homeOf(n);
    return (
      <li
        key={n.id}
        data-testid={testid}
        data-node-id={n.id}
        data-taint={p.highlight?.taintNodes.has(n.id) ? 'true' : 'false'}
        data-trust={n.type === 'artifact' ? n.trust : ''}
        data-home={home.here ? 'here' : home.traceId}
        className={`${p.highlight?.taintNodes.has(n.id) ? 'taint' : ''} ${n.type === 'artifact' && n.trust === 'untrusted' ? 'untrusted' : ''}`}
      >
        <a href="#" onClick={(ev) => (ev.preventDefault(), p.onOpen(home.traceId, n.id))}>
          {labelOf(n)}
        </a>
        {n.type === 'artifact' && n.trust === 'untrusted' ? <span className="badge untrusted">untrusted</span> : null}
        {home.here ? null : (
          <span className="badge other" data-testid="other-trace">
            other trace {shortId(home.traceId)}
          </span>
        )}
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
