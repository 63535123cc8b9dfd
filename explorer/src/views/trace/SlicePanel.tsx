// The selected node's slices as lists: taint paths from untrusted content (each can be pinned),
// then what led to it ("why?") and what followed, each entry opening where it lives. Slices
// arrive progressively: shallow first, with progress, a cancel button and the partial result.
import type { SliceNode, TaintPath } from '@causeway/schemas';
import { useState } from 'react';
import { shortId } from '../../format.ts';
import type { Highlight } from '../../graph/highlight.ts';
import { nodeLabel as labelOf } from '../../graph/model.ts';
import type { Home } from './home.ts';
import { DEPTHS, type SliceHandle, sliceValue } from './useSlice.ts';

function Progress({ h, title, testid }: { h: SliceHandle; title: string; testid: string }): React.JSX.Element | null {
  const l = h.load;
  if (l.state === 'loading') {
    return (
      <div className="slice-progress loading" data-testid={`${testid}-progress`} data-depth={l.depth} role="status">
        {title}: tracing {l.value ? `deeper (depth ${l.depth} of up to ${DEPTHS.at(-1)}; ${l.value.nodes.length - 1} found so far)` : `(depth ${l.depth} of up to ${DEPTHS.at(-1)})`}…{' '}
        <button className="small" onClick={h.cancel} data-testid={`${testid}-cancel`}>
          Cancel
        </button>
      </div>
    );
  }
  if (l.state === 'cancelled') {
    return (
      <div className="note" data-testid={`${testid}-cancelled`}>
        {title}: stopped at depth {l.depth}{l.value ? '; what was found so far is listed' : ''}.{' '}
        <button className="small" onClick={h.retry}>
          Trace again
        </button>
      </div>
    );
  }
  if (l.state === 'error') {
    return (
      <div className="error" role="alert">
        {title}: could not trace ({l.error}).{' '}
        <button className="small" onClick={h.retry}>
          Retry
        </button>
      </div>
    );
  }
  return null;
}

export function SlicePanel(p: {
  seed: string;
  back: SliceHandle;
  fwd: SliceHandle;
  highlight: Highlight | undefined;
  paths: TaintPath[];
  pinned: { seed: string; source: string } | undefined;
  label(id: string): string;
  homeOf(n: SliceNode): Home;
  onOpen(traceId: string, id: string): void;
  onPin(path: TaintPath): void;
  onStep(path: TaintPath, id: string): void;
}): React.JSX.Element {
  const [showAll, setShowAll] = useState(false);
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
  const list = (h: SliceHandle, testid: string, title: string, empty: string): React.JSX.Element | null => {
    if (h.load.state === 'idle') return null;
    const value = sliceValue(h.load);
    const nodes = value ? value.nodes.filter((n) => n.id !== p.seed) : [];
    const sorted = [...nodes].sort((a, b) => Number(p.highlight?.taintNodes.has(b.id)) - Number(p.highlight?.taintNodes.has(a.id)) || a.depth - b.depth);
    return (
      <div data-testid={`${testid}-slice`} data-state={h.load.state}>
        <h4>
          {title}
          {value ? ` (${nodes.length}${h.load.state === 'ready' ? '' : ' so far'})` : ''}
        </h4>
        <Progress h={h} title={title} testid={testid} />
        {value ? nodes.length === 0 && h.load.state === 'ready' ? <p className="muted">{empty}</p> : <ul className="slice-list" data-testid={`${testid}-list`}>{sorted.slice(0, 200).map((n) => item(n, testid))}</ul> : null}
        {value && nodes.length > 200 ? <div className="muted small">The first 200 of {nodes.length} are listed; the graph shows them all.</div> : null}
        {h.load.state === 'ready' && value?.truncated ? <div className="note">Slice cut short: {value.truncatedReason}</div> : null}
      </div>
    );
  };
  return (
    <section className="slice-panel" data-testid="slice-panel" data-seed={p.seed}>
      <h3>{p.label(p.seed) || p.seed}</h3>
      {p.paths.length > 0 ? (
        <div className="taint-paths">
          <h4 className="taint-title">
            Untrusted content reached this ({p.paths.length} path{p.paths.length > 1 ? 's' : ''})
          </h4>
          {p.paths.slice(0, showAll ? 12 : 3).map((t) => {
            const pinned = p.pinned !== undefined && p.pinned.seed === t.nodes.at(-1) && p.pinned.source === t.source;
            return (
              <div key={t.source} className="taint-path-row">
                <ol className="taint-path" data-testid="taint-path" data-source={t.source} data-nodes={t.nodes.join(' ')}>
                  {t.nodes.map((id) => (
                    <li key={id}>
                      <a href="#" onClick={(ev) => (ev.preventDefault(), p.onStep(t, id))}>
                        {p.label(id) || shortId(id)}
                      </a>
                    </li>
                  ))}
                </ol>
                <button className="small" data-testid="pin-path" aria-pressed={pinned} disabled={pinned} onClick={() => p.onPin(t)}>
                  {pinned ? 'Pinned' : 'Pin'}
                </button>
              </div>
            );
          })}
        </div>
      ) : null}
      {p.paths.length > 3 && !showAll ? (
        <button className="linkish small" onClick={() => setShowAll(true)} data-testid="more-paths">
          show {Math.min(12, p.paths.length) - 3} more path{Math.min(12, p.paths.length) - 3 > 1 ? 's' : ''}
        </button>
      ) : null}
      {list(p.back, 'cause', 'Why: what led to it', 'Nothing recorded led to this.')}
      {list(p.fwd, 'effect', 'What followed', 'Nothing recorded followed from this.')}
    </section>
  );
}
