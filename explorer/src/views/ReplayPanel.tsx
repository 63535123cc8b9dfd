// Replay controls and the current step: who acted, what it could see, what it did, what next.
import { KIND_NAMES, type Graph } from '../graph/model.ts';
import type { ReplayStep } from '../replay/replay.ts';
import { fmtDuration } from '../format.ts';

export function ReplayPanel(p: { steps: ReplayStep[]; index: number; playing: boolean; graph: Graph; onStep(i: number): void; onPlay(): void; onSelect(id: string): void }): React.JSX.Element {
  const s = p.steps[p.index]!;
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
