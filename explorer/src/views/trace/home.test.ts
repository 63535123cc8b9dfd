import type { SliceActivity, SliceArtifact } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { homeOf } from './home.ts';

const HERE = 'a'.repeat(32);
const OTHER = '1'.repeat(32);
const THIRD = '2'.repeat(32);
const art = (id: string, traces: string[]): SliceArtifact => ({
  id: `art:${id}`, type: 'artifact', artifactId: id, kind: 'document', trust: 'untrusted', trustWhy: '', trustRule: '', preview: '', contentLength: 0, toolName: '', documentId: '', source: '', traces, depth: 1, tainted: true,
});
const act = (trace: string, span: string): SliceActivity => ({
  id: `act:${trace}/${span}`, type: 'activity', traceId: trace, spanId: span, parentSpanId: '', kind: 'tool', name: 'x', operation: '', convention: '', agent: '', toolName: 'x', callId: '', service: '', start: '0', end: '0', status: 0, depth: 1, tainted: false,
});
const DOC = 'd'.repeat(32);

describe('where a slice node lives', () => {
  it('an artifact of this trace is here even when the capped `traces` list names only other traces', () => {
    const n = art(DOC, [OTHER, THIRD]);
    expect(homeOf(n, { traceId: HERE, inTrace: new Set([n.id]), edges: [] })).toEqual({ traceId: HERE, here: true });
  });

  it('an artifact the slice links to an activity of this trace is here, whatever the trace graph holds', () => {
    const n = art(DOC, [OTHER]);
    const edges = [{ from: n.id, to: `act:${OTHER}/${'3'.repeat(16)}`, relation: 'used' as const, how: 'explicit' as const }, { from: n.id, to: `act:${HERE}/${'4'.repeat(16)}`, relation: 'used' as const, how: 'explicit' as const }];
    expect(homeOf(n, { traceId: HERE, inTrace: new Set(), edges })).toEqual({ traceId: HERE, here: true });
  });

  it('an artifact only elsewhere opens where the slice found it, not in the first trace listed', () => {
    const n = art(DOC, [OTHER, THIRD]);
    const edges = [{ from: n.id, to: `act:${THIRD}/${'5'.repeat(16)}`, relation: 'used' as const, how: 'explicit' as const }];
    expect(homeOf(n, { traceId: HERE, inTrace: new Set(), edges })).toEqual({ traceId: THIRD, here: false });
    expect(homeOf(n, { traceId: HERE, inTrace: new Set(), edges: [] })).toEqual({ traceId: OTHER, here: false });
  });

  it('an activity lives in its span\'s trace', () => {
    expect(homeOf(act(OTHER, '6'.repeat(16)), { traceId: HERE, inTrace: new Set(), edges: [] })).toEqual({ traceId: OTHER, here: false });
    expect(homeOf(act(HERE, '6'.repeat(16)), { traceId: HERE, inTrace: new Set(), edges: [] }).here).toBe(true);
  });
});
