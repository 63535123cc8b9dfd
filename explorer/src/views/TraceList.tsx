// Find: recent traces, newest first, filtered by service, agent, time, span name, status, tool,
// untrusted content touched, detection findings (at least a severity), and free text over
// redacted content; or jump to a trace id.
import { useState } from 'react';
import { api, PAGE_SIZE } from '../api.ts';
import { fmtDuration, fmtTime } from '../format.ts';
import { useLoad } from '../load.ts';
import { type Navigate, linkProps } from '../route.ts';
import { FindingsCell, useTraceFindings } from './TraceFindings.tsx';
import { usePageTitle } from './usePageTitle.ts';

const FIELDS: { key: string; label: string; placeholder: string }[] = [
  { key: 'q', label: 'Content contains', placeholder: 'text in prompts, documents, tool calls…' },
  { key: 'service', label: 'Service', placeholder: 'ops-assistant' },
  { key: 'agent', label: 'Agent', placeholder: 'mail-triage' },
  { key: 'tool', label: 'Tool called', placeholder: 'send_email' },
  { key: 'name', label: 'Span name contains', placeholder: 'chat' },
];

const toLocalInput = (iso: string | undefined): string => (iso ? iso.slice(0, 16) : '');

/**
 * Values seen in the traces listed so far (this page load), offered as suggestions for the
 * exact-match filters. (Every value stored would need an API to list them: see the report.)
 */
const SUGGESTED = new Set(['service', 'agent', 'tool']);
const seen: Record<string, Set<string>> = { service: new Set(), agent: new Set(), tool: new Set() };


export function TraceList({ filters, navigate }: { filters: Record<string, string>; navigate: Navigate }): React.JSX.Element {
  usePageTitle(Object.keys(filters).length ? `Traces: ${Object.entries(filters).map(([k, v]) => `${k} ${v}`).join(', ')}` : 'Traces');
  const [draft, setDraft] = useState<Record<string, string>>(filters);
  const [jump, setJump] = useState('');
  const [jumpError, setJumpError] = useState('');
  // pages: the cursors of the pages before this one (newest first)
  const [cursors, setCursors] = useState<string[]>([]);
  const key = JSON.stringify(filters);
  const [pagedFor, setPagedFor] = useState(key);
  if (pagedFor !== key) {
    setPagedFor(key);
    setCursors([]);
  }
  const cursor = cursors.at(-1);
  const [list, reload] = useLoad((signal) => api.searchTraces({ ...filters, ...(cursor ? { cursor } : {}) }, signal), [key, cursor]);
  if (list.state === 'ready') {
    for (const t of list.value.traces) {
      for (const v of t.services) seen.service!.add(v);
      for (const v of t.agents) seen.agent!.add(v);
      for (const v of t.tools) seen.tool!.add(v);
    }
  }
  const findings = useTraceFindings(list.state === 'ready' ? list.value.traces : undefined);
  const apply = (f: Record<string, string>): void => {
    const clean = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== ''));
    navigate({ page: 'traces', filters: clean }, { replace: true });
  };
  const set = (k: string, v: string): void => setDraft((d) => ({ ...d, [k]: v }));
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="page trace-list">
      <form
        className="filters"
        data-testid="trace-filters"
        onSubmit={(ev) => {
          ev.preventDefault();
          apply(draft);
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              name={f.key}
              data-testid={`filter-${f.key}`}
              value={draft[f.key] ?? ''}
              placeholder={f.placeholder}
              onChange={(e) => set(f.key, e.target.value)}
              {...(SUGGESTED.has(f.key) ? { list: `suggest-${f.key}` } : {})}
            />
          </label>
        ))}
        {[...SUGGESTED].map((k) => (
          <datalist key={k} id={`suggest-${k}`} data-testid={`suggest-${k}`}>
            {[...(seen[k] ?? [])].sort().slice(0, 200).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        ))}
        <label>
          Status
          <select name="status" data-testid="filter-status" value={draft.status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            <option value="error">error</option>
            <option value="ok">ok</option>
            <option value="unset">unset</option>
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" data-testid="filter-start" value={toLocalInput(draft.start)} onChange={(e) => set('start', e.target.value ? new Date(e.target.value).toISOString() : '')} />
        </label>
        <label>
          To
          <input type="datetime-local" data-testid="filter-end" value={toLocalInput(draft.end)} onChange={(e) => set('end', e.target.value ? new Date(e.target.value).toISOString() : '')} />
        </label>
        <label>
          Findings
          <select name="findings" data-testid="filter-findings" value={draft.findings ?? ''} onChange={(e) => set('findings', e.target.value)}>
            <option value="">any or none</option>
            <option value="any">has findings</option>
            <option value="medium">medium or worse</option>
            <option value="high">high or worse</option>
            <option value="critical">critical</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" data-testid="filter-untrusted" checked={draft.untrusted === '1'} onChange={(e) => set('untrusted', e.target.checked ? '1' : '')} />
          touched untrusted content
        </label>
        <div className="buttons">
          <button type="submit" data-testid="filter-apply">
            Search
          </button>
          {filtered ? (
            <button
              type="button"
              onClick={() => {
                setDraft({});
                apply({});
              }}
            >
              Clear
            </button>
          ) : null}
        </div>
      </form>
      <form
        className="jump"
        onSubmit={(ev) => {
          ev.preventDefault();
          const id = jump.trim().toLowerCase();
          if (!/^[0-9a-f]{32}$/.test(id)) {
            setJumpError('a trace id is 32 hex characters');
            return;
          }
          navigate({ page: 'trace', traceId: id, dir: 'both' });
        }}
      >
        <input data-testid="jump-input" value={jump} placeholder="Jump to trace id (32 hex)" onChange={(e) => (setJump(e.target.value), setJumpError(''))} />
        <button type="submit" data-testid="jump-go">
          Open
        </button>
        {jumpError ? <span className="error-inline">{jumpError}</span> : null}
      </form>

      {list.state === 'loading' || list.state === 'idle' ? <div className="loading" data-testid="loading">Loading traces…</div> : null}
      {list.state === 'error' ? (
        <div className="error" role="alert" data-testid="error">
          Could not load traces: {list.error} <button onClick={reload}>Retry</button>
        </div>
      ) : null}
      {list.state === 'ready' && list.value.traces.length === 0 ? (
        <div className="empty" data-testid="empty">
          {filtered ? (
            <>
              No trace matches these filters.
              {redactedKind(filters.q) ? (
                <p data-testid="redacted-search-hint">
                  “{filters.q}” looks like {redactedKind(filters.q)}. Causeway redacts such values before storing anything, so stored content holds a placeholder such as <code>[REDACTED:email:1f0c…]</code> instead, and text search cannot find the value itself.{' '}
                  {redactedKind(filters.q) === 'a key or token'
                    ? 'A key keeps one placeholder across all traces, but the placeholder is keyed with a secret of this collector, so a typed key cannot be turned into it here.'
                    : 'A typed value cannot be turned into its placeholder, by design: the placeholder of an e-mail address, card or phone number is the same only within one trace (anyone who can send telemetry could otherwise redact guesses and compare placeholders), so the same address in two traces has two placeholders.'}{' '}
                  Search for the words around it, or open a trace and follow the placeholder there.
                </p>
              ) : null}
            </>
          ) : (
            <>
              No traces yet. Point an OpenTelemetry SDK at this collector (<code>OTEL_EXPORTER_OTLP_ENDPOINT</code>) or run <code>npm run demo</code>.
            </>
          )}
        </div>
      ) : null}
      {list.state === 'ready' && list.value.traces.length > 0 ? (
        <>
          <div className="pager" data-testid="pager">
            <span data-testid="trace-total" data-total={list.value.total ?? ''}>
              {list.value.total !== undefined ? `${list.value.total.toLocaleString()} trace${list.value.total === 1 ? '' : 's'} match` : 'Traces that match'}
              {cursors.length || list.value.nextCursor ? ` · page ${cursors.length + 1}${list.value.total !== undefined ? ` of ${Math.max(1, Math.ceil(list.value.total / (Number(filters.limit) || PAGE_SIZE)))}` : ''}` : ''}
            </span>{' '}
            <button data-testid="page-newer" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ← Newer
            </button>{' '}
            <button data-testid="page-older" disabled={!list.value.nextCursor} onClick={() => setCursors((c) => [...c, list.value.nextCursor!])}>
              Older →
            </button>
          </div>
          {list.value.partial ? <div className="note">This page examined {list.value.scanned} candidate traces and stopped at the search's bound; “Older →” continues the search.</div> : null}
          <table className="traces" data-testid="trace-table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Root</th>
                <th>Agents</th>
                <th>Tools called</th>
                <th>Spans</th>
                <th>Errors</th>
                <th title={findings.error ? `findings could not be read: ${findings.error}` : 'detection findings raised on the trace (worst severity)'}>Findings</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {list.value.traces.map((t) => (
                <tr key={t.traceId} data-testid="trace-row" data-trace-id={t.traceId} data-tools={t.tools.join(' ')}>
                  <td className="nowrap">{fmtTime(t.startTimeUnixNano)}</td>
                  <td>
                    <a {...linkProps({ page: 'trace', traceId: t.traceId, dir: 'both' }, navigate)} data-testid="trace-link">
                      {t.rootName || '(no root span)'}
                    </a>
                    <div className="muted mono">
                      {t.traceId} · {t.services.join(', ')}
                    </div>
                    {t.untrusted ? <span className="badge untrusted">untrusted content</span> : null}
                    {t.matches?.map((m) => (
                      <div key={m.artifactId} className="snippet" data-testid="match-snippet">
                        <span className="muted">{m.kind}:</span> {m.snippet}
                      </div>
                    ))}
                  </td>
                  <td>{t.agents.join(', ')}</td>
                  <td>{t.tools.join(', ')}</td>
                  <td>{t.spanCount}</td>
                  <td className={t.errorCount ? 'err' : ''}>{t.errorCount}</td>
                  <td>{findings.ready ? <FindingsCell traceId={t.traceId} f={findings.byTrace.get(t.traceId)} cut={findings.cut} navigate={navigate} /> : null}</td>
                  <td>{fmtDuration(BigInt(t.durationNano))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

/** What kind of redacted value a search text looks like (e-mail, key, card, phone), if any. */
export function redactedKind(q: string | undefined): string | undefined {
  const t = (q ?? '').trim();
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t)) return 'an e-mail address';
  if (/^(?:\d[ -]?){13,19}$/.test(t)) return 'a card number';
  if (/^(sk|pk|rk|ghp|gho|xox[abp]|AKIA|AIza)[-_A-Za-z0-9]{8,}$/.test(t) || /^[A-Za-z0-9_\-]{32,}$/.test(t)) return 'a key or token';
  if (/^\+?[\d ()-]{9,}$/.test(t)) return 'a phone number';
  return undefined;
}
