// Detection findings: newest first, filtered by severity, rule and status (the filters live in the
// URL). A finding opens its trace at the call it is about, backward, with its first taint path
// pinned: the evidence path from the untrusted source to the call, highlighted in the graph.
import type { FindingView } from '@causeway/schemas';
import { api } from '../api.ts';
import { useLoad } from '../load.ts';
import { type Navigate, linkProps } from '../route.ts';
import type { ViewState } from '../url.ts';
import { usePageTitle } from '../views/usePageTitle.ts';

const CHOICES: Record<string, string[]> = {
  severity: ['critical', 'high', 'medium', 'low'],
  rule: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10'],
  status: ['open', 'acknowledged', 'false_positive', 'escalated', 'resolved'],
};

/** Where a finding opens: its seed call in its trace, with the first taint path pinned when it has one. */
export function findingView(f: FindingView): ViewState | undefined {
  const seed = /^act:([0-9a-f]{32})\//.exec(f.evidence.seed);
  const traceId = seed?.[1] ?? f.traceIds[0];
  if (!traceId) return undefined;
  const path = f.evidence.taintPaths.find((p) => p.nodes.at(-1) === f.evidence.seed);
  return {
    page: 'trace',
    traceId,
    dir: 'backward',
    ...(seed ? { node: f.evidence.seed } : {}),
    ...(path ? { pin: { seed: f.evidence.seed, source: path.source } } : {}),
  };
}

export function FindingsPage({ filters, navigate }: { filters: Record<string, string>; navigate: Navigate }): React.JSX.Element {
  usePageTitle('Findings');
  const key = JSON.stringify(filters);
  const [list, reload] = useLoad((signal) => api.findings(filters, signal), [key]);
  const set = (name: string, value: string): void => {
    const next = { ...filters };
    if (value) next[name] = value;
    else delete next[name];
    navigate({ page: 'findings', filters: next });
  };
  return (
    <div className="page">
      <h2>Findings</h2>
      <div className="filters" data-testid="finding-filters">
        {Object.entries(CHOICES).map(([name, values]) => (
          <label key={name}>
            {name}{' '}
            <select data-testid={`finding-filter-${name}`} value={filters[name] ?? ''} onChange={(e) => set(name, e.target.value)}>
              <option value="">any</option>
              {values.map((v) => (
                <option key={v} value={v}>
                  {v.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {list.state === 'loading' ? <div className="loading">Loading findings…</div> : null}
      {list.state === 'error' ? (
        <div className="error" role="alert">
          Could not load findings: {list.error} <button onClick={reload}>Retry</button>
        </div>
      ) : null}
      {list.state === 'ready' && list.value.findings.length === 0 ? (
        <div className="empty" data-testid="findings-empty">
          No findings{Object.keys(filters).length > 0 ? ' match these filters' : ' yet'}.
        </div>
      ) : null}
      {list.state === 'ready' && list.value.findings.length > 0 ? (
        <table className="traces" data-testid="finding-table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Rule</th>
              <th>Finding</th>
              <th>Agent</th>
              <th>Status</th>
              <th>Detected</th>
            </tr>
          </thead>
          <tbody>
            {list.value.findings.map((f) => {
              const view = findingView(f);
              return (
                <tr key={f.id} data-testid="finding-row" data-finding-id={f.id} data-rule={f.ruleId} data-severity={f.severity} data-status={f.status}>
                  <td>
                    <span className={`badge severity-${f.severity}`}>{f.severity}</span>
                  </td>
                  <td title={`${f.ruleName}. OWASP ${f.owasp.join(', ')}; ATLAS ${f.atlas.join(', ')}`}>{f.ruleId}</td>
                  <td>
                    {view ? (
                      <a data-testid="finding-open" {...linkProps(view, navigate)}>
                        {f.title}
                      </a>
                    ) : (
                      f.title
                    )}
                  </td>
                  <td className="mono">{f.agent.key}{f.agent.registered ? '' : ' (unregistered)'}</td>
                  <td>{f.status.replace('_', ' ')}</td>
                  <td>{f.detectedAt}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
