import { describe, expect, it } from 'vitest';
import { type SpanSubmitter, submittersOnce } from './submitters.ts';

const row = (trace_id: string, span_id: string, credential_id: string): SpanSubmitter => ({ trace_id, span_id, credential_id, credential_name: `name ${credential_id}` });
const stored = [row('t1', 's1', 'c1'), row('t1', 's2', 'c2'), row('t2', 's1', 'c3'), row('t1', 's1', 'c4'), row('t3', 's9', 'c1')];

describe('who submitted spans, each trace read once for an answer', () => {
  it('answers each ask as filtering every row of its traces would, reading a trace only the first time it is asked for', async () => {
    const asked: string[][] = [];
    const of = submittersOnce(async (traces) => (asked.push([...traces]), stored.filter((r) => traces.includes(r.trace_id))));
    const want = (spans: { trace_id: string; span_id: string }[]): SpanSubmitter[] => stored.filter((r) => spans.some((s) => s.trace_id === r.trace_id && s.span_id === r.span_id));
    const first = [{ trace_id: 't1', span_id: 's1' }, { trace_id: 't1', span_id: 's2' }];
    expect(await of(first)).toEqual(want(first));
    const second = [{ trace_id: 't2', span_id: 's1' }, { trace_id: 't1', span_id: 's1' }, { trace_id: 't1', span_id: 'nope' }];
    // grouped by trace in the order asked, each trace's rows in their stored order
    expect(await of(second)).toEqual([row('t2', 's1', 'c3'), row('t1', 's1', 'c1'), row('t1', 's1', 'c4')]);
    expect(await of([])).toEqual([]);
    expect(asked).toEqual([['t1'], ['t2']]);
  });
});
