import type { Finding } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { entriesOf } from '../store/ledger-entries.ts';
import { rowLeafHash } from './canonical-row.ts';
import { canonicalFindingEventRow, canonicalFindingRow, findingEventsPayload, findingRow, findingsPayload } from './finding-lines.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = '0123456789abcdef';
const FINDING: Finding = {
  id: 'ab'.repeat(16),
  ruleId: 'R1',
  ruleName: 'untrusted content drove a high-impact call',
  severity: 'critical',
  title: 'send_email (egress) ran on untrusted content "quoted"',
  explanation: '…',
  owasp: ['ASI01'],
  atlas: ['AML.T0051.001'],
  agent: { key: 'mail/triage', service: 'mail', id: '', name: 'triage', registered: false, registryVersion: 0 },
  traceIds: [TRACE],
  evidence: { seed: `act:${TRACE}/${SPAN}`, nodes: [], taintPaths: [], approvals: [], detail: {} },
  occurredAt: '2026-11-02T09:00:00.123Z',
  detectedAt: '2026-11-02T09:00:05.000Z',
};

describe('finding canonical forms', () => {
  it('a finding is a leaf of its trace and seed span; times as ClickHouse DateTime64(3) text', () => {
    const r = findingRow('acme', FINDING);
    expect([r.trace_id, r.span_id, r.occurred_at, r.detected_at]).toEqual([TRACE, SPAN, '2026-11-02 09:00:00.123', '2026-11-02 09:00:05.000']);
    expect(JSON.parse(r.body)).toEqual(FINDING);
    // a finding about no activity (R5's window, R9's agent) has no span
    expect(findingRow('acme', { ...FINDING, evidence: { ...FINDING.evidence, seed: 'agent:mail/triage' } }).span_id).toBe('');
  });

  it('payload lines carry their row_hash and read as ledger entries (tenant, trace, span)', () => {
    const f = findingRow('acme', FINDING);
    const e = { tenant: 'acme', trace_id: TRACE, span_id: '', finding_id: FINDING.id, event_id: 'cd'.repeat(8), at: '2026-11-02 10:00:00.000', type: 'false_positive', actor: 'ana', payload: '{"reason":"known vendor"}' };
    const lines = [findingsPayload([f]), findingEventsPayload([e])].map((b) => b.toString('utf8').trim());
    expect(JSON.parse(lines[0]!).row_hash).toBe(rowLeafHash(canonicalFindingRow(f)));
    expect(JSON.parse(lines[1]!).row_hash).toBe(rowLeafHash(canonicalFindingEventRow(e)));
    const entries = entriesOf([{ table: 'findings', payloads: [findingsPayload([f])] }, { table: 'finding_events', payloads: [findingEventsPayload([e])] }], 'log', 0);
    expect(entries.count).toBe(2);
    expect(entries.leaves.subarray(0, 32).toString('hex')).toBe(rowLeafHash(canonicalFindingRow(f)));
    expect(entries.leaves.subarray(32).toString('hex')).toBe(rowLeafHash(canonicalFindingEventRow(e)));
  });

  it('is the same for a row read back (the columns in any order)', () => {
    const f = findingRow('acme', FINDING);
    const readBack = Object.fromEntries(Object.entries(f).reverse()) as typeof f;
    expect(canonicalFindingRow(readBack)).toBe(canonicalFindingRow(f));
  });
});
