// /compare?a=<trace>&b=<trace>: which inputs and which actions differ between two runs (a benign
// one and an injected one), as Jaeger's trace diff does for timings. Without `b`, pick it.
import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { compareTraces, type Diff, type Item } from '../compare/compare.ts';
import { shortId } from '../format.ts';
import { useLoad } from '../load.ts';
import { linkProps, type Navigate } from '../route.ts';
import { usePageTitle } from './usePageTitle.ts';

const HEX = /^[0-9a-f]{32}$/;

export function ComparePage({ a, b, navigate }: { a: string; b: string; navigate: Navigate }): React.JSX.Element {
  usePageTitle(`Compare ${shortId(a)} with ${b ? shortId(b) : '…'}`);
  const [ga, reloadA] = useLoad(HEX.test(a) ? (s) => api.traceGraph(a, s) : undefined, [a]);
  const [gb, reloadB] = useLoad(HEX.test(b) ? (s) => api.traceGraph(b, s) : undefined, [b]);
  const c = useMemo(() => (ga.state === 'ready' && gb.state === 'ready' ? compareTraces(ga.value, gb.value) : undefined), [ga, gb]);
  const traceLink = (t: string, node?: string): ReturnType<typeof linkProps> => linkProps({ page: 'trace', traceId: t, dir: 'both', ...(node ? { node } : {}) }, navigate);
  if (!HEX.test(a) || !HEX.test(b)) return <ComparePicker a={a} b={b} navigate={navigate} />;
  const failed = [ga, gb].find((l) => l.state === 'error');
  return (
    <div className="page compare" data-testid="compare" data-a={a} data-b={b}>
      <h2>
        Compare <a {...traceLink(a)}>{shortId(a)}</a> (A) with <a {...traceLink(b)}>{shortId(b)}</a> (B)
      </h2>
      {failed?.state === 'error' ? (
        <div className="error" role="alert">
          Could not load a trace's causal graph: {failed.error}. <button onClick={() => (reloadA(), reloadB())}>Retry</button> <a {...linkProps({ page: 'traces', filters: {} }, navigate)}>Back to the traces</a>
        </div>
      ) : !c ? (
        <div className="loading" role="status">
          Computing both traces' causal graphs…
        </div>
      ) : (
        <>
          <Section title="Inputs (prompts, documents, tool results)" d={c.inputs} testid="inputs" link={traceLink} a={a} b={b} />
          <Section title="Actions (tool calls with their arguments)" d={c.actions} testid="actions" link={traceLink} a={a} b={b} />
          <h3>Tool calls by tool</h3>
          <table className="traces" data-testid="compare-tools">
            <thead>
              <tr>
                <th>Tool</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {c.tools.map((t) => (
                <tr key={t.name} className={t.a !== t.b ? 'differs' : ''}>
                  <td>{t.name}</td>
                  <td>{t.a}</td>
                  <td>{t.b}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function Section(p: { title: string; d: Diff; testid: string; a: string; b: string; link(t: string, node?: string): ReturnType<typeof linkProps> }): React.JSX.Element {
  const list = (items: Item[], trace: string, cls: string, testid: string): React.JSX.Element =>
    items.length === 0 ? (
      <p className="muted">none</p>
    ) : (
      <ul data-testid={testid}>
        {items.map((i) => (
          <li key={i.id} className={cls} data-node-id={i.id}>
            <a {...p.link(trace, i.id)}>{i.label}</a> <span className="muted small">{i.kind}</span>
            {i.trust === 'untrusted' ? <span className="badge untrusted">untrusted</span> : null}
          </li>
        ))}
      </ul>
    );
  return (
    <section data-testid={`compare-${p.testid}`}>
      <h3>{p.title}</h3>
      <div className="compare-cols">
        <div>
          <h4>Only in A ({p.d.onlyA.length})</h4>
          {list(p.d.onlyA, p.a, 'only-a', `${p.testid}-only-a`)}
        </div>
        <div>
          <h4>Only in B ({p.d.onlyB.length})</h4>
          {list(p.d.onlyB, p.b, 'only-b', `${p.testid}-only-b`)}
        </div>
      </div>
      <details>
        <summary>In both ({p.d.both.length})</summary>
        {list(p.d.both, p.a, '', `${p.testid}-both`)}
      </details>
    </section>
  );
}

function ComparePicker({ a, b, navigate }: { a: string; b: string; navigate: Navigate }): React.JSX.Element {
  const [x, setX] = useState(a);
  const [y, setY] = useState(b);
  const [list] = useLoad((s) => api.searchTraces({ limit: '30' }, s), []);
  const go = (ev: React.FormEvent): void => {
    ev.preventDefault();
    navigate({ page: 'compare', a: x.trim().toLowerCase(), b: y.trim().toLowerCase() });
  };
  return (
    <div className="page compare" data-testid="compare-picker">
      <h2>Compare two traces</h2>
      <p className="muted">Pick the run to compare against (for example the benign run of the same agent), by trace id or from the recent traces.</p>
      <form onSubmit={go} className="jump">
        <input aria-label="trace A" value={x} onChange={(e) => setX(e.target.value)} placeholder="trace A (32 hex)" data-testid="compare-a" />
        <input aria-label="trace B" value={y} onChange={(e) => setY(e.target.value)} placeholder="trace B (32 hex)" data-testid="compare-b" />
        <button type="submit" data-testid="compare-go" disabled={!HEX.test(x.trim().toLowerCase()) || !HEX.test(y.trim().toLowerCase())}>
          Compare
        </button>
      </form>
      {list.state === 'ready' ? (
        <ul data-testid="compare-candidates">
          {list.value.traces
            .filter((t) => t.traceId !== x)
            .map((t) => (
              <li key={t.traceId}>
                <button className="linkish" data-trace-id={t.traceId} onClick={() => setY(t.traceId)}>
                  {t.rootName || '(no root span)'} <span className="mono muted">{shortId(t.traceId)}</span> <span className="muted">{t.agents.join(', ')}</span>
                </button>
              </li>
            ))}
        </ul>
      ) : null}
    </div>
  );
}
