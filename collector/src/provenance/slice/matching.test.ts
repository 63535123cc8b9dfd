import type { ActivityRow, RelationRow } from '@causeway/schemas';
import { MEMORY_TENANT, type MemoryProvenanceStore } from '@causeway/testkit/memory-provenance.ts';
import { capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { scriptedCalls } from '@causeway/testkit/adapters-support.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../../fixtures/agents/captured.ts';
import { SCENARIOS, type ScenarioName } from '../../../../fixtures/agents/scenarios.ts';
import type { Library } from '../../../../fixtures/agents/telemetry.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { matchRequest, producerElsewhere, producerIn } from './matching.ts';
import { SLACK, type TraceGraph, buildTrace, end, start } from './trace-graph.ts';
import { SliceBuilder } from './walk.ts';

const stores = new Map<Library, MemoryProvenanceStore>();
beforeAll(async () => {
  for (const library of ['vercel-ai', 'langchain', 'openai', 'traceloop'] as const) stores.set(library, await capturedStore(library));
});

async function rowsOf(library: Library, scenario: ScenarioName): Promise<{ acts: ActivityRow[]; rels: RelationRow[] }> {
  const store = stores.get(library)!;
  const trace = loadCaptured(library, scenario)!.traceId;
  return { acts: await store.activities(MEMORY_TENANT, [trace]), rels: await store.relations(MEMORY_TENANT, [trace]) };
}

async function graphOf(library: Library, scenario: ScenarioName): Promise<TraceGraph> {
  const { acts, rels } = await rowsOf(library, scenario);
  return buildTrace(acts, rels);
}

const toolNamed = (g: TraceGraph, name: string): ActivityRow => g.tools.find((t) => t.tool_name === name)!;
const shift = (a: ActivityRow, ns: bigint, spanId: string, extra: Partial<ActivityRow> = {}): ActivityRow => ({
  ...a,
  span_id: spanId,
  start_time_unix_nano: String(start(a) + ns),
  end_time_unix_nano: String(end(a) + ns),
  ...extra,
});

describe('executed: the tool request a tool call ran', () => {
  it('by call id, in every library that records one: each scripted tool call pairs with the request its model call made with that id', async () => {
    for (const library of ['vercel-ai', 'langchain', 'openai'] as const) {
      for (const scenario of SCENARIOS) {
        const g = await graphOf(library, scenario);
        // (a model may ask for several calls at once, which a library may run in any order)
        expect(g.tools.map((t) => t.tool_name).sort(), `${library}/${scenario}`).toEqual(scriptedCalls(scenario).map((c) => c.toolName).sort());
        for (const tool of g.tools) {
          const m = matchRequest(g, tool);
          expect(m?.detail, `${library}/${scenario} ${tool.tool_name}`).toBe('call_id');
          const made = g.producers.get(m!.artifactId)!.find((p) => p.act === m!.producer)!;
          expect(made.rel).toMatchObject({ artifact_kind: 'tool_request', call_id: tool.call_id, tool_name: tool.tool_name });
          expect(m!.producer.kind).toBe('llm');
          expect(end(m!.producer)).toBeLessThanOrEqual(start(tool) + 1_000_000n);
        }
      }
    }
  });

  it('by name and arguments when tool spans carry no call id (OpenLLMetry): the request with the same canonical name + arguments', async () => {
    for (const scenario of SCENARIOS) {
      const g = await graphOf('traceloop', scenario);
      for (const tool of g.tools) {
        expect(tool.call_id).toBe('');
        const m = matchRequest(g, tool);
        expect(m, `${scenario} ${tool.tool_name}`).toMatchObject({ artifactId: tool.request_id, how: 'explicit', detail: 'name+arguments' });
      }
    }
  });

  it('falls back from an unknown call id to name + arguments, and from those to the order of same-named calls', async () => {
    const g = await graphOf('openai', 'prompt-injection');
    const send = toolNamed(g, 'send_email');
    const byId = matchRequest(g, send)!;
    expect(matchRequest(g, { ...send, call_id: 'call_nobody_made' })).toEqual({ ...byId, detail: 'name+arguments' });
    expect(matchRequest(g, { ...send, call_id: 'call_nobody_made', request_id: 'f'.repeat(32) })).toEqual({ ...byId, how: 'structural', detail: 'order' });
    expect(matchRequest(g, { ...send, call_id: '', request_id: '', tool_name: '' })).toBeUndefined();
  });

  it('by order: the n-th run of a tool pairs with the n-th request for it, extra runs with the latest', async () => {
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const g0 = buildTrace(acts, rels);
    const send = toolNamed(g0, 'send_email');
    const asked = matchRequest(g0, send)!;
    const askRel = g0.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    // the agent asks again a second later, and runs the tool again after that: neither has ids
    const second = 1_000_000_000n;
    const llm2 = shift(asked.producer, second, 'a'.repeat(16));
    const req2: RelationRow = { ...askRel, span_id: llm2.span_id, artifact_id: 'b'.repeat(32), call_id: '' };
    const send2 = shift(send, second, 'c'.repeat(16), { call_id: '', request_id: '' });
    const send3 = shift(send, 2n * second, 'd'.repeat(16), { call_id: '', request_id: '' });
    const g = buildTrace([...acts, llm2, send2, send3], [...rels, req2]);
    const anonymous = { ...send, call_id: '', request_id: '' };
    expect(matchRequest(g, anonymous)).toMatchObject({ artifactId: asked.artifactId, detail: 'order' });
    expect(matchRequest(g, send2)).toMatchObject({ artifactId: req2.artifact_id, producer: llm2, how: 'structural', detail: 'order' });
    expect(matchRequest(g, send3)).toMatchObject({ artifactId: req2.artifact_id, detail: 'order' });
  });

  it('never pairs a call with a request made after it started, and takes the latest when a call id repeats', async () => {
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const g0 = buildTrace(acts, rels);
    const send = toolNamed(g0, 'send_email');
    const asked = matchRequest(g0, send)!;
    const askRel = g0.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    // the same call id asked again, after the call started: not a candidate
    const late = shift(asked.producer, start(send) - start(asked.producer) + 5_000_000n, 'e'.repeat(16));
    const g1 = buildTrace([...acts, late], [...rels, { ...askRel, span_id: late.span_id, artifact_id: 'b'.repeat(32) }]);
    expect(matchRequest(g1, send)).toEqual(asked);
    // asked again before it started (a retried request with the same id), more than SLACK later: the latest wins
    const retry = shift(asked.producer, SLACK + 1n, 'f'.repeat(16), { end_time_unix_nano: String(end(asked.producer) + SLACK + 1n) });
    const g2 = buildTrace([...acts, retry], [...rels, { ...askRel, span_id: retry.span_id, artifact_id: 'b'.repeat(32) }]);
    expect(start(retry)).toBeLessThanOrEqual(start(send) + SLACK);
    expect(matchRequest(g2, send)).toMatchObject({ artifactId: 'b'.repeat(32), producer: retry, detail: 'call_id' });
  });
});

describe('producers: where content an activity used came from', () => {
  it('in its trace: the latest producer done by the time it was used, the model call a request came from preferred', async () => {
    const g = await graphOf('openai', 'prompt-injection');
    const send = toolNamed(g, 'send_email');
    const asked = matchRequest(g, send)!;
    expect(producerIn(g, asked.artifactId, start(send))).toBe(asked.producer);
    expect(producerIn(g, asked.artifactId, start(send), asked.producer.span_id)).toBe(asked.producer);
    // read before its producer ended: the call still running (a streamed call's output is read before it ends)
    expect(producerIn(g, asked.artifactId, end(asked.producer) - SLACK - 1n)).toBe(asked.producer);
    // read before its producer started: none
    expect(producerIn(g, asked.artifactId, start(asked.producer) - SLACK - 1n)).toBeUndefined();
    // never the reader itself
    expect(producerIn(g, asked.artifactId, start(send), undefined, asked.producer.span_id)).toBeUndefined();
    // two producers done more than SLACK apart: the latest to end wins unless the other is preferred
    const later = 10n * SLACK;
    const again = shift(asked.producer, later, 'a'.repeat(16));
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const askRel = g.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    const g2 = buildTrace([...acts, again], [...rels, { ...askRel, span_id: again.span_id }]);
    expect(producerIn(g2, asked.artifactId, start(send) + later)).toBe(again);
    expect(producerIn(g2, asked.artifactId, start(send) + later, asked.producer.span_id)).toEqual(asked.producer);
  });

  it('elsewhere: the latest producer done by then, in the other traces of its conversation (a chat whose turns are traces)', async () => {
    // the captured run is turn 1; turn 2, an hour later in the same conversation, re-sends its final answer
    const store = await capturedStore('vercel-ai');
    const turn1 = loadCaptured('vercel-ai', 'prompt-injection')!.traceId;
    const { acts, rels } = await rowsOf('vercel-ai', 'prompt-injection');
    const convo = acts.find((a) => a.conversation_id !== '')!.conversation_id;
    const answered = rels.filter((r) => r.relation === 'generated' && r.artifact_kind === 'model_output').at(-1)!;
    const answerer = acts.find((a) => a.span_id === answered.span_id)!;
    const hour = 3_600_000_000_000n;
    const turn2 = 'a'.repeat(32);
    const asker = { ...shift(answerer, hour, 'b'.repeat(16)), trace_id: turn2, parent_span_id: '', conversation_id: convo };
    store.add({ activities: [asker], relations: [{ ...answered, trace_id: turn2, span_id: asker.span_id, relation: 'used', role: 'gen_ai.prompt (history)', seq: 0 }], artifacts: [] });

    const candidates = await store.activitiesAt(MEMORY_TENANT, await store.appearances(MEMORY_TENANT, [answered.artifact_id], 200, ['generated']));
    expect(producerElsewhere(candidates, start(asker))).toEqual(answerer);
    // not yet produced at the time: none
    expect(producerElsewhere(candidates, end(answerer) - SLACK - 1n)).toBeUndefined();
    // the latest of several done by then
    const again = shift(answerer, 2n * SLACK, 'c'.repeat(16));
    expect(producerElsewhere([answerer, again], start(asker))).toBe(again);

    // the walk takes that edge across traces, and only within the conversation
    const o = { tenant: MEMORY_TENANT, direction: 'backward' as const, depth: 2, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES };
    const s = (await new SliceBuilder(store, o).slice({ traceId: turn2, spanId: asker.span_id }))!;
    expect(s.edges).toContainEqual(expect.objectContaining({ from: `act:${turn1}/${answerer.span_id}`, to: `art:${answered.artifact_id}`, relation: 'generated' }));
    // the same content used in an unrelated trace (another conversation): no producer across traces
    store.add({ activities: [{ ...asker, trace_id: 'd'.repeat(32), conversation_id: 'another-conversation' }], relations: [{ ...answered, trace_id: 'd'.repeat(32), span_id: asker.span_id, relation: 'used', seq: 0 }], artifacts: [] });
    const s2 = (await new SliceBuilder(store, o).slice({ traceId: 'd'.repeat(32), spanId: asker.span_id }))!;
    expect(s2.edges.filter((e) => e.to === `art:${answered.artifact_id}` && e.relation === 'generated')).toEqual([]);
  });
});

describe('within clock resolution (SLACK), structure decides: the same answer under ±1 ms of jitter and in any row order', () => {
  const ms = 1_000_000n;
  /** Every way the rows could arrive (reversed, rotated) and every relative jitter of `moved` from -2 ms to +2 ms. */
  function variants(acts: ActivityRow[], rels: RelationRow[], moved: string): TraceGraph[] {
    const out: TraceGraph[] = [];
    for (const d of [-2n * ms, -ms, 0n, ms, 2n * ms]) {
      const jittered = acts.map((a) => (a.span_id === moved ? shift(a, d, a.span_id) : a));
      out.push(buildTrace(jittered, rels), buildTrace([...jittered].reverse(), [...rels].reverse()), buildTrace([...jittered.slice(3), ...jittered.slice(0, 3)], [...rels.slice(5), ...rels.slice(0, 5)]));
    }
    return out;
  }

  it('a streamed model call is still open when its tools start: each tool pairs with the call that streamed its request, in every streamed library', async () => {
    let overlapping = 0;
    for (const library of ['vercel-ai-v5-stream', 'vercel-ai-v6-stream', 'openai-stream', 'openinference-openai-stream', 'langgraph-stream', 'traceloop-stream'] as const) {
      const store = await capturedStore(library);
      for (const scenario of SCENARIOS) {
        const trace = loadCaptured(library, scenario)!.traceId;
        const g = buildTrace(await store.activities(MEMORY_TENANT, [trace]), await store.relations(MEMORY_TENANT, [trace]));
        for (const tool of g.tools) {
          const m = matchRequest(g, tool);
          expect(m?.producer.kind, `${library}/${scenario} ${tool.tool_name}`).toBe('llm');
          expect(g.producers.get(m!.artifactId)!.some((p) => p.act === m!.producer && p.rel.artifact_kind === 'tool_request')).toBe(true);
          if (end(m!.producer) > start(tool)) overlapping++;
        }
      }
    }
    // the captured streams do overlap (otherwise this would prove nothing about streaming)
    expect(overlapping).toBeGreaterThan(10);
  });

  it('two calls asking with one call id within SLACK: the one that read the other\'s output is the later, whatever the jitter; with no structure between them, the span id, never the clock', async () => {
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const g0 = buildTrace(acts, rels);
    const send = toolNamed(g0, 'send_email');
    const asked = matchRequest(g0, send)!;
    const askRel = g0.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    // a second call asking again with the same id, starting within a millisecond, that read the first's request
    const again = shift(asked.producer, 0n, 'f'.repeat(16));
    const retold = [{ ...askRel, span_id: again.span_id, artifact_id: 'b'.repeat(32) }];
    const read: RelationRow = { ...askRel, span_id: again.span_id, relation: 'used', seq: 99 };
    for (const g of variants([...acts, again], [...rels, ...retold, read], again.span_id)) {
      expect(matchRequest(g, send)).toMatchObject({ artifactId: 'b'.repeat(32), detail: 'call_id' });
      expect(matchRequest(g, send)?.producer.span_id).toBe(again.span_id);
    }
    // the other way round: the first read the second's request ('0…' sorts before any span id: it would win a tie by id)
    const before = shift(asked.producer, 0n, '0'.repeat(16));
    const readBack: RelationRow = { ...askRel, span_id: asked.producer.span_id, relation: 'used', artifact_id: 'c'.repeat(32), seq: 99 };
    const made: RelationRow = { ...askRel, span_id: before.span_id, artifact_id: 'c'.repeat(32) };
    for (const g of variants([...acts, before], [...rels, made, readBack], before.span_id)) expect(matchRequest(g, send)).toMatchObject({ artifactId: asked.artifactId, producer: asked.producer });
    // nothing between them: one answer for every jitter and row order
    const answers = new Set(variants([...acts, before], [...rels, made], before.span_id).map((g) => matchRequest(g, send)!.producer.span_id));
    expect([...answers]).toEqual(['0'.repeat(16)]);
  });

  it('model calls decide, not an agent run repeating their request; the call a tool runs inside, before one that merely started later', async () => {
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const g0 = buildTrace(acts, rels);
    const send = toolNamed(g0, 'send_email');
    const asked = matchRequest(g0, send)!;
    const askRel = g0.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    // an agent span reporting the same request, starting later (within SLACK of the tool)
    const agent = shift(asked.producer, start(send) - start(asked.producer), 'a'.repeat(16), { kind: 'agent' });
    for (const g of variants([...acts, agent], [...rels, { ...askRel, span_id: agent.span_id }], agent.span_id)) expect(matchRequest(g, send)?.producer).toEqual(asked.producer);
    // a model call enclosing the tool (Vercel's doStream holds its ai.toolCall spans) beats a later one outside it
    const outer = shift(asked.producer, -10n * SLACK, 'e'.repeat(16));
    const inTool = { ...send, parent_span_id: outer.span_id };
    const g = buildTrace([...acts.filter((a) => a.span_id !== send.span_id), outer, inTool], [...rels, { ...askRel, span_id: outer.span_id, artifact_id: 'e'.repeat(32) }]);
    expect(matchRequest(g, inTool)).toMatchObject({ producer: outer, artifactId: 'e'.repeat(32) });
  });

  it('a producer is never the activity reading the content nor one that came after it by structure, however close the clocks', async () => {
    const { acts, rels } = await rowsOf('openai', 'prompt-injection');
    const g0 = buildTrace(acts, rels);
    const send = toolNamed(g0, 'send_email');
    const asked = matchRequest(g0, send)!;
    const askRel = g0.producers.get(asked.artifactId)!.find((p) => p.act === asked.producer)!.rel;
    const result = g0.producers.get([...g0.producers.keys()].find((k) => g0.producers.get(k)!.some((p) => p.act === send && p.rel.artifact_kind === 'tool_result'))!)!.find((p) => p.act === send)!.rel;
    // a later call that read send_email's result also emits the same request, ending with the tool's start
    const echo = shift(asked.producer, start(send) - start(asked.producer), 'd'.repeat(16), { end_time_unix_nano: String(start(send)) });
    const extra: RelationRow[] = [
      { ...askRel, span_id: echo.span_id },
      { ...result, span_id: echo.span_id, relation: 'used' },
    ];
    for (const g of variants([...acts, echo], [...rels, ...extra], echo.span_id)) {
      expect(producerIn(g, asked.artifactId, start(send), undefined, send.span_id)).toEqual(asked.producer);
      expect(matchRequest(g, send)?.producer).toEqual(asked.producer);
    }
  });
});
