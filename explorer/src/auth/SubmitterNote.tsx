// Who submitted the evidence: the ingest credential behind an activity (or the credentials
// behind an artifact), marked when it is not the one that sent the selected action's span.
import type { SliceNode, TraceResponse } from '@causeway/schemas';

export function SubmitterNote({ node }: { node: SliceNode }): React.JSX.Element | null {
  const who = node.type === 'activity' ? (node.submittedBy ? [node.submittedBy] : []) : (node.submitters ?? []);
  if (who.length === 0) return null;
  return (
    <div className={node.otherSubmitter ? 'note' : 'muted small'} data-testid="submitter">
      sent by {who.map((w) => `${w.name} (${w.id.slice(0, 8)})`).join(', ')}
      {node.otherSubmitter ? (
        <span className="badge untrusted" data-testid="other-submitter">
          another credential than the seed's
        </span>
      ) : null}
    </div>
  );
}

/** A trace whose spans come from more than one credential says so, with who sent how many. */
export function TraceSubmitters({ trace }: { trace: TraceResponse | undefined }): React.JSX.Element | null {
  if (!trace?.mixedSubmitters) return null;
  return (
    <span className="badge untrusted" data-testid="mixed-submitters" title="spans of this trace were sent with different ingest credentials">
      sent by {trace.submitters.length} credentials: {trace.submitters.map((s) => `${s.name} (${s.spans})`).join(', ')}
    </span>
  );
}
