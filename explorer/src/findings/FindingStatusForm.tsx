// A responder changes a finding's status from the list: acknowledge, resolve, mark a false
// positive (a reason is required), escalate or reopen, with a note. Each is an event appended
// through POST /api/findings/:id/events (never an edit); the list reloads with the new status.
import type { FindingEventBody, FindingView } from '@causeway/schemas';
import { useState } from 'react';
import { api } from '../api.ts';

const ACTIONS: { type: FindingEventBody['type']; label: string }[] = [
  { type: 'acknowledged', label: 'Acknowledge' },
  { type: 'resolved', label: 'Resolve' },
  { type: 'false_positive', label: 'False positive' },
  { type: 'escalated', label: 'Escalate' },
  { type: 'reopened', label: 'Reopen' },
];

const MAX_TEXT = 10_000;

export function FindingStatusForm({ finding, onDone, onCancel }: { finding: FindingView; onDone: (f: FindingView) => void; onCancel: () => void }): React.JSX.Element {
  const [type, setType] = useState<FindingEventBody['type']>(finding.status === 'open' ? 'acknowledged' : finding.status === 'resolved' || finding.status === 'false_positive' ? 'reopened' : 'resolved');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const needsReason = type === 'false_positive';
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    if (needsReason && text.trim() === '') {
      setError('a false positive needs a reason');
      return;
    }
    const note = text.trim();
    const body = (needsReason ? { type, reason: note } : { type, ...(note ? { note } : {}) }) as FindingEventBody;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api.addFindingEvent(finding.id, body));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form className="finding-status-form" data-testid="finding-status-form" data-finding-id={finding.id} onSubmit={(e) => void submit(e)}>
      <label>
        Status{' '}
        <select data-testid="finding-action" value={type} onChange={(e) => setType(e.target.value as FindingEventBody['type'])}>
          {ACTIONS.map((a) => (
            <option key={a.type} value={a.type}>
              {a.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <input
        data-testid="finding-note"
        aria-label={needsReason ? 'reason' : 'note'}
        placeholder={needsReason ? 'why it is a false positive (required)' : 'note (optional)'}
        maxLength={MAX_TEXT}
        value={text}
        onChange={(e) => setText(e.target.value)}
        size={40}
      />{' '}
      <button type="submit" data-testid="finding-submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>{' '}
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      {error ? (
        <span className="error-inline" role="alert" data-testid="finding-status-error">
          {error}
        </span>
      ) : null}
    </form>
  );
}

/** The last status change, as one line: who, what, and their note or reason. */
export function lastChange(f: FindingView): string | undefined {
  const e = f.events.at(-1);
  if (!e) return undefined;
  const words = (e as { reason?: string }).reason ?? (e as { note?: string }).note;
  return `${e.type.replace(/_/g, ' ')} by ${e.actor}${words ? `: ${words}` : ''}`;
}
