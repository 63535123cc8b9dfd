// Find in trace: steps, tools, agents, artifacts and span text (attributes, and the log records
// some libraries send the messages as) matching a query, in time order, with next / previous,
// and a jump to the next failed step. It searches every step of the trace, drawn or not (a large
// trace's overview draws runs of steps as groups and links only the key path): the spans and
// logs are the whole trace's; artifacts are searched as far as the graph has them loaded.
import { useDeferredValue, useMemo, useState } from 'react';
import type { LogRecordJson } from '../../conversation/logs.ts';
import { anyValueText } from '../../format.ts';
import type { Graph } from '../../graph/model.ts';
import { activityNodeId } from '@causeway/schemas';
import type { FlatSpan } from '../Waterfall.tsx';

interface Hit {
  id: string;
  t: number;
}

export function FindBar(p: { traceId: string; full: Graph | undefined; spans: FlatSpan[]; logs: Map<string, LogRecordJson[]>; selected: string | undefined; onSelect(id: string): void; inputRef: React.RefObject<HTMLInputElement | null>; errors: string[]; onNextError(): void }): React.JSX.Element {
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim().toLowerCase());
  // what each node is found by, built once per trace, and only once something is searched for
  // (for a big trace it is tens of milliseconds the first view need not wait for)
  const searching = query.length >= 2;
  const haystack = useMemo(() => {
    const out: { id: string; t: number; text: string }[] = [];
    if (!searching) return out;
    const t0 = p.spans.length ? p.spans.reduce((m, s) => (s.start < m ? s.start : m), p.spans[0]!.start) : 0n;
    const byId = new Map<string, { id: string; t: number; text: string }>();
    for (const s of p.spans) {
      const id = activityNodeId(p.traceId, s.span.spanId);
      const attrs = s.span.attributes.map((a) => `${a.key}=${anyValueText(a.value)}`).join('\n');
      const logs = (p.logs.get(s.span.spanId.toLowerCase()) ?? []).map((r) => `${r.eventName ?? ''}\n${r.body ? anyValueText(r.body) : ''}\n${(r.attributes ?? []).map((a) => `${a.key}=${anyValueText(a.value)}`).join('\n')}`).join('\n');
      const h = { id, t: Number(s.start - t0), text: `${s.span.name}\n${s.service}\n${attrs}\n${logs}`.toLowerCase() };
      byId.set(id, h);
      out.push(h);
    }
    for (const n of p.full?.nodes ?? []) {
      const d = n.data;
      const extra = d.type === 'activity' ? `${d.agent}\n${d.toolName}\n${d.kind}` : `${d.preview}\n${d.documentId}\n${d.source}\n${d.kind}`;
      const h = byId.get(n.id);
      if (h) h.text += `\n${n.label}\n${extra}`.toLowerCase();
      else out.push({ id: n.id, t: n.t, text: `${n.label}\n${extra}`.toLowerCase() });
    }
    return out.sort((a, b) => a.t - b.t);
  }, [p.traceId, p.full, p.spans, p.logs, searching]);
  const hits: Hit[] = useMemo(() => (query.length < 2 ? [] : haystack.filter((h) => h.text.includes(query))), [haystack, query]);
  const at = p.selected ? hits.findIndex((h) => h.id === p.selected) : -1;
  const tOf = (id: string | undefined): number => haystack.find((h) => h.id === id)?.t ?? -1;
  const step = (list: Hit[], dir: 1 | -1): void => {
    if (list.length === 0) return;
    const i = list.findIndex((h) => h.id === p.selected);
    let next: number;
    if (i >= 0) next = (i + dir + list.length) % list.length;
    else {
      const t = tOf(p.selected);
      next = dir === 1 ? Math.max(0, list.findIndex((h) => h.t > t)) : Math.max(0, list.findLastIndex((h) => h.t < t));
    }
    p.onSelect(list[next]!.id);
  };
  return (
    <form
      className="find"
      role="search"
      onSubmit={(ev) => {
        ev.preventDefault();
        step(hits, 1);
      }}
    >
      <input
        ref={p.inputRef}
        data-testid="find-input"
        type="search"
        value={q}
        placeholder="Find step, tool, agent, text (/)"
        title="Searches every step of the trace, drawn or not: names, agents, tools, attributes, log records; and the documents loaded"
        aria-label="find in trace"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            step(hits, -1);
          } else if (e.key === 'Escape') {
            setQ('');
            e.currentTarget.blur();
          }
        }}
      />
      <span className="muted small" data-testid="find-count" data-hits={hits.length} aria-live="polite">
        {query.length < 2 ? '' : hits.length === 0 ? 'no match' : at >= 0 ? `${at + 1} of ${hits.length}` : `${hits.length} found`}
      </span>
      <button type="button" data-testid="find-prev" disabled={hits.length === 0} onClick={() => step(hits, -1)} aria-label="previous match">
        ▲
      </button>
      <button type="submit" data-testid="find-next" disabled={hits.length === 0} aria-label="next match">
        ▼
      </button>
      <button type="button" data-testid="next-error" disabled={p.errors.length === 0} onClick={p.onNextError} title="Next failed step (shortcut: e)">
        Next error{p.errors.length ? ` (${p.errors.length})` : ''}
      </button>
    </form>
  );
}
