// Create incident: title, notes, the selected node as seed and the exact view, from the toolbar.
import { useState } from 'react';
import { api } from '../../api.ts';
import { shortId } from '../../format.ts';

export function IncidentButton({ traceId, selected, label }: { traceId: string; selected: string | undefined; label: string }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [notes, setNotes] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string; id?: string }>();
  if (!open) {
    return (
      <>
        <button
          data-testid="incident-create"
          onClick={() => {
            setTitle(selected ? `Investigate ${label}` : `Investigate trace ${shortId(traceId)}`);
            setOpen(true);
            setStatus(undefined);
          }}
        >
          Create incident
        </button>
        {status?.ok ? (
          <a className="small" data-testid="incident-created" data-incident-id={status.id} href={`/incidents/${status.id}`}>
            {status.text}
          </a>
        ) : null}
      </>
    );
  }
  return (
    <form
      className="incident-form"
      data-testid="incident-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        api
          .createIncident({ title, notes, seeds: selected ? [selected] : [], traceIds: [traceId], view: location.pathname + location.search })
          .then((inc) => {
            setStatus({ ok: true, text: `Incident created: ${inc.title}`, id: inc.id });
            setOpen(false);
          })
          .catch((e: Error) => setStatus({ ok: false, text: e.message }));
      }}
    >
      <input data-testid="incident-title" value={title} onChange={(e) => setTitle(e.target.value)} aria-label="incident title" required />
      <textarea data-testid="incident-notes" value={notes} onChange={(e) => setNotes(e.target.value)} placeholder="Notes" aria-label="incident notes" />
      <div className="muted small">Seed: {selected ? shortId(selected) : `the whole trace`}</div>
      <button type="submit" data-testid="incident-save">
        Save incident
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {status && !status.ok ? <div className="error">{status.text}</div> : null}
    </form>
  );
}
