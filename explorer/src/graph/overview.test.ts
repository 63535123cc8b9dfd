import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SliceActivity, type SliceArtifact, type SliceResponse, type TraceOverviewResponse, encodeSteps } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { keyNode } from './keyPath.ts';
import { overviewGraph } from './overview.ts';

const TRACE = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/openai-prompt-injection.trace.json'), 'utf8')) as SliceResponse;
const SEND = 'act:93e6dcc25a4259b8a99434c09451decf/87a40403108d0fcc';
const T = '93e6dcc25a4259b8a99434c09451decf';
const clone = <X,>(x: X): X => JSON.parse(JSON.stringify(x)) as X;

describe('a trace overview as the graph the trace view draws', () => {
  it("is the collector's whole trace graph when it sent one", () => {
    expect(overviewGraph({ traceId: T, activityCount: 9, graph: TRACE })).toEqual({ graph: TRACE, partial: false });
  });

  it('otherwise: every activity, the key slice merged in (its nodes in this trace, their links and taint paths), and the same key node', () => {
    const activities = TRACE.nodes.filter((n): n is SliceActivity => n.type === 'activity').map((a) => ({ ...clone(a), tainted: false }));
    // a backward slice of send_email as the API answers it: the trace graph's nodes, plus a cause in another trace
    const slice = clone(TRACE);
    slice.seed = SEND;
    slice.direction = 'backward';
    const elsewhere = 'f'.repeat(32);
    const foreignAct: SliceActivity = { ...activities[0]!, id: `act:${elsewhere}/${'1'.repeat(16)}`, traceId: elsewhere, spanId: '1'.repeat(16) };
    const foreignArt: SliceArtifact = { ...(TRACE.nodes.find((n) => n.type === 'artifact') as SliceArtifact), id: 'art:foreign', artifactId: 'foreign', traces: [elsewhere] };
    slice.nodes.push(foreignAct, foreignArt);
    slice.edges.push({ from: foreignAct.id, to: foreignArt.id, relation: 'generated', how: 'explicit' }, { from: foreignArt.id, to: SEND, relation: 'used', how: 'explicit' });
    slice.taintPaths.push({ source: foreignArt.id, nodes: [foreignArt.id, SEND] });
    const o: TraceOverviewResponse = { traceId: T, activityCount: activities.length, steps: encodeSteps(T, activities), slices: [slice] };
    const { graph, partial } = overviewGraph(o);
    expect(partial).toBe(true);
    expect(graph.direction).toBe('trace');
    const ids = new Set(graph.nodes.map((n) => n.id));
    expect(ids.has(foreignAct.id) || ids.has(foreignArt.id)).toBe(false);
    expect(graph.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    expect(graph.taintPaths.every((t) => t.nodes.every((id) => ids.has(id)))).toBe(true);
    // every activity once; the slice's taint reaches them
    expect(graph.nodes.filter((n) => n.type === 'activity')).toHaveLength(activities.length);
    expect(graph.nodes.find((n) => n.id === SEND)?.tainted).toBe(true);
    expect(keyNode(graph)?.id).toBe(SEND);
  });

  it('a slice that found nothing untrusted leaves the activities as they are and no key node', () => {
    const activities = TRACE.nodes.filter((n): n is SliceActivity => n.type === 'activity').map((a) => ({ ...clone(a), tainted: false }));
    const { graph } = overviewGraph({ traceId: T, activityCount: activities.length, steps: encodeSteps(T, activities), slices: [] });
    expect(graph.nodes).toHaveLength(activities.length);
    expect(graph.edges).toHaveLength(0);
    expect(keyNode(graph)).toBeUndefined();
  });
});
