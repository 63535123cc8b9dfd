// An artifact: its content exactly as stored (redaction placeholders marked and explained), its
// trust label and why, and every other place it appears.
import type { SliceNode } from '@causeway/schemas';
import { api } from '../../api.ts';
import { contentCut, PLACEHOLDER, STORED_CONTENT_LIMIT, fmtTime, shortId } from '../../format.ts';
import { KIND_NAMES } from '../../graph/model.ts';
import { useLoad } from '../../load.ts';
import { Redacted } from './Redacted.tsx';
import { SubmitterNote } from '../../auth/SubmitterNote.tsx';

export function ArtifactInspector({ node, onOpen }: { node: Extract<SliceNode, { type: 'artifact' }>; onOpen(traceId: string, nodeId: string): void }): React.JSX.Element {
  const [art] = useLoad((s) => api.artifact(node.artifactId, s), [node.artifactId]);
  const content = art.state === 'ready' ? art.value.artifact.content : node.preview;
  const redactions = [...content.matchAll(PLACEHOLDER)].length;
  return (
    <section className="inspector" data-testid="inspector" data-node-id={node.id}>
      <h3>
        {KIND_NAMES[node.kind] ?? node.kind} <span className={`badge ${node.trust}`}>{node.trust}</span>
      </h3>
      <div className="muted" data-testid="trust-why">
        {node.trustWhy}
      </div>
      <SubmitterNote node={node} />
      <dl>
        <dt>artifact</dt>
        <dd className="mono">{node.artifactId}</dd>
        {node.source ? (
          <>
            <dt>source</dt>
            <dd>
              <Redacted text={node.source} />
            </dd>
          </>
        ) : null}
        {node.documentId ? (
          <>
            <dt>document</dt>
            <dd>{node.documentId}</dd>
          </>
        ) : null}
        {node.toolName ? (
          <>
            <dt>tool</dt>
            <dd>{node.toolName}</dd>
          </>
        ) : null}
        <dt>length</dt>
        <dd data-testid="content-length">{node.contentLength.toLocaleString()} characters before redaction</dd>
      </dl>
      <h4>Content as stored</h4>
      {art.state === 'loading' ? <div className="loading">Loading content…</div> : null}
      {art.state === 'error' ? <div className="error">Could not load the content: {art.error}</div> : null}
      <pre className="content" data-testid="artifact-content">
        <Redacted text={content} />
      </pre>
      {art.state === 'ready' && contentCut(art.value.artifact) ? (
        <div className="note" data-testid="content-cut">
          Stored content is cut at {content.length.toLocaleString()} characters: the collector keeps at most {STORED_CONTENT_LIMIT.toLocaleString()} characters of an artifact (the span itself holds it all).
        </div>
      ) : null}
      {redactions > 0 ? (
        <div className="note" data-testid="redaction-note">
          {redactions} value{redactions > 1 ? 's were' : ' was'} redacted before storage. <code>[REDACTED:rule:fingerprint]</code> names the detector; the fingerprint is a keyed hash, equal for equal values, so the same secret or address can be followed across traces without being revealed.
        </div>
      ) : null}
      {art.state === 'ready' ? (
        <>
          <h4>Appears in {new Set(art.value.appearances.map((a) => a.traceId)).size} trace(s)</h4>
          <ul className="appearances" data-testid="appearances">
            {art.value.appearances.map((a) => (
              <li key={`${a.traceId}/${a.spanId}/${a.relation}`}>
                <a href={`/traces/${a.traceId}?node=${encodeURIComponent(`act:${a.traceId}/${a.spanId}`)}`} onClick={(ev) => (ev.preventDefault(), onOpen(a.traceId, `act:${a.traceId}/${a.spanId}`))}>
                  {a.relation} by {a.activityName || a.activityKind || a.spanId}
                </a>{' '}
                <span className="muted mono">{shortId(a.traceId)}</span> <span className="muted">{fmtTime(a.start)}</span>
              </li>
            ))}
          </ul>
          {art.value.truncated ? <div className="note">More appearances exist.</div> : null}
        </>
      ) : null}
    </section>
  );
}
