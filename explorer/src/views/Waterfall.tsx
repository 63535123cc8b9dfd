// The span waterfall: one row per span in tree order, bars on a shared time axis. Windowed:
// only the rows in view are in the DOM, so a trace of 100,000 spans scrolls like one of ten.
import type { OtlpSpan, TraceResponse } from '@causeway/schemas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { fmtDuration } from '../format.ts';
import type { Highlight } from '../graph/highlight.ts';
import { roleOf } from '../graph/highlight.ts';

export interface FlatSpan {
  span: OtlpSpan;
  service: string;
  depth: number;
  start: bigint;
  end: bigint;
}

export function flattenSpans(t: TraceResponse): FlatSpan[] {
  const all: { span: OtlpSpan; service: string }[] = [];
  for (const rs of t.resourceSpans) {
    const svc = rs.resource.attributes.find((a) => a.key === 'service.name')?.value;
    const service = svc && 'stringValue' in svc ? svc.stringValue : '';
    for (const ss of rs.scopeSpans) for (const span of ss.spans) all.push({ span, service });
  }
  const ids = new Set(all.map((s) => s.span.spanId));
  const children = new Map<string, typeof all>();
  const roots: typeof all = [];
  for (const s of all) {
    const p = s.span.parentSpanId;
    if (p && ids.has(p)) {
      const l = children.get(p) ?? [];
      l.push(s);
      children.set(p, l);
    } else roots.push(s);
  }
  const byStart = (a: { span: OtlpSpan }, b: { span: OtlpSpan }): number => {
    const d = BigInt(a.span.startTimeUnixNano) - BigInt(b.span.startTimeUnixNano);
    return d < 0n ? -1 : d > 0n ? 1 : a.span.spanId < b.span.spanId ? -1 : 1;
  };
  const out: FlatSpan[] = [];
  const stack: { s: (typeof all)[number]; depth: number }[] = roots.sort(byStart).reverse().map((s) => ({ s, depth: 0 }));
  const seen = new Set<string>();
  while (stack.length) {
    const { s, depth } = stack.pop()!;
    if (seen.has(s.span.spanId)) continue;
    seen.add(s.span.spanId);
    out.push({ span: s.span, service: s.service, depth, start: BigInt(s.span.startTimeUnixNano), end: BigInt(s.span.endTimeUnixNano) });
    for (const c of (children.get(s.span.spanId) ?? []).sort(byStart).reverse()) stack.push({ s: c, depth: depth + 1 });
  }
  return out;
}

const ROW = 22;
const HEIGHT = 200;

export function Waterfall(p: {
  trace: TraceResponse | undefined;
  spans: FlatSpan[];
  loading: boolean;
  selected?: string | undefined;
  highlight?: Highlight | undefined;
  onSelect(spanId: string): void;
  replayAt?: number | undefined;
  t0: bigint;
}): React.JSX.Element {
  const { spans } = p;
  const [scroll, setScroll] = useState(0);
  const [focus, setFocus] = useState(-1);
  const ref = useRef<HTMLDivElement>(null);
  const traceId = p.trace?.traceId ?? '';
  const selectedRow = useMemo(() => spans.findIndex((s) => `act:${traceId}/${s.span.spanId}` === p.selected), [spans, traceId, p.selected]);
  // the selected span is scrolled into view (selected in the graph, by find, by next error)
  useEffect(() => {
    const el = ref.current;
    if (!el || selectedRow < 0) return;
    const top = selectedRow * ROW;
    if (top < el.scrollTop || top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 2);
  }, [selectedRow]);
  // as tall as the waterfall will be: the graph above does not move when the spans arrive (they come after it)
  if (!p.trace) return <div className={`waterfall-placeholder ${p.loading ? 'loading' : 'empty'}`} style={{ height: HEIGHT }}>{p.loading ? 'Loading the spans…' : 'The spans are not available.'}</div>;
  if (spans.length === 0) return <div className="empty">This trace has no spans.</div>;
  const min = spans.reduce((m, s) => (s.start < m ? s.start : m), spans[0]!.start);
  const max = spans.reduce((m, s) => (s.end > m ? s.end : m), spans[0]!.end);
  const span = Number(max - min) || 1;
  const first = Math.max(0, Math.floor(scroll / ROW) - 5);
  const last = Math.min(spans.length, first + Math.ceil(HEIGHT / ROW) + 10);
  const active = focus >= 0 ? focus : Math.max(0, selectedRow);
  const onKey = (ev: React.KeyboardEvent): void => {
    const move = ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowUp' ? -1 : ev.key === 'PageDown' ? 8 : ev.key === 'PageUp' ? -8 : 0;
    if (move) {
      ev.preventDefault();
      const next = Math.max(0, Math.min(spans.length - 1, active + move));
      setFocus(next);
      const el = ref.current;
      if (el && (next * ROW < el.scrollTop || (next + 1) * ROW > el.scrollTop + el.clientHeight)) el.scrollTop = Math.max(0, next * ROW - el.clientHeight / 2);
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      const s = spans[active];
      if (s) p.onSelect(s.span.spanId);
    }
  };
  return (
    <div
      ref={ref}
      className="waterfall"
      data-testid="waterfall"
      data-spans={spans.length}
      style={{ height: HEIGHT }}
      onScroll={(e) => setScroll(e.currentTarget.scrollTop)}
      tabIndex={0}
      role="listbox"
      aria-label={`spans of the trace (${spans.length}); arrows move, Enter selects`}
      aria-activedescendant={spans[active] ? `wf-${spans[active]!.span.spanId}` : undefined}
      onKeyDown={onKey}
      onBlur={() => setFocus(-1)}
    >
      <div style={{ height: spans.length * ROW, position: 'relative' }}>
        {p.replayAt !== undefined ? <div className="wf-cursor" style={{ left: `calc(35% + ${(Number(BigInt(Math.round(p.replayAt)) + p.t0 - min) / span) * 65}%)` }} /> : null}
        {spans.slice(first, last).map((s, i) => {
          const id = `act:${traceId}/${s.span.spanId}`;
          const role = p.highlight ? roleOf(p.highlight, id) : 'none';
          const left = (Number(s.start - min) / span) * 100;
          const width = Math.max(0.3, (Number(s.end - s.start) / span) * 100);
          const failed = s.span.status.code === 2;
          return (
            <div
              key={s.span.spanId}
              id={`wf-${s.span.spanId}`}
              role="option"
              aria-selected={p.selected === id}
              className={`wf-row role-${role}${p.selected === id ? ' selected' : ''}${failed ? ' wf-failed' : ''}${first + i === focus ? ' focused' : ''}`}
              style={{ top: (first + i) * ROW, height: ROW }}
              data-testid="waterfall-row"
              data-span-id={s.span.spanId}
              data-role={role}
              data-status={failed ? 'error' : ''}
              onClick={() => p.onSelect(s.span.spanId)}
            >
              <div className="wf-name" style={{ paddingLeft: 6 + s.depth * 12 }} title={s.span.name + (failed ? ` (failed${s.span.status.message ? `: ${s.span.status.message}` : ''})` : '')}>
                {failed ? <span className="wf-error-mark" aria-label="failed">!</span> : null}
                {s.span.name}
              </div>
              <div className="wf-track">
                <div className="wf-bar" style={{ left: `${left}%`, width: `${width}%` }} title={fmtDuration(s.end - s.start)} />
              </div>
              <div className="wf-dur">{fmtDuration(s.end - s.start)}</div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
