// An activity: what the model saw and said (the conversation, from span attributes, span
// events or log records, whatever convention the library used), or the span itself: timing,
// status, attributes, events and what redaction replaced in it.
import type { SliceNode, TraceResponse } from '@causeway/schemas';
import { useMemo, useState } from 'react';
import { conversationOf } from '../../conversation/fromSpan.ts';
import type { LogRecordJson } from '../../conversation/logs.ts';
import { isEmpty } from '../../conversation/model.ts';
import { anyValueText, fmtDuration, fmtTime } from '../../format.ts';
import type { FlatSpan } from '../Waterfall.tsx';
import { ConversationView } from './Conversation.tsx';
import { Redacted } from './Redacted.tsx';
import { SubmitterNote } from '../../auth/SubmitterNote.tsx';

export function ActivityInspector(p: { node: Extract<SliceNode, { type: 'activity' }>; span: FlatSpan | undefined; trace: TraceResponse | undefined; logs: readonly LogRecordJson[] }): React.JSX.Element {
  const { node, span } = p;
  const conv = useMemo(() => (span ? conversationOf(span.span, p.logs) : undefined), [span, p.logs]);
  const hasConv = conv !== undefined && !isEmpty(conv);
  const [tab, setTab] = useState<'conversation' | 'span' | undefined>();
  const shown = tab ?? (hasConv ? 'conversation' : 'span');
  const red = p.trace?.redactions[node.spanId] ?? [];
  return (
    <section className="inspector" data-testid="inspector" data-node-id={node.id}>
      <h3>
        {node.kind} · {node.toolName || node.name}
        {node.tainted ? <span className="badge untrusted">reached by untrusted content</span> : null}
      </h3>
      <SubmitterNote node={node} />
      <div className="muted small">
        {node.agent ? `${node.agent} · ` : ''}
        {fmtTime(node.start)} · {fmtDuration(BigInt(node.end || node.start) - BigInt(node.start))} ·{' '}
        <span data-testid="span-status">{span ? ['unset', 'ok', 'error'][span.span.status.code] + (span.span.status.message ? `: ${span.span.status.message}` : '') : ['unset', 'ok', 'error'][node.status]}</span>
      </div>
      <div className="tabs" role="tablist" aria-label="inspector views">
        <button role="tab" aria-selected={shown === 'conversation'} data-testid="tab-conversation" disabled={!hasConv} onClick={() => setTab('conversation')}>
          {node.kind === 'tool' ? 'Call and result' : node.kind === 'retrieval' ? 'Retrieved' : 'What the model saw'}
        </button>
        <button role="tab" aria-selected={shown === 'span'} data-testid="tab-span" onClick={() => setTab('span')}>
          Span
        </button>
      </div>
      {shown === 'conversation' && conv ? <ConversationView c={conv} /> : null}
      {shown === 'span' ? (
        <>
          <dl>
            <dt>span</dt>
            <dd className="mono">{node.spanId}</dd>
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
          ) : p.trace ? (
            <div className="muted">The span is not in this trace's stored spans.</div>
          ) : (
            <div className="loading">Loading the span…</div>
          )}
        </>
      ) : null}
    </section>
  );
}

/**
 * A span read as an activity before (or without) the causal graph: the inspector can show its
 * conversation while the collector is still computing the graph of a big trace.
 */
export function activityFromSpan(traceId: string, s: FlatSpan): Extract<SliceNode, { type: 'activity' }> {
  const attr = (k: string): string => {
    const a = s.span.attributes.find((x) => x.key === k)?.value;
    return a && 'stringValue' in a ? a.stringValue : '';
  };
  const op = attr('gen_ai.operation.name');
  const kind = op === 'chat' || op === 'text_completion' || op === 'generate_content' ? 'llm' : op === 'execute_tool' ? 'tool' : op === 'retrieval' ? 'retrieval' : op === 'invoke_agent' || op === 'create_agent' ? 'agent' : 'other';
  return {
    id: `act:${traceId}/${s.span.spanId}`,
    type: 'activity',
    traceId,
    spanId: s.span.spanId,
    parentSpanId: s.span.parentSpanId ?? '',
    kind,
    name: s.span.name,
    operation: op,
    convention: 'read from the span (the causal graph is not loaded)',
    agent: attr('gen_ai.agent.name'),
    toolName: attr('gen_ai.tool.name'),
    callId: attr('gen_ai.tool.call.id'),
    service: s.service,
    start: s.span.startTimeUnixNano,
    end: s.span.endTimeUnixNano,
    status: s.span.status.code,
    depth: 0,
    tainted: false,
  };
}
