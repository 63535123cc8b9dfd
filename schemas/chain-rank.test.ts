import { describe, expect, it } from 'vitest';
import { rankChains } from './chain-rank.ts';
import type { SliceActivity, SliceArtifact, SliceEdge, SliceResponse } from './provenance.ts';

const T = '1'.repeat(32);
const art = (id: string, kind: SliceArtifact['kind'], trust: SliceArtifact['trust']): SliceArtifact => ({
  id, type: 'artifact', artifactId: id, kind, trust, trustWhy: '', trustRule: '', preview: '', contentLength: 0, toolName: '', documentId: '', source: '', traces: [T], depth: 0, tainted: true,
});
const tool = (id: string, name: string): SliceActivity => ({
  id, type: 'activity', traceId: T, spanId: id.padEnd(16, '0'), parentSpanId: '', kind: 'tool', name, operation: '', convention: '', agent: '', toolName: name, callId: '', service: '', start: '1', end: '2', status: 0, depth: 0, tainted: true,
});

describe('the order chains from untrusted content are told in (explorer and report alike)', () => {
  const mail = art('mail', 'document', 'untrusted');
  const board = art('board', 'document', 'untrusted');
  const req = art('req', 'tool_request', 'unknown');
  const send = tool('send', 'send_email');
  const search = tool('search', 'search_files');
  const paths = [
    { source: board.id, nodes: [board.id, send.id] },
    { source: mail.id, nodes: [mail.id, req.id, send.id] },
    { source: mail.id, nodes: [mail.id, search.id] },
  ];
  const graph = (into: SliceEdge[]): Pick<SliceResponse, 'nodes' | 'edges'> => ({
    nodes: [mail, board, req, send, search],
    edges: [
      ...into,
      { from: req.id, to: send.id, relation: 'executed', how: 'explicit' },
      { from: board.id, to: send.id, relation: 'used', how: 'explicit' },
      { from: mail.id, to: search.id, relation: 'used', how: 'explicit' },
    ],
  });

  it('tells text copied into a high-impact call first, even when a recorded link between the same nodes is stronger', () => {
    // the explorer's old ranking kept only the strongest edge per pair, so the copy behind a recorded link was missed
    const g = graph([
      { from: mail.id, to: req.id, relation: 'used', how: 'explicit' },
      { from: mail.id, to: req.id, relation: 'derived_from', how: 'content', score: 0.4 },
    ]);
    const ranked = rankChains(paths, g);
    expect(ranked.map((c) => c.path.nodes[0])).toEqual([mail.id, board.id, mail.id]);
    expect(ranked[0]).toMatchObject({ tier: 3, strength: 1, copiedInto: 0.4 });
    expect(ranked[2]).toMatchObject({ tier: 0, action: search }); // not high-impact: last
  });

  it('does not count a coincidental overlap as copied text, and puts a chain with one after chains without', () => {
    const ranked = rankChains(paths, graph([{ from: mail.id, to: req.id, relation: 'derived_from', how: 'content', score: 0.06 }]));
    expect(ranked.map((c) => c.path)).toEqual([paths[0], paths[2], paths[1]]);
    expect(ranked[2]).toMatchObject({ tier: 3, strength: 0.06, copiedInto: undefined }); // after even the read-only call's chain
  });

  it('orders equal chains by their node ids, so every caller sees one order', () => {
    const twin = [{ source: 'b', nodes: ['b', send.id] }, { source: 'a', nodes: ['a', send.id] }];
    const g = { nodes: [art('a', 'document', 'untrusted'), art('b', 'document', 'untrusted'), send], edges: twin.map((p) => ({ from: p.source, to: send.id, relation: 'used', how: 'explicit' }) as SliceEdge) };
    expect(rankChains(twin, g).map((c) => c.path.source)).toEqual(['a', 'b']);
    expect(rankChains([...twin].reverse(), g).map((c) => c.path.source)).toEqual(['a', 'b']);
  });
});
