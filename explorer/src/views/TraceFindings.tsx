// The trace list's findings column: the detection findings raised on the listed traces, asked
// for once per page (findings raised since the page's oldest trace began, newest first, at most
// FINDINGS_ASKED), counted per trace with the worst severity. A finding opens its trace at the
// call it is about. When the answer was cut at FINDINGS_ASKED, counts say "at least".
import type { FindingView, Severity, TraceSummary } from '@causeway/schemas';
import { useMemo } from 'react';
import { api } from '../api.ts';
import { useLoad } from '../load.ts';
import { type Navigate, linkProps } from '../route.ts';

const FINDINGS_ASKED = 500;
const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export interface TraceFindings {
  count: number;
  worst: Severity;
  /** the worst one, to open */
  first: FindingView;
}

/** Findings per listed trace; `cut` when there may be more than counted; `error` when they could not be read (e.g. the role may not). */
export function useTraceFindings(traces: TraceSummary[] | undefined): { byTrace: Map<string, TraceFindings>; cut: boolean; ready: boolean; error?: string } {
  const since = traces?.length ? traces.reduce((m, t) => (BigInt(t.startTimeUnixNano) < m ? BigInt(t.startTimeUnixNano) : m), BigInt(traces[0]!.startTimeUnixNano)) : undefined;
  const [l] = useLoad(since !== undefined ? (signal) => api.findings({ since: String(since), limit: String(FINDINGS_ASKED) }, signal) : undefined, [String(since)]);
  return useMemo(() => {
    const byTrace = new Map<string, TraceFindings>();
    if (l.state !== 'ready') return { byTrace, cut: false, ready: false, ...(l.state === 'error' ? { error: l.error } : {}) };
    for (const f of l.value.findings) {
      for (const t of f.traceIds) {
        const cur = byTrace.get(t);
        if (!cur) byTrace.set(t, { count: 1, worst: f.severity, first: f });
        else {
          cur.count++;
          if (RANK[f.severity] > RANK[cur.worst]) Object.assign(cur, { worst: f.severity, first: f });
        }
      }
    }
    return { byTrace, cut: l.value.findings.length >= FINDINGS_ASKED, ready: true };
  }, [l]);
}

export function FindingsCell({ traceId, f, cut, navigate }: { traceId: string; f: TraceFindings | undefined; cut: boolean; navigate: Navigate }): React.JSX.Element {
  if (!f) return <span className="muted" data-testid="trace-findings" data-count="0">{cut ? '?' : '—'}</span>;
  return (
    <a
      {...linkProps({ page: 'trace', traceId, node: f.first.evidence.seed, dir: 'backward' }, navigate)}
      className={`badge severity-${f.worst}`}
      data-testid="trace-findings"
      data-count={f.count}
      data-severity={f.worst}
      title={`${f.first.ruleId} ${f.first.title}${f.count > 1 ? ` and ${f.count - 1} more` : ''}`}
    >
      {cut ? '≥ ' : ''}
      {f.count} {f.worst}
    </a>
  );
}
