// Replay controls and the current step: who acted, what it could see (the artifacts, and the
// messages its model call was sent, as a conversation), what it did, what next.
import { useMemo } from 'react';
import { conversationOf } from '../conversation/fromSpan.ts';
import type { LogRecordJson } from '../conversation/logs.ts';
import { isEmpty } from '../conversation/model.ts';
import { fmtDuration } from '../format.ts';
import { KIND_NAMES, type Graph } from '../graph/model.ts';
import { parseNodeId } from '@causeway/schemas';
import type { ReplayStep } from '../replay/replay.ts';
import { ConversationView } from './inspector/Conversation.tsx';
import type { FlatSpan } from './Waterfall.tsx';

export function ReplayPanel(p: {
  steps: ReplayStep[];
  index: number;
  playing: boolean;
  graph: Graph;
  spans: FlatSpan[];
  logs: Map<string, LogRecordJson[]>;
  traceId: string;
  onStep(i: number): void;
  onPlay(): void;
  onSelect(id: string): void;
}): React.JSX.Element {
  const s = p.steps[p.index]!;
  // what the model call behind this step was sent
  const seen = useMemo(() => {
    const ref = s.contextFrom ? parseNodeId(s.contextFrom) : undefined;
    const span = ref?.type === 'activity' ? p.spans.find((x) => x.span.spanId === ref.spanId) : undefined;
    if (!span) return undefined;
    const c = conversationOf(span.span, p.logs.get(span.span.spanId) ?? []);
    return isEmpty(c) ? undefined : { ...c, output: s.contextFrom === s.activity ? c.output : [], tool: undefined };
  }, [s.contextFrom, s.activity, p.spans, p.logs]);
  const byId = new Map(p.graph.nodes.map((n) => [n.id, n]));
  const item = (id: string, testid: string): React.JSX.Element => {
    const n = byId.get(id);
    const trust = n?.trust;
    return (
      <li key={id} data-testid={testid} data-node-id={id} data-trust={trust ?? ''} className={trust === 'untrusted' ? 'untrusted' : ''}>
        <a href="#" onClick={(ev) => (ev.preventDefault(), p.onSelect(id))}>
          <span className="muted">{n ? (KIND_NAMES[n.kind] ?? n.kind) : ''}</span> {n?.label ?? id}
        </a>
        {trust === 'untrusted' ? <span className="badge untrusted">untrusted</span> : null}
      </li>
    );
  };
  const next = s.next ? byId.get(s.next) : undefined;
  return (
    <section className="replay" data-testid="replay" data-step={p.index} data-steps={p.steps.length} data-activity={s.activity} data-playing={String(p.playing)}>
      <div className="replay-controls">
        <button aria-label="first step" onClick={() => p.onStep(0)}>
          |◀
        </button>
        <button aria-label="previous step" data-testid="replay-prev" onClick={() => p.onStep(p.index - 1)}>
          ◀
        </button>
        <button aria-label={p.playing ? 'pause' : 'play'} data-testid="replay-play" onClick={p.onPlay}>
          {p.playing ? '❚❚' : '▶'}
        </button>
        <button aria-label="next step" data-testid="replay-next" onClick={() => p.onStep(p.index + 1)}>
          ▶▶
        </button>
        <input type="range" min={0} max={p.steps.length - 1} value={p.index} data-testid="replay-scrub" aria-label="replay position" onChange={(e) => p.onStep(Number(e.target.value))} />
        <span data-testid="replay-position">
          step {p.index + 1} / {p.steps.length}
        </span>
        <span className="muted small">← → step · space play/pause</span>
      </div>
      <div className="replay-step">
        <div data-testid="replay-actor">
          <strong>{s.lane}</strong> · {s.kind} <strong data-testid="replay-action">{s.label}</strong> <span className="muted">at +{fmtDuration(s.t)}</span>
        </div>
        <div className="replay-cols">
          <div>
            <h5>Could see{s.contextFrom && s.contextFrom !== s.activity ? ' (its last LLM call’s context)' : ''}</h5>
            {s.context.length ? <ul data-testid="replay-context">{s.context.map((c) => item(c, 'replay-context-item'))}</ul> : <p className="muted">nothing recorded</p>}
            {seen ? (
              <details className="replay-seen" data-testid="replay-conversation" open>
                <summary>The messages its model call was sent</summary>
                <ConversationView c={seen} compact />
              </details>
            ) : null}
          </div>
          <div>
            <h5>Did</h5>
            {s.did.length ? <ul data-testid="replay-did">{s.did.map((c) => item(c, 'replay-did-item'))}</ul> : <p className="muted">nothing recorded</p>}
            <h5>Next</h5>
            <p data-testid="replay-next-action">{next ? `${next.kind} ${next.label}` : 'nothing after this'}</p>
          </div>
        </div>
      </div>
    </section>
  );
}
