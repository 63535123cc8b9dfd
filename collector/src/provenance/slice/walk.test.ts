// The walk over every captured library fixture (streamed and not), on an in-memory reader filled
// through the collector's real pipeline: the backward slice of each tool call holds the model
// call that decided it with what that call saw, the forward slice from a request reaches only the
// tools that ran it, and the same payloads replayed with every timestamp jittered by ±1 ms and
// every span and log record arriving in shuffled order give the identical slices. (The end-to-end
// version, through a collector process and chDB, is fixtures/agents/causal-chains.test.ts.)
import type { ActivityRow, SliceResponse } from '@causeway/schemas';
import { MEMORY_TENANT, MemoryIngest, type MemoryProvenanceStore } from '@causeway/testkit/memory-provenance.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { decisionMissing, normalized, taintedBy, toolNames } from '../../../../fixtures/agents/chains.ts';
import { type OtlpRequest, oneItemPerRequest, replay, shuffled } from '../../../../fixtures/agents/replay.ts';
import { SCENARIOS, type ScenarioName } from '../../../../fixtures/agents/scenarios.ts';
import { LIBRARIES, type Library } from '../../../../fixtures/agents/telemetry.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { matchRequest } from './matching.ts';
import { buildTrace } from './trace-graph.ts';
import { type SliceOptions, SliceBuilder } from './walk.ts';

/** Jittered, shuffled replays of each fixture (the issue asked for eight runs of one scenario). */
const REPLAYS = 8;
const opts = (direction: 'backward' | 'forward'): SliceOptions => ({ tenant: MEMORY_TENANT, direction, depth: 12, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES });

interface Fixture {
  scenario: ScenarioName;
  base: string;
  jittered: string[];
}

const stores = new Map<Library, Promise<{ store: MemoryProvenanceStore; fixtures: Fixture[] }>>();
const libraryStore = (library: Library): Promise<{ store: MemoryProvenanceStore; fixtures: Fixture[] }> => stores.get(library) ?? stores.set(library, filled(library)).get(library)!;

/** One store per library: every scenario as captured, then REPLAYS jittered replays of each, all items shuffled. */
async function filled(library: Library): Promise<{ store: MemoryProvenanceStore; fixtures: Fixture[] }> {
  const ingest = new MemoryIngest();
  const fixtures: Fixture[] = [];
  const jittered: OtlpRequest[] = [];
  for (const scenario of SCENARIOS) {
    const base = replay(library, scenario, { tag: 'base' });
    for (const signal of ['/v1/traces', '/v1/logs']) for (const r of base.requests.filter((x) => x.path === signal)) await ingest.post(r.path, r.body);
    const f: Fixture = { scenario, base: base.traceId, jittered: [] };
    for (let n = 1; n <= REPLAYS; n++) {
      const r = replay(library, scenario, { tag: `jitter-${n}`, jitterSeed: 7919 * n + SCENARIOS.indexOf(scenario) });
      f.jittered.push(r.traceId);
      jittered.push(...r.requests.flatMap(oneItemPerRequest));
    }
    fixtures.push(f);
  }
  for (const r of shuffled(jittered, 20261205)) await ingest.post(r.path, r.body);
  return { store: ingest.store, fixtures };
}

const tools = (store: MemoryProvenanceStore, traceId: string): ActivityRow[] =>
  store
    .activitiesOf(traceId)
    .filter((a) => a.kind === 'tool')
    .sort((a, b) => a.span_id.localeCompare(b.span_id));
const slice = async (store: MemoryProvenanceStore, traceId: string, spanId: string): Promise<SliceResponse> => (await new SliceBuilder(store, opts('backward')).slice({ traceId, spanId }))!;

describe('the walk over every captured library fixture, streamed and not (in-memory reader)', () => {
  const summary: string[] = [];
  afterAll(() => process.stdout.write(`walk over the fixtures (tool calls: decision missing, jittered replays differing of compared):\n${summary.join('\n')}\n`));
  for (const library of LIBRARIES) {
    it(`${library}: each tool call's backward slice holds its decision and what it saw; ${REPLAYS} replays jittered ±1 ms and shuffled give identical slices`, async () => {
      const { store, fixtures } = await libraryStore(library);
      const missing: string[] = [];
      const differing: string[] = [];
      let compared = 0;
      for (const f of fixtures) {
        const arts = new Set(store.relationsOf(f.base).map((r) => store.artifact(r.artifact_id)?.kind));
        const expected = { system: arts.has('system_instruction'), user: arts.has('user_prompt') };
        const baseTools = tools(store, f.base);
        expect(baseTools.length, `${f.scenario}: tool calls`).toBeGreaterThan(0);
        for (const tool of baseTools) {
          const want = await slice(store, f.base, tool.span_id);
          const why = decisionMissing(want, expected);
          if (why) missing.push(`${f.scenario}/${tool.tool_name}: ${why}`);
          if (f.scenario === 'prompt-injection' && tool.tool_name === 'send_email' && !taintedBy(want, 'IMPORTANT SYSTEM NOTICE')) missing.push(`${f.scenario}/send_email: no taint path from the injected email`);
          const json = normalized(want, f.base);
          for (const [i, traceId] of f.jittered.entries()) {
            compared++;
            if (normalized(await slice(store, traceId, tool.span_id), traceId) !== json) differing.push(`${f.scenario}/${tool.tool_name} replay ${i + 1}`);
          }
        }
      }
      const calls = fixtures.reduce((n, f) => n + tools(store, f.base).length, 0);
      summary.push(`  ${library}: ${calls} tool calls, ${missing.length} without their decision or its context; ${differing.length} of ${compared} jittered slices differ`);
      expect(compared).toBe(calls * REPLAYS);
      expect({ missing, differing }).toEqual({ missing: [], differing: [] });
    });
  }

  it('forward from a tool request: the tools that ran it, seen from the model call that made it, in every library', async () => {
    for (const library of LIBRARIES) {
      const { store, fixtures } = await libraryStore(library);
      for (const f of fixtures.filter((x) => x.scenario === 'prompt-injection')) {
        for (const traceId of [f.base, ...f.jittered]) {
          const g = buildTrace(store.activitiesOf(traceId), store.relationsOf(traceId));
          for (const tool of g.tools) {
            const m = matchRequest(g, tool)!;
            expect(m, `${library} ${tool.tool_name}`).toBeDefined();
            // from the request as its model call made it: this tool, however the clocks overlap
            const fwd = (await new SliceBuilder(store, opts('forward')).slice({ traceId, spanId: m.producer.span_id }))!;
            expect(toolNames(fwd, traceId), `${library} ${traceId} ${tool.tool_name}`).toContain(tool.tool_name);
            expect(fwd.edges, `${library} ${tool.tool_name}`).toContainEqual(expect.objectContaining({ from: `art:${m.artifactId}`, to: `act:${traceId}/${tool.span_id}`, relation: 'executed' }));
          }
        }
      }
    }
  });
});
