// GET /api/findings paging, in process against a real store: a status filter and a trace filter
// are exact in the store, so a page holds `limit` findings whenever that many match, however
// many newer findings do not, and a trace id elsewhere in a finding's text does not match it.
import type { Finding, FindingListResponse } from '@causeway/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessCauseway, startInProcess } from '@causeway/testkit/in-process.ts';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');
const T1 = hex(0xa1, 32);
const T2 = hex(0xb2, 32);

function finding(n: number, traceIds: string[], detail: Record<string, unknown> = {}): Finding {
  const at = new Date(Date.UTC(2026, 10, 2, 9, 0, n)).toISOString();
  return {
    id: hex(n, 32),
    ruleId: 'R1',
    ruleName: 'untrusted-content-drove-high-impact-call',
    severity: 'critical',
    title: `finding ${n}`,
    explanation: '…',
    owasp: ['ASI01'],
    atlas: ['AML.T0051.001'],
    agent: { key: 'mail/triage', service: 'mail', id: '', name: 'triage', registered: false, registryVersion: 0 },
    traceIds,
    evidence: { seed: `act:${traceIds[0]}/${hex(n, 16)}`, nodes: [], taintPaths: [], approvals: [], detail },
    occurredAt: at,
    detectedAt: at,
  };
}

describe('GET /api/findings filters in the store', () => {
  let cw: InProcessCauseway;
  const list = async (q: string): Promise<string[]> => {
    const r = await cw.get<FindingListResponse>(`/api/findings${q}`);
    expect(r.status).toBe(200);
    return r.body.findings.map((f) => f.id);
  };

  beforeAll(async () => {
    cw = await startInProcess({ CAUSEWAY_DETECTIONS: 'off' });
    const reads = cw.store.readsFor('default').findings;
    // 1..10 old and open; 11..30 newer, every one acknowledged (30 then resolved by a responder); 31 acknowledged then reopened; 32 false positive then resolved by a late approval
    const all = Array.from({ length: 32 }, (_, i) => finding(i + 1, [T2]));
    expect(await reads.appendNew(all)).toHaveLength(32);
    for (const f of all.slice(10, 31)) await reads.appendEvent(f, { type: 'acknowledged' }, 'ana');
    await reads.appendEvent(all[30]!, { type: 'reopened', note: 'not done' }, 'ana');
    await reads.appendEvent(all[29]!, { type: 'resolved', note: 'rotated the key' }, 'ana');
    await reads.appendEvent(all[31]!, { type: 'false_positive', reason: 'known vendor' }, 'ana');
    await reads.appendEvent(all[31]!, { type: 'resolved_by_approval', approval: `act:${T2}/${hex(1, 16)}`, decision: 'human:approved', how: 'call_id' }, 'causeway');
    // T1: first trace of 40, second trace of 41 (a finding over two traces); 42 names T1 only in its text
    expect(await reads.appendNew([finding(40, [T1]), finding(41, [T2, T1]), finding(42, [T2], { note: `copied from trace ${T1}` })])).toHaveLength(3);
  }, 120_000);

  afterAll(async () => {
    await cw?.close();
  });

  it('a status page holds `limit` matches even when many newer findings have another status', async () => {
    // open: the reopened 31 and the never-touched ones (newest first), none of the 20 acknowledged in between
    expect(await list('?status=open&limit=3')).toEqual([hex(42, 32), hex(41, 32), hex(40, 32)]);
    expect(await list('?status=open&limit=5')).toEqual([hex(42, 32), hex(41, 32), hex(40, 32), hex(31, 32), hex(10, 32)]);
    expect(await list('?status=open&limit=5000')).toHaveLength(14);
    expect(await list('?status=acknowledged&limit=5000')).toEqual(Array.from({ length: 19 }, (_, i) => hex(29 - i, 32)));
    // the last status event decides, as the fold does
    expect(await list('?status=resolved')).toEqual([hex(32, 32), hex(30, 32)]);
    expect(await list('?status=false_positive')).toEqual([]);
    const one = (await cw.get<FindingListResponse>('/api/findings?status=resolved')).body.findings[0]!;
    expect([one.status, one.events.map((e) => e.type)]).toEqual(['resolved', ['false_positive', 'resolved_by_approval']]);
  });

  it('a trace filter matches the finding\'s traces exactly, not a trace id elsewhere in its text', async () => {
    expect(await list(`?trace=${T1}`)).toEqual([hex(41, 32), hex(40, 32)]);
    expect((await list(`?trace=${T2}&limit=5000`)).length).toBe(34);
    expect(await list(`?trace=${T1}&status=open&limit=1`)).toEqual([hex(41, 32)]);
  });
});
