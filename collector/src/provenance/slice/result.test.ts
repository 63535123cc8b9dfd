import type { SliceArtifact } from '@causeway/schemas';
import { MEMORY_TENANT } from '@causeway/testkit/memory-provenance.ts';
import { capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../../fixtures/agents/captured.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { SliceBuilder } from './walk.ts';

describe('slice result', () => {
  it('lists the current trace first among the traces an artifact appears in, and never cuts it off', async () => {
    const store = await capturedStore('openai');
    const pi = loadCaptured('openai', 'prompt-injection')!.traceId;
    const rels = await store.relations(MEMORY_TENANT, [pi]);
    const acts = await store.activities(MEMORY_TENANT, [pi]);
    const emails = (await store.artifacts(MEMORY_TENANT, [...new Set(rels.map((r) => r.artifact_id))])).filter((a) => a.kind === 'document' && a.content.includes('IMPORTANT SYSTEM NOTICE'));
    const reader = rels.find((r) => r.artifact_id === emails[0]!.artifact_id)!;
    const llm = acts.find((a) => a.span_id === reader.span_id)!;
    // the same email read in twelve other traces whose ids sort before this one's
    for (let i = 0; i < 12; i++) {
      const trace = i.toString(16).padStart(32, '0');
      store.add({ activities: [{ ...llm, trace_id: trace, conversation_id: '' }], relations: emails.map((e) => ({ ...reader, trace_id: trace, artifact_id: e.artifact_id })), artifacts: [] });
    }
    const send = acts.find((a) => a.kind === 'tool' && a.tool_name === 'send_email')!;
    const o = { tenant: MEMORY_TENANT, direction: 'backward' as const, depth: 12, maxNodes: 500, trustRules: DEFAULT_TRUST_RULES };
    const slices = [
      await new SliceBuilder(store, o).slice({ traceId: pi, spanId: send.span_id }),
      await new SliceBuilder(store, { ...o, depth: 1, maxNodes: 5000 }).traceGraph(pi),
      await new SliceBuilder(store, { ...o, direction: 'forward' }).slice({ artifactId: emails[0]!.artifact_id, traceId: pi }),
    ];
    for (const s of slices) {
      const nodes = s!.nodes.filter((n): n is SliceArtifact => n.type === 'artifact' && emails.some((e) => e.artifact_id === n.artifactId));
      expect(nodes.length, s!.seed).toBeGreaterThan(0);
      for (const n of nodes) {
        expect(n.traces[0], s!.seed).toBe(pi);
        expect(n.traces.length).toBeLessThanOrEqual(8);
        expect(new Set(n.traces).size).toBe(n.traces.length);
      }
    }
    // seen from nowhere in particular (an artifact seed alone), the list is as stored: by trace id
    const anywhere = (await new SliceBuilder(store, { ...o, direction: 'forward', depth: 1 }).slice({ artifactId: emails[0]!.artifact_id }))!;
    const seed = anywhere.nodes.find((n): n is SliceArtifact => n.id === anywhere.seed)!;
    expect(seed.traces).toEqual([...seed.traces].sort());
    expect(seed.traces).not.toContain(pi);
  });
  it('says a trace graph is cut short when the artifacts fill the node limit before every activity is linked, and not when everything fits', async () => {
    const store = await capturedStore('openai');
    const pi = loadCaptured('openai', 'prompt-injection')!.traceId;
    const o = { tenant: MEMORY_TENANT, direction: 'backward' as const, depth: 1, maxNodes: 5000, trustRules: DEFAULT_TRUST_RULES };
    const whole = (await new SliceBuilder(store, o).traceGraph(pi))!;
    expect(whole.truncated).toBe(false);
    const acts = whole.nodes.filter((n) => n.type === 'activity').length;
    expect(whole.nodes.length).toBeGreaterThan(acts + 1);
    // room for every activity and one artifact: the activities fit, their links do not
    const cut = (await new SliceBuilder(store, { ...o, maxNodes: acts + 1 }).traceGraph(pi))!;
    expect(cut.nodes.filter((n) => n.type === 'activity').length).toBe(acts);
    expect(cut.nodes.length).toBeLessThan(whole.nodes.length);
    expect(cut.truncated).toBe(true);
    expect(cut.truncatedReason).toContain('node limit');
  });
  it('a trace graph full before its copied-text step reads no fingerprint index, yet loads the traces of its conversation as the step does (their producers label artifacts)', async () => {
    const store = await capturedStore('vercel-ai');
    const pi = loadCaptured('vercel-ai', 'prompt-injection')!.traceId;
    const acts = await store.activities(MEMORY_TENANT, [pi]);
    const convo = acts.find((a) => a.conversation_id !== '')!;
    // another trace of the same conversation
    const other = 'c'.repeat(32);
    store.add({ activities: [{ ...convo, trace_id: other }], relations: [], artifacts: [] });
    const asked = async (maxNodes: number) => {
      const from = store.calls.length;
      await new SliceBuilder(store, { tenant: MEMORY_TENANT, direction: 'backward', depth: 1, maxNodes, trustRules: DEFAULT_TRUST_RULES }).traceGraph(pi);
      return store.calls.slice(from);
    };
    const whole = await asked(5000);
    const cut = await asked(acts.length + 1);
    const traces = (calls: typeof whole) => calls.filter((c) => c.method === 'relations').flatMap((c) => c.keys);
    expect(traces(whole)).toContain(other);
    expect(traces(cut)).toEqual(traces(whole));
    expect(whole.some((c) => c.method === 'artifactFacts')).toBe(true);
    expect(cut.some((c) => c.method === 'artifactFacts')).toBe(false);
  });
});
