// A pinned taint path: how untrusted content reached a step, one link at a time, each saying how
// it is known (ids, copied text and how much, structure). It stays while the responder explores:
// opening a step selects it, the path remains.
import type { SliceEdge, TaintPath } from '@causeway/schemas';
import { describeLink } from '../../evidence/links.ts';
import { edgeKey } from '../../graph/highlight.ts';
import { pathStrength } from '../../graph/keyPath.ts';

export function PinnedPath(p: {
  path: TaintPath | undefined;
  loading: boolean;
  edges: Map<string, SliceEdge>;
  label(id: string): string;
  selected: string | undefined;
  onSelect(id: string): void;
  onEvidence(from: string, to: string): void;
  onUnpin(): void;
}): React.JSX.Element {
  const path = p.path;
  const strength = path ? pathStrength(path.nodes, p.edges) : 0;
  return (
    <section className="pinned-path" data-testid="pinned-path" data-nodes={path?.nodes.join(' ') ?? ''} aria-label="pinned taint path">
      <header>
        <h3>
          Pinned: how untrusted content reached {path ? <em>{p.label(path.nodes.at(-1)!)}</em> : 'the step'}
        </h3>
        <button className="small" onClick={p.onUnpin} data-testid="unpin" aria-label="unpin the taint path">
          Unpin
        </button>
      </header>
      {!path ? (
        <p className="muted">{p.loading ? 'Finding the path…' : 'This path is not in the loaded graph any more.'}</p>
      ) : (
        <>
          <p className="muted small" data-testid="path-strength">
            {path.nodes.length - 1} link{path.nodes.length > 2 ? 's' : ''}; weakest link {strength >= 0.999 ? 'known by ids' : `copied text at score ${strength.toFixed(2)}`}
          </p>
          <ol className="path-steps">
            {path.nodes.map((id, i) => {
              const next = path.nodes[i + 1];
              const e = next ? p.edges.get(edgeKey(id, next)) : undefined;
              const words = e ? describeLink(e) : undefined;
              return (
                <li key={id} data-testid="path-step" data-node-id={id} aria-current={p.selected === id ? 'step' : undefined}>
                  <button className={`step${p.selected === id ? ' current' : ''}`} onClick={() => p.onSelect(id)}>
                    {i === 0 ? <span className="badge untrusted">untrusted</span> : null} {p.label(id)}
                  </button>
                  {next ? (
                    <div className={`link strength-${words?.strength ?? 'unknown'}`} data-testid="path-link" data-kind={words?.kind ?? ''} data-from={id} data-to={next}>
                      <span aria-hidden="true">↓</span> {words ? words.says : 'linked'}{' '}
                      <button className="linkish small" onClick={() => p.onEvidence(id, next)} data-testid="path-evidence">
                        evidence
                      </button>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
