import { describe, expect, it } from 'vitest';
import { formatUrl, parseUrl } from './url.ts';

describe('view state in the URL', () => {
  it('round-trips a trace view with selection, direction, replay step and collapse', () => {
    const url = '/traces/93e6dcc25a4259b8a99434c09451decf?node=act%3A93e6dcc25a4259b8a99434c09451decf%2F87a40403108d0fcc&dir=backward&step=4&collapse=1';
    const s = parseUrl(...(url.split('?') as [string, string]));
    expect(s).toEqual({ page: 'trace', traceId: '93e6dcc25a4259b8a99434c09451decf', node: 'act:93e6dcc25a4259b8a99434c09451decf/87a40403108d0fcc', dir: 'backward', step: 4, collapse: true });
    expect(formatUrl(s)).toBe(url);
  });
  it('keeps list filters and drops unknown ones', () => {
    expect(parseUrl('/', '?tool=send_email&untrusted=1&bogus=x')).toEqual({ page: 'traces', filters: { tool: 'send_email', untrusted: '1' } });
    expect(parseUrl('/', '?findings=high&limit=1')).toEqual({ page: 'traces', filters: { findings: 'high', limit: '1' } });
    expect(formatUrl({ page: 'traces', filters: { q: 'IMPORTANT', agent: 'mail-triage' } })).toBe('/?agent=mail-triage&q=IMPORTANT');
  });
  it('knows incidents and says what it does not know', () => {
    expect(parseUrl('/incidents/0123456789abcdef', '')).toEqual({ page: 'incident', incidentId: '0123456789abcdef' });
    expect(parseUrl('/nope/a/b', '').page).toBe('not-found');
  });
});

describe('trace view extras in the URL', () => {
  it('round-trips a pinned taint path, a strength filter, an inspected link and "show every artifact"', () => {
    const s = { page: 'trace' as const, traceId: 'a'.repeat(32), node: 'art:' + 'b'.repeat(32), dir: 'both' as const, collapse: false, pin: { seed: `act:${'a'.repeat(32)}/${'c'.repeat(16)}`, source: 'art:' + 'b'.repeat(32) }, min: 0.3, edge: { from: 'art:' + 'b'.repeat(32), to: 'art:' + 'd'.repeat(32) } };
    const url = formatUrl(s);
    expect(parseUrl(...(url.split('?') as [string, string]))).toEqual(s);
    // absent collapse: the default for the trace's size
    expect(parseUrl(`/traces/${'a'.repeat(32)}`, '')).toEqual({ page: 'trace', traceId: 'a'.repeat(32), dir: 'both' });
  });
  it('knows the compare page', () => {
    expect(parseUrl('/compare', `?a=${'A'.repeat(32)}&b=${'b'.repeat(32)}`)).toEqual({ page: 'compare', a: 'a'.repeat(32), b: 'b'.repeat(32) });
  });
  it('keeps the findings filters it knows, in a fixed order', () => {
    expect(parseUrl('/findings', '?status=open&rule=R1&bogus=1')).toEqual({ page: 'findings', filters: { rule: 'R1', status: 'open' } });
    expect(formatUrl({ page: 'findings', filters: { status: 'open', severity: 'critical' } })).toBe('/findings?severity=critical&status=open');
    expect(formatUrl({ page: 'findings', filters: {} })).toBe('/findings');
  });
});
