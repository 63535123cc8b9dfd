import type { LogRow, SpanRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { BindingError, admitLogs, admitSpans } from './admit.ts';

const who: Principal = { kind: 'token', id: '0123456789abcdef', name: 'billing', tenant: 'acme', role: 'ingest', tenants: ['acme'], services: ['billing-agent'], agents: [] };
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const span = (start: string, end = start, service = 'billing-agent'): SpanRow => ({ trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), start_time_unix_nano: start, end_time_unix_nano: end, service_name: service, attributes: [], resource_attributes: [] }) as unknown as SpanRow;

describe('admitting decoded rows', () => {
  it('stamps every kept row with the submitting credential', () => {
    const a = admitSpans(who, [span(ns(Date.now()))], 60_000);
    expect(a.rows.map((r) => [r.credential_id, r.credential_name])).toEqual([['0123456789abcdef', 'billing']]);
  });

  it('rejects rows dated beyond the allowed skew (start or end), keeps the past', () => {
    const now = Date.now();
    const a = admitSpans(who, [span(ns(now - 86_400_000 * 365)), span(ns(now + 3_600_000)), span(ns(now), ns(now + 3_600_000)), span('16725225600000000000')], 60_000);
    expect(a.rows).toHaveLength(1);
    expect(a.rejected).toBe(3);
    expect(a.rejectionMessage).toMatch(/^3 span\(s\) rejected, e.g. span a{32}\/b{16}: timestamp is more than 60 s ahead/);
    const logs = admitLogs(who, [{ time_unix_nano: '0', observed_time_unix_nano: ns(now + 3_600_000), service_name: 'billing-agent', attributes: [], resource_attributes: [] } as unknown as LogRow], 60_000);
    expect(logs.rejected).toBe(1);
  });

  it('refuses the whole batch when one row breaks the binding', () => {
    expect(() => admitSpans(who, [span(ns(Date.now())), span(ns(Date.now()), undefined, 'mail-triage-agent')], 60_000)).toThrow(BindingError);
  });
});
