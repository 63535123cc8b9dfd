import type { SliceActivity, SliceArtifact, SliceEdge, SliceNode, SliceResponse } from '@causeway/schemas';
import { capturedStore } from '@causeway/testkit/slice-corpus.ts';
import { MEMORY_TENANT } from '@causeway/testkit/memory-provenance.ts';
import { describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../../fixtures/agents/captured.ts';
import { DEFAULT_TRUST_RULES } from '../trust.ts';
import { TAINT_PATHS, taint } from './taint.ts';
import { SliceBuilder } from './walk.ts';

const art = (id: string, trust: SliceArtifact['trust'] = 'unknown'): SliceArtifact => ({
  id,
  type: 'artifact',
  artifactId: id.slice(4),
  kind: 'document',
  trust,
  trustWhy: '',
  trustRule: 'none',
  preview: '',
  contentLength: 0,
  toolName: '',
  documentId: '',
  source: '',
  traces: [],
  depth: 0,
  tainted: false,
});
const act = (id: string, kind: SliceActivity['kind'] = 'llm'): SliceActivity => ({
  id,
  type: 'activity',
  traceId: 't',
  spanId: id,
  parentSpanId: '',
  kind,
  name: id,
  operation: '',
  convention: '',
  agent: '',
  toolName: '',
  callId: '',
  service: '',
  start: '0',
  end: '0',
  status: 0,
  depth: 0,
  tainted: false,
});
const edge = (from: string, to: string, relation: SliceEdge['relation'] = 'used'): SliceEdge => ({ from, to, relation, how: 'explicit' });
const tainted = (nodes: SliceNode[]): string[] => nodes.filter((n) => n.tainted).map((n) => n.id);

describe('taint', () => {
  it('marks everything downstream of untrusted content and gives the shortest path from it to the seed', () => {
    const nodes = [art('art:mail', 'untrusted'), act('act:llm'), art('art:req'), act('act:send', 'tool'), art('art:prompt', 'trusted')];
    const edges = [
      edge('art:mail', 'act:llm'),
      edge('act:llm', 'art:req', 'generated'),
      edge('art:req', 'act:send', 'executed'),
      edge('art:mail', 'art:req', 'derived_from'), // a shortcut: copied straight from the mail
      edge('art:prompt', 'act:llm'),
    ];
    const paths = taint(nodes, edges, 'act:send', 'backward');
    expect(paths).toEqual([{ source: 'art:mail', nodes: ['art:mail', 'art:req', 'act:send'] }]);
    expect(tainted(nodes).sort()).toEqual(['act:llm', 'act:send', 'art:mail', 'art:req']);
  });

  it('does not flow along span parentage (child_of), and trusted or unknown content is no source', () => {
    const nodes = [act('act:agent'), art('art:mail', 'untrusted'), act('act:tool', 'tool'), art('art:kb', 'unknown'), act('act:other', 'tool')];
    const edges = [edge('act:agent', 'act:tool', 'child_of'), edge('art:mail', 'act:agent'), edge('art:kb', 'act:other')];
    const paths = taint(nodes, edges, 'trace:t', 'trace');
    expect(paths).toEqual([]);
    expect(tainted(nodes)).toEqual(['act:agent', 'art:mail']);
  });

  it('forward and in trace graphs, lists a path to every tool call each untrusted source reached, shortest first', () => {
    const nodes = [art('art:a', 'untrusted'), art('art:b', 'untrusted'), act('act:llm'), act('act:t1', 'tool'), act('act:t2', 'tool')];
    const edges = [edge('art:a', 'act:t1'), edge('art:a', 'act:llm'), edge('act:llm', 'act:t2', 'executed'), edge('art:b', 'act:llm')];
    const paths = taint(nodes, edges, 'art:a', 'forward');
    expect(paths).toEqual([
      { source: 'art:a', nodes: ['art:a', 'act:t1'] },
      { source: 'art:a', nodes: ['art:a', 'act:llm', 'act:t2'] },
      { source: 'art:b', nodes: ['art:b', 'act:llm', 'act:t2'] },
    ]);
  });

  it(`keeps at most ${TAINT_PATHS} paths`, () => {
    const nodes: SliceNode[] = [act('act:seed', 'tool')];
    const edges: SliceEdge[] = [];
    for (let i = 0; i < TAINT_PATHS + 20; i++) {
      nodes.push(art(`art:${i}`, 'untrusted'));
      edges.push(edge(`art:${i}`, 'act:seed'));
    }
    expect(taint(nodes, edges, 'act:seed', 'backward')).toHaveLength(TAINT_PATHS);
  });

  it('gives the paths and marks that listing every path from every source, then sorting, gives: on many random graphs', () => {
    // the definition: a breadth-first walk per source, every path to a target listed, shortest first (stable), the first TAINT_PATHS
    const reference = (nodes: SliceNode[], edges: SliceEdge[], seed: string, direction: SliceResponse['direction']) => {
      const out = new Map<string, SliceEdge[]>();
      for (const e of edges) if (e.relation !== 'child_of') (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
      const marked = new Set<string>();
      const targets = new Set(direction === 'backward' ? [seed] : nodes.filter((n) => n.type === 'activity' && n.kind === 'tool').map((n) => n.id));
      const paths: { source: string; nodes: string[] }[] = [];
      for (const s of nodes.filter((n) => n.type === 'artifact' && n.trust === 'untrusted').map((n) => n.id)) {
        const prev = new Map<string, string>([[s, '']]);
        const queue = [s];
        for (let i = 0; i < queue.length; i++) {
          marked.add(queue[i]!);
          for (const e of out.get(queue[i]!) ?? []) if (!prev.has(e.to)) queue.push((prev.set(e.to, queue[i]!), e.to));
        }
        for (const t of targets) {
          if (!prev.has(t) || t === s) continue;
          const path = [t];
          for (let p = prev.get(t)!; p; p = prev.get(p)!) path.unshift(p);
          paths.push({ source: s, nodes: path });
        }
      }
      return { paths: paths.sort((a, b) => a.nodes.length - b.nodes.length).slice(0, TAINT_PATHS), marked: [...marked].sort() };
    };
    let seed = 5;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const relations: SliceEdge['relation'][] = ['used', 'generated', 'executed', 'derived_from', 'child_of', 'part_of'];
    for (let round = 0; round < 150; round++) {
      const n = 2 + rand(60);
      const nodes: SliceNode[] = Array.from({ length: n }, (_, i) => (rand(2) === 0 ? art(`art:${i}`, (['untrusted', 'trusted', 'unknown'] as const)[rand(3)]!) : act(`act:${i}`, rand(3) === 0 ? 'tool' : 'llm')));
      const edges = Array.from({ length: rand(4 * n) }, () => edge(nodes[rand(n)]!.id, nodes[rand(n)]!.id, relations[rand(relations.length)]));
      const direction = (['backward', 'forward', 'trace'] as const)[rand(3)]!;
      const seedId = nodes[rand(n)]!.id;
      const want = reference(nodes, edges, seedId, direction);
      const got = taint(nodes, edges, seedId, direction);
      expect(got).toEqual(want.paths);
      expect(tainted(nodes).sort()).toEqual(want.marked);
    }
  });

  it('on the captured prompt injection of every library: the injected email taints send_email, with a path to it; every tool call the trace graph reaches from it is tainted', async () => {
    for (const library of ['vercel-ai', 'langchain', 'openai', 'traceloop'] as const) {
      const store = await capturedStore(library);
      const trace = loadCaptured(library, 'prompt-injection')!.traceId;
      const o = { tenant: MEMORY_TENANT, direction: 'backward' as const, depth: 12, maxNodes: 5000, trustRules: DEFAULT_TRUST_RULES };
      const graph = (await new SliceBuilder(store, { ...o, depth: 1 }).traceGraph(trace))!;
      const send = graph.nodes.find((n): n is SliceActivity => n.type === 'activity' && n.kind === 'tool' && n.toolName === 'send_email')!;
      const s = (await new SliceBuilder(store, o).slice({ traceId: trace, spanId: send.spanId }))!;
      const mail = s.nodes.find((n): n is SliceArtifact => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('IMPORTANT SYSTEM NOTICE'))!;
      expect(mail.trust, library).toBe('untrusted');
      expect(s.nodes.find((n) => n.id === s.seed)!.tainted, library).toBe(true);
      const path = s.taintPaths.find((p) => p.source === mail.id && p.nodes.at(-1) === s.seed);
      expect(path, library).toBeDefined();
      // each step of the path is an edge of the slice
      for (let i = 1; i < path!.nodes.length; i++) expect(s.edges.some((e) => e.from === path!.nodes[i - 1] && e.to === path!.nodes[i]), library).toBe(true);
      expect(graph.nodes.find((n) => n.id === send.id)!.tainted, library).toBe(true);
      for (const p of graph.taintPaths) expect(graph.nodes.find((n) => n.id === p.nodes.at(-1))).toMatchObject({ kind: 'tool', tainted: true });
    }
  });
});
