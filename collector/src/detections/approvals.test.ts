import type { ActivityRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { approvedBy, linkApprovals } from './approvals.ts';

const act = (span: string, o: Partial<ActivityRow>): ActivityRow => ({
  tenant: 't', trace_id: 'a'.repeat(32), span_id: span, parent_span_id: '', start_time_unix_nano: '0', end_time_unix_nano: '0', kind: 'tool', convention: 'genai',
  operation: '', name: '', service_name: 's', agent_name: '', agent_id: '', conversation_id: '', tool_name: '', call_id: '', request_id: '', data_source: '', model: '', status_code: 0, links: [], ...o,
});

describe('approvals and the calls they gate', () => {
  const t1 = act('1'.repeat(16), { tool_name: 'send_email', call_id: 'call_a', start_time_unix_nano: '100' });
  const t2 = act('2'.repeat(16), { tool_name: 'send_email', call_id: 'call_b', start_time_unix_nano: '300' });
  it('links by call id, by parentage, by span link, else to the next call of the tool', () => {
    const byCall = act('3'.repeat(16), { kind: 'approval', operation: 'human:approved', call_id: 'call_b', start_time_unix_nano: '50' });
    const child = act('4'.repeat(16), { kind: 'approval', operation: 'guardrail:denied', parent_span_id: t1.span_id });
    const next = act('5'.repeat(16), { kind: 'approval', operation: 'human:approved', tool_name: 'send_email', start_time_unix_nano: '200' });
    const m = linkApprovals([byCall, child, next], [t1, t2]);
    expect(m.get(t2.span_id)!.map((a) => a.how)).toEqual(['call_id', 'next_call']);
    expect(m.get(t1.span_id)!.map((a) => [a.how, a.by, a.decision])).toEqual([['child', 'guardrail', 'denied']]);
  });
  it('lets a call through only on an approving decision, a guardrail only when accepted', () => {
    const g = linkApprovals([act('6'.repeat(16), { kind: 'approval', operation: 'guardrail:approved', parent_span_id: t1.span_id })], [t1]).get(t1.span_id)!;
    expect(approvedBy(g, false)).toBeUndefined();
    expect(approvedBy(g, true)?.by).toBe('guardrail');
  });
});
