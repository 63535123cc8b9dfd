// The selected node: an artifact's content as stored (redaction placeholders marked and
// explained) and every other place it appears; an activity's span: attributes, timing, status,
// events and what redaction replaced in it.
import type { AnyValue, SliceNode, TraceResponse } from '@causeway/schemas';
import { api } from '../api.ts';
import { contentCut, PLACEHOLDER, STORED_CONTENT_LIMIT, fmtDuration, fmtTime, shortId } from '../format.ts';
import { useLoad } from '../load.ts';
import { KIND_NAMES } from '../graph/model.ts';
import { flattenSpans } from './Waterfall.tsx';

export function anyValueText(v: AnyValue | undefined): string {
  if (!v) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('bytesValue' in v) return `bytes(${v.bytesValue})`;
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(anyValueText).join(', ')}]`;
  if ('kvlistValue' in v) return `{${v.kvlistValue.values.map((kv) => `${kv.key}: ${anyValueText(kv.value)}`).join(', ')}}`;
  return '';
}

/** Text with each [REDACTED:rule:fp] placeholder marked and explained. */
export function Redacted({ text }: { text: string }): React.JSX.Element {
  const parts: (string | React.JSX.Element)[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(
      <mark key={m.index} className="redacted" data-testid="redaction" data-rule={m[1]} title={`A ${m[1]} value was redacted before storage. Fingerprint ${m[2]}: the same value has the same fingerprint wherever it appears, without revealing it.`}>
        {m[0]}
      </mark>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

export function Inspector(p: { node: SliceNode | undefined; nodeId: string; trace: TraceResponse | undefined; onOpen(traceId: string, nodeId: string): void }): React.JSX.Element {
  const n = p.node;
  if (!n) {
    return (
      <section className="inspector" data-testid="inspector">
        <h3>Inspector</h3>
        <p className="muted">{p.nodeId ? `Node ${p.nodeId} is not in this trace's graph.` : 'Select a node in the graph or a span in the waterfall.'}</p>
      </section>
    );
  }
  return n.type === 'artifact' ? <ArtifactInspector node={n} onOpen={p.onOpen} /> : <ActivityInspector node={n} trace={p.trace} />;
}

function ArtifactInspector({ node, onOpen }: { node: Extract<SliceNode, { type: 'artifact' }>; onOpen(traceId: string, nodeId: string): void }): React.JSX.Element {
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

function ActivityInspector({ node, trace }: { node: Extract<SliceNode, { type: 'activity' }>; trace: TraceResponse | undefined }): React.JSX.Element {
  const span = trace ? flattenSpans(trace).find((s) => s.span.spanId === node.spanId) : undefined;
  const red = trace?.redactions[node.spanId] ?? [];
  return (
    <section className="inspector" data-testid="inspector" data-node-id={node.id}>
      <h3>
        {node.kind} · {node.toolName || node.name}
        {node.tainted ? <span className="badge untrusted">reached by untrusted content</span> : null}
      </h3>
      <dl>
        <dt>span</dt>
        <dd className="mono">{node.spanId}</dd>
        {node.agent ? (
          <>
            <dt>agent</dt>
            <dd>{node.agent}</dd>
          </>
        ) : null}
        <dt>started</dt>
        <dd>{fmtTime(node.start)}</dd>
        <dt>duration</dt>
        <dd>{fmtDuration(BigInt(node.end || node.start) - BigInt(node.start))}</dd>
        <dt>status</dt>
        <dd data-testid="span-status">{span ? ['unset', 'ok', 'error'][span.span.status.code] + (span.span.status.message ? `: ${span.span.status.message}` : '') : ['unset', 'ok', 'error'][node.status]}</dd>
        <dt>convention</dt>
        <dd>{node.convention}</dd>
      </dl>
      {red.length > 0 ? (
        <div className="note" data-testid="span-redactions">
          Redacted in this span: {red.map((r) => `${r.rule} × ${r.count} in ${r.field}`).join('; ')}
        </div>
      ) : null}
      {span ? (
        <>
          <h4>Attributes</h4>
          <table className="attrs" data-testid="span-attributes">
            <tbody>
              {span.span.attributes.map((a) => (
                <tr key={a.key}>
                  <th>{a.key}</th>
                  <td>
                    <Redacted text={anyValueText(a.value)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {span.span.events.length > 0 ? (
            <>
              <h4>Events</h4>
              <ul>
                {span.span.events.map((e, i) => (
                  <li key={i}>
                    {e.name} <span className="muted">{fmtTime(e.timeUnixNano)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : trace ? (
        <div className="muted">The span is not in this trace's stored spans.</div>
      ) : (
        <div className="loading">Loading span…</div>
      )}
    </section>
  );
}
