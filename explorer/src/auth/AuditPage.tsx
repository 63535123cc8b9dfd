// /audit (compliance, admin): the tenant's access audit, newest first: who read, searched,
// exported, changed or was refused what, from where. Filters go to GET /api/audit.
import type { AuditEvent, AuditListResponse } from '@causeway/schemas';
import { useEffect, useState } from 'react';

export function AuditPage(): React.JSX.Element {
  const [filters, setFilters] = useState<Record<string, string>>(() => Object.fromEntries(new URLSearchParams(location.search)));
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  const load = async (more?: string): Promise<void> => {
    setLoading(true);
    const q = new URLSearchParams({ limit: '100', ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), ...(more ? { cursor: more } : {}) });
    const r = await fetch(`/api/audit?${q}`);
    setLoading(false);
    if (!r.ok) {
      setError(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `${r.status}`);
      return;
    }
    const body = (await r.json()) as AuditListResponse;
    setError(undefined);
    setEvents((prev) => (more ? [...prev, ...body.events] : body.events));
    setCursor(body.nextCursor);
  };
  useEffect(() => {
    history.replaceState(null, '', `/audit${Object.values(filters).some(Boolean) ? `?${new URLSearchParams(Object.fromEntries(Object.entries(filters).filter(([, v]) => v)))}` : ''}`);
    void load();
  }, [filters]);

  const field = (name: string, label: string, placeholder: string): React.JSX.Element => (
    <label>
      {label}
      <input data-testid={`audit-${name}`} defaultValue={filters[name] ?? ''} placeholder={placeholder} onKeyDown={(e) => e.key === 'Enter' && setFilters({ ...filters, [name]: (e.target as HTMLInputElement).value.trim() })} />
    </label>
  );

  return (
    <div className="page" data-testid="audit-page">
      <h2>Access audit</h2>
      <p className="muted small">Every read of evidence, search, export, incident change, credential change, sign-in and refused attempt in this tenant. Each event is a leaf of the tamper-evident log.</p>
      <div className="filters">
        {field('action', 'Action', 'trace.read, export, auth')}
        {field('actor', 'Actor id', 'credential id or subject')}
        {field('trace', 'Trace', '32 hex')}
      </div>
      {error ? <div className="error">{error}</div> : null}
      <table className="traces" data-testid="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>What</th>
            <th>Status</th>
            <th>From</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.eventId} data-testid="audit-row">
              <td className="nowrap mono small">{e.at.replace('T', ' ').replace('Z', '')}</td>
              <td>
                {e.actorName || <span className="muted">anonymous</span>} <span className="muted small">{e.actorKind}</span>
              </td>
              <td className="mono">{e.action}</td>
              <td className="mono small">
                {e.target}
                {e.traceIds.length > 0 ? (
                  <div>
                    {e.traceIds.slice(0, 5).map((t) => (
                      <a key={t} href={`/traces/${t}`} className="badge">
                        {t.slice(0, 12)}
                      </a>
                    ))}
                    {e.traceIds.length > 5 ? <span className="muted"> +{e.traceIds.length - 5}</span> : null}
                  </div>
                ) : null}
                {e.detail ? <div className="muted">{e.detail}</div> : null}
              </td>
              <td className={e.status >= 400 ? 'err' : ''}>{e.status || ''}</td>
              <td className="small">
                {e.clientAddress}
                <div className="muted">{e.userAgent.slice(0, 60)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading ? <div className="loading">Loading…</div> : null}
      {!loading && events.length === 0 && !error ? <div className="empty">No events match.</div> : null}
      {cursor ? (
        <button type="button" onClick={() => void load(cursor)} data-testid="audit-more">
          Older events
        </button>
      ) : null}
    </div>
  );
}
