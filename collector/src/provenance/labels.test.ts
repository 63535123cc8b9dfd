import type { ActivityRow, RelationRow, SliceArtifact } from '@causeway/schemas';
import { MEMORY_TENANT } from '@causeway/testkit/memory-provenance.ts';
import { LIBRARIES, capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../fixtures/agents/captured.ts';
import { SCENARIOS } from '../../../fixtures/agents/scenarios.ts';
import { describeArtifact } from './artifact-view.ts';
import { labelArtifact, producerNames, producersOf, trustSubject, untrustedBy } from './labels.ts';
import { SliceBuilder } from './slice/index.ts';
import { DEFAULT_TRUST_RULES } from './trust.ts';

const act = { tool_name: 'search_email', name: 'execute_tool search_email', data_source: '' };

describe('trust labeller', () => {
  it('names an artifact after what generated it, or generated the result holding it, never after what used it', () => {
    expect(producerNames(act, { relation: 'generated', tool_name: '' })).toEqual(['search_email', 'execute_tool search_email']);
    expect(producerNames({ ...act, data_source: 'mailbox' }, { relation: 'part_of', tool_name: 'imap_fetch' })).toEqual(['search_email', 'execute_tool search_email', 'mailbox', 'imap_fetch']);
    expect(producerNames(act, { relation: 'used', tool_name: 'search_email' })).toEqual([]);
    // a model call's span name names the operation, not a source: `chat` is no outside sender
    expect(producerNames({ tool_name: '', name: 'chat gpt-4o', data_source: '', kind: 'llm' }, { relation: 'part_of', tool_name: '' })).toEqual([]);
    expect(labelArtifact(DEFAULT_TRUST_RULES, { kind: 'document', tool_name: '', source: '', document_id: 'kb/policy.md' }, producerNames({ tool_name: '', name: 'chat gpt-4o', data_source: '', kind: 'llm' }, { relation: 'part_of', tool_name: '' })).trust).not.toBe('untrusted');
    const rel = (relation: RelationRow['relation'], artifact_id: string): RelationRow =>
      ({ trace_id: 't', span_id: 's', relation, artifact_id, tool_name: '' }) as RelationRow;
    const p = producersOf([rel('generated', 'a'), rel('used', 'b'), rel('part_of', 'c')], [{ ...act, trace_id: 't', span_id: 's' } as ActivityRow]);
    expect([p.of('a'), p.of('b'), p.of('c')]).toEqual([['search_email', 'execute_tool search_email'], [], ['search_email', 'execute_tool search_email']]);
  });

  it('labels by the rules with its own tool name among the producers, and the search filter agrees with the label', () => {
    const doc = { kind: 'document' as const, tool_name: '', source: '', document_id: 'kb-1' };
    expect(labelArtifact(DEFAULT_TRUST_RULES, doc, ['search_docs']).trust).toBe('unknown');
    expect(labelArtifact(DEFAULT_TRUST_RULES, { ...doc, tool_name: 'fetch_url' }, ['search_docs']).trust).toBe('untrusted');
    expect(labelArtifact(DEFAULT_TRUST_RULES, { ...doc, kind: 'user_prompt' }, []).trust).toBe('trusted');
    const untrusted = untrustedBy(DEFAULT_TRUST_RULES);
    for (const [a, producers] of [
      [doc, ['search_docs']],
      [{ ...doc, tool_name: 'fetch_url' }, ['search_docs']],
      [{ ...doc, source: 'https://example.com' }, []],
      [{ ...doc, kind: 'system_instruction' as const }, []],
    ] as const) {
      expect(untrusted(trustSubject(a, [...producers]))).toBe(labelArtifact(DEFAULT_TRUST_RULES, a, [...producers]).trust === 'untrusted');
    }
  });

  it('gives every artifact of every captured trace the same label in the trace graph, the artifact endpoint and the trace search', async () => {
    let compared = 0;
    for (const library of LIBRARIES) {
      const store = await capturedStore(library);
      for (const scenario of SCENARIOS) {
        const trace = loadCaptured(library, scenario)!.traceId;
        const graph = (await new SliceBuilder(store, { tenant: MEMORY_TENANT, direction: 'backward', depth: 1, maxNodes: 5000, trustRules: DEFAULT_TRUST_RULES }).traceGraph(trace))!;
        const acts = await store.activities(MEMORY_TENANT, [trace]);
        const rels = await store.relations(MEMORY_TENANT, [trace]);
        // the search labels what a trace touched from that trace's own relations
        const inTrace = producersOf(rels, acts);
        for (const n of graph.nodes.filter((x): x is SliceArtifact => x.type === 'artifact')) {
          const row = store.artifact(n.artifactId)!;
          const seenHere = rels.some((r) => r.artifact_id === n.artifactId);
          const everywhere = new Set((await store.appearances(MEMORY_TENANT, [n.artifactId], 200)).map((a) => a.trace_id));
          // labels agree where the evidence does: an artifact seen only in this trace
          if (!seenHere || everywhere.size > 1) continue;
          const search = untrustedBy(DEFAULT_TRUST_RULES)(trustSubject(row, inTrace.of(n.artifactId)));
          const view = (await describeArtifact(store, MEMORY_TENANT, DEFAULT_TRUST_RULES, n.artifactId, 200))!;
          expect({ id: n.id, trust: view.artifact.trust, why: view.artifact.trustWhy, rule: view.artifact.trustRule, matched: view.artifact.trustMatched, untrusted: search }).toEqual({
            id: n.id,
            trust: n.trust,
            why: n.trustWhy,
            rule: n.trustRule,
            matched: n.trustMatched,
            untrusted: n.trust === 'untrusted',
          });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('labels an artifact seen in several traces from all of them in the endpoint: the injected email is untrusted wherever it was read', async () => {
    for (const library of LIBRARIES) {
      const store = await capturedStore(library);
      const pi = loadCaptured(library, 'prompt-injection')!.traceId;
      const rels = await store.relations(MEMORY_TENANT, [pi]);
      const docs = (await store.artifacts(MEMORY_TENANT, [...new Set(rels.map((r) => r.artifact_id))])).filter((a) => a.kind === 'document' && a.content.includes('IMPORTANT SYSTEM NOTICE'));
      expect(docs.length, library).toBeGreaterThan(0);
      for (const d of docs) {
        const view = (await describeArtifact(store, MEMORY_TENANT, DEFAULT_TRUST_RULES, d.artifact_id, 200))!;
        expect(new Set(view.appearances.map((a) => a.traceId)).size, library).toBeGreaterThan(1);
        expect(view.artifact.trust, library).toBe('untrusted');
        expect(view.appearances.every((a) => a.role !== '' && a.activityName !== ''), library).toBe(true);
      }
    }
  });
});
