import type { ActivityRow, RelationRow } from '@causeway/schemas';
import { MEMORY_TENANT } from '@causeway/testkit/memory-provenance.ts';
import { capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../../fixtures/agents/captured.ts';
import type { Library } from '../../../../fixtures/agents/telemetry.ts';
import { follows, inOrder, latestBy, relativeTo } from './structure.ts';
import { SLACK, type TraceGraph, buildTrace } from './trace-graph.ts';

async function graphOf(library: Library): Promise<TraceGraph> {
  const store = await capturedStore(library);
  const trace = loadCaptured(library, 'prompt-injection')!.traceId;
  return buildTrace(await store.activities(MEMORY_TENANT, [trace]), await store.relations(MEMORY_TENANT, [trace]));
}
const named = (g: TraceGraph, f: (a: ActivityRow) => boolean): ActivityRow[] => [...g.acts.values()].filter(f);

describe('order by structure where clocks cannot tell', () => {
  it('a streamed model call (Vercel AI SDK doStream): the tool calls inside it read its requests, so they are downstream of it, not its own work', async () => {
    const g = await graphOf('vercel-ai-v5-stream');
    for (const call of named(g, (a) => a.kind === 'llm')) {
      const r = relativeTo(g, call);
      for (const tool of named(g, (a) => a.kind === 'tool' && a.parent_span_id === call.span_id)) {
        expect(r.downstream.has(tool.span_id)).toBe(true);
        expect(r.inside.has(tool.span_id)).toBe(false);
        expect(relativeTo(g, tool).upstream.has(call.span_id)).toBe(true);
        expect(follows(g, tool, call) && !follows(g, call, tool)).toBe(true);
      }
      // the agent run enclosing it read nothing only it made before it: never downstream
      expect(r.downstream.has(call.parent_span_id)).toBe(false);
    }
  });

  it("a tool's retriever (LangChain, OpenLLMetry) is the tool's own work: inside it, and the model call that reads the tool's result is downstream", async () => {
    for (const library of ['langchain', 'traceloop'] as const) {
      const g = await graphOf(library);
      const retriever = named(g, (a) => a.kind === 'retrieval')[0]!;
      const tool = g.acts.get(retriever.parent_span_id)!;
      expect(tool.kind).toBe('tool');
      const r = relativeTo(g, tool);
      expect(r.inside.has(retriever.span_id)).toBe(true);
      expect(r.downstream.has(retriever.span_id)).toBe(false);
      const readers = named(g, (a) => a.kind === 'llm' && r.downstream.has(a.span_id));
      expect(readers.length).toBeGreaterThan(0);
      for (const llm of readers) expect(relativeTo(g, llm).upstream.has(tool.span_id)).toBe(true);
    }
  });

  it('a span whose parent chain loops ends the walk (no hang) and answers the same', () => {
    const a = { span_id: 'a', parent_span_id: 'b', kind: 'llm' } as ActivityRow;
    const b = { span_id: 'b', parent_span_id: 'a', kind: 'agent' } as ActivityRow;
    const g = buildTrace([a, b], [] as RelationRow[]);
    expect(relativeTo(g, a).inside).toEqual(new Set(['b']));
    expect(relativeTo(g, a).upstream).toEqual(new Set());
  });

  it('latest and in-order: items within SLACK are ordered by structure, then by the tie rule, never by their clocks or input order', () => {
    type X = { id: string; t: bigint };
    const items: X[] = [
      { id: 'a', t: 10n * SLACK },
      { id: 'b', t: 10n * SLACK + SLACK / 2n },
      { id: 'c', t: 9n * SLACK },
      { id: 'z', t: 0n },
    ];
    const byId = (x: X, y: X): number => x.id.localeCompare(y.id);
    const time = (x: X): bigint => x.t;
    const follows = (later: string, earlier: string) => (x: X, y: X): boolean => x.id === later && y.id === earlier;
    for (const order of [items, [...items].reverse(), [items[2]!, items[0]!, items[3]!, items[1]!]]) {
      // a and b tie (within SLACK); c is more than SLACK before b
      expect(latestBy(order, time, byId)?.id).toBe('a');
      expect(latestBy(order, time, byId, follows('b', 'a'))?.id).toBe('b');
      expect(latestBy(order, time, byId, follows('a', 'b'))?.id).toBe('a');
      // c, a, b form one run (each within SLACK of the last): ordered by structure, then id
      expect(inOrder(order, time, byId).map((x) => x.id)).toEqual(['z', 'a', 'b', 'c']);
      expect(inOrder(order, time, byId, follows('a', 'b')).map((x) => x.id)).toEqual(['z', 'b', 'a', 'c']);
    }
    // beyond SLACK the clock orders
    expect(latestBy([{ id: 'a', t: 0n }, { id: 'b', t: SLACK + 1n }], time, byId)?.id).toBe('b');
  });
});
