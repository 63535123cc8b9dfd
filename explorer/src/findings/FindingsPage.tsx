// Detection findings: newest first, filtered by severity, rule and status (the filters live in the
// URL). A finding opens its trace at the call it is about, backward, with its first taint path
// pinned: the evidence path from the untrusted source to the call, highlighted in the graph.
// Those allowed (the `incidents` permission: responder and up) change a finding's status here.
import type { FindingView } from '@causeway/schemas';
import { Fragment, useState } from 'react';
import { api } from '../api.ts';
import { useSession } from '../auth/session.ts';
import { FindingStatusForm, lastChange } from './FindingStatusForm.tsx';
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
  const session = useSession();
  const canChange = session.state === 'signed-in' && session.me.permissions.includes('incidents');
  const [editing, setEditing] = useState<string | undefined>();
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
              {canChange ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {list.value.findings.map((f) => {
              const view = findingView(f);
              const change = lastChange(f);
              return (
                <Fragment key={f.id}>
                  <tr data-testid="finding-row" data-finding-id={f.id} data-rule={f.ruleId} data-severity={f.severity} data-status={f.status}>
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
                    <td data-testid="finding-status">
                      {f.status.replace('_', ' ')}
                      {change ? (
                        <div className="muted small" data-testid="finding-last-change">
                          {change}
                        </div>
                      ) : null}
                    </td>
                    <td>{f.detectedAt}</td>
                    {canChange ? (
                      <td>
                        <button data-testid="finding-change" onClick={() => setEditing(editing === f.id ? undefined : f.id)}>
                          Change status
                        </button>
                      </td>
                    ) : null}
                  </tr>
                  {editing === f.id ? (
                    <tr>
                      <td colSpan={7}>
                        <FindingStatusForm
                          finding={f}
                          onCancel={() => setEditing(undefined)}
                          onDone={() => {
                            setEditing(undefined);
                            reload();
                          }}
                        />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
