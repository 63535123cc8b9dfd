// Incidents: listed newest first; one incident with its seeds, notes and history, reopened at
// the view it was created from.
import { useState } from 'react';
import { api } from '../api.ts';
import { useLoad } from '../load.ts';
import { type Navigate, linkProps } from '../route.ts';
import { parseUrl } from '../url.ts';
import { shortId } from '../format.ts';
import { artifactLabel, KIND_NAMES, nodeLabel } from '../graph/model.ts';
import { parseNodeId } from '@causeway/schemas';
import { IncidentExports } from './IncidentExports.tsx';
import { usePageTitle } from './usePageTitle.ts';

const openView = (view: string, navigate: Navigate): void => {
  const [path, search] = view.split('?') as [string, string | undefined];
  navigate(parseUrl(path, search ? `?${search}` : ''));
};

export function IncidentsPage({ navigate }: { navigate: Navigate }): React.JSX.Element {
  usePageTitle('Incidents');
  const [list, reload] = useLoad(() => api.incidents(), []);
  return (
    <div className="page">
      <h2>Incidents</h2>
      {list.state === 'loading' ? <div className="loading">Loading incidents…</div> : null}
      {list.state === 'error' ? (
        <div className="error" role="alert">
          Could not load incidents: {list.error} <button onClick={reload}>Retry</button>
        </div>
      ) : null}
      {list.state === 'ready' && list.value.incidents.length === 0 ? (
        <div className="empty" data-testid="incidents-empty">
          No incidents yet. Open a trace, select the node that worries you and press <em>Create incident</em>.
        </div>
      ) : null}
      {list.state === 'ready' && list.value.incidents.length > 0 ? (
        <table className="traces" data-testid="incident-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Status</th>
              <th>Seeds</th>
              <th>Traces</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.value.incidents.map((i) => (
              <tr key={i.id} data-testid="incident-row" data-incident-id={i.id}>
                <td>
                  <a {...linkProps({ page: 'incident', incidentId: i.id }, navigate)}>{i.title}</a>
                </td>
                <td>{i.status}</td>
                <td>{i.seeds}</td>
                <td className="mono">{i.traceIds.map(shortId).join(', ')}</td>
                <td>{i.createdAt}</td>
                <td>
                  <button data-testid="incident-open-view" onClick={() => openView(i.view, navigate)}>
                    Open view
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export function IncidentPage({ id, navigate }: { id: string; navigate: Navigate }): React.JSX.Element {
  const [inc, reload] = useLoad(() => api.incident(id), [id]);
  const [note, setNote] = useState('');
  const [err, setErr] = useState('');
  usePageTitle(inc.state === 'ready' ? `Incident: ${inc.value.title}` : 'Incident');
  if (inc.state === 'loading' || inc.state === 'idle') return <div className="loading page">Loading the incident…</div>;
  if (inc.state === 'error') {
    return (
      <div className="error page" role="alert" data-testid="error">
        Could not load this incident: {inc.error}. <a {...linkProps({ page: 'incidents' }, navigate)}>Back to the incidents</a> · <button onClick={reload}>Retry</button>
      </div>
    );
  }
  const i = inc.value;
  const act = (body: Parameters<typeof api.addIncidentEvent>[1]): void => {
    api.addIncidentEvent(id, body).then(reload, (e: Error) => setErr(e.message));
  };
  return (
    <div className="page incident" data-testid="incident" data-incident-id={i.id}>
      <h2 data-testid="incident-title-view">{i.title}</h2>
      <div className="muted">
        {i.status} · created {i.createdAt} by {i.createdBy} · updated {i.updatedAt}
      </div>
      <p>
        <button data-testid="incident-open-view" onClick={() => openView(i.view, navigate)}>
          Open the view it was created from
        </button>{' '}
        <button onClick={() => act({ type: 'status', status: i.status === 'open' ? 'closed' : 'open' })}>{i.status === 'open' ? 'Close' : 'Reopen'}</button>
      </p>
      <h4>What it is about</h4>
      <ul data-testid="incident-seeds">
        {i.seeds.map((s) => (
          <SeedItem key={s} seed={s} navigate={navigate} />
        ))}
      </ul>
      <IncidentExports incident={i.id} seeds={i.seeds} traceIds={i.traceIds} />
      <h4>Traces</h4>
      <ul>
        {i.traceIds.map((t) => (
          <li key={t}>
            <a className="mono" {...linkProps({ page: 'trace', traceId: t, dir: 'both' }, navigate)}>
              {t}
            </a>
          </li>
        ))}
      </ul>
      <h4>Notes</h4>
      <ul data-testid="incident-notes-list">
        {i.notes.map((n, k) => (
          <li key={k}>
            <span className="muted">
              {n.at} {n.actor}:
            </span>{' '}
            {n.text}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          if (note.trim()) act({ type: 'note', text: note });
          setNote('');
        }}
      >
        <textarea value={note} onChange={(e) => setNote(e.target.value)} placeholder="Add a note" data-testid="incident-note-input" />
        <button type="submit" data-testid="incident-note-add">
          Add note
        </button>
      </form>
      {err ? <div className="error">{err}</div> : null}
      <h4>History ({i.events.length} events, append-only)</h4>
      <ol className="muted small">
        {i.events.map((e) => (
          <li key={e.eventId}>
            {e.at} {e.actor}: {e.type}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A seed as a responder reads it ("tool send_email", a document's id and subject), linked to where it is. */
function SeedItem({ seed, navigate }: { seed: string; navigate: Navigate }): React.JSX.Element {
  const ref = parseNodeId(seed);
  const [label] = useLoad(
    ref
      ? async (signal) => {
          if (ref.type === 'artifact') {
            const a = (await api.artifact(ref.artifactId, signal)).artifact;
            return `${KIND_NAMES[a.kind] ?? a.kind} "${artifactLabel({ ...a, id: seed, type: 'artifact', traces: [], depth: 0, tainted: false })}"`;
          }
          const s = await api.slice(seed, 'backward', signal, 1);
          return nodeLabel(s.nodes.find((n) => n.id === seed)) || seed;
        }
      : undefined,
    [seed],
  );
  const trace = ref?.type === 'activity' ? ref.traceId : undefined;
  const text = label.state === 'ready' ? label.value : label.state === 'error' ? `${ref?.type ?? 'node'} ${shortId(seed)} (not found)` : 'loading…';
  return (
    <li data-testid="incident-seed" data-seed={seed}>
      {trace ? <a {...linkProps({ page: 'trace', traceId: trace, node: seed, dir: 'both' }, navigate)}>{text}</a> : text} <span className="muted mono small">{shortId(seed)}</span>
    </li>
  );
}