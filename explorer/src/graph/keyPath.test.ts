import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SliceActivity, SliceArtifact, SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { impactTier, keyNode, taintPathsTo, traceHighlight } from './keyPath.ts';

const TRACE = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/openai-prompt-injection.trace.json'), 'utf8')) as SliceResponse;
const SEND = 'act:93e6dcc25a4259b8a99434c09451decf/87a40403108d0fcc';
const injected = TRACE.nodes.find((n) => n.type === 'artifact' && n.preview.includes('IMPORTANT SYSTEM NOTICE'))!.id;
const sendResult = TRACE.nodes.find((n) => n.type === 'artifact' && n.preview.includes('"status":"sent"'))!.id;

describe('the key node of a trace', () => {
  it('is the most recent high-impact tool call untrusted content reached: send_email in the demo incident', () => {
    expect(keyNode(TRACE)).toMatchObject({ id: SEND, tier: 3 });
  });

  it('ranks tools by what they can do', () => {
    expect(impactTier('send_email')).toBe(3);
    expect(impactTier('delete_repo')).toBe(2);
    expect(impactTier('export_customers')).toBe(1);
    expect(impactTier('search_email')).toBe(0); // reading mail reads: it is how untrusted text gets in
    expect(impactTier('fetch_url')).toBe(0);
    expect(impactTier('lookup_order')).toBe(0);
  });

  it('ignores a tool call reached only through a coincidental overlap', () => {
    const t = '1'.repeat(32);
    const doc: SliceArtifact = { id: 'art:d', type: 'artifact', artifactId: 'd', kind: 'document', trust: 'untrusted', trustWhy: '', trustRule: '', preview: '', contentLength: 0, toolName: '', documentId: '', source: '', traces: [t], depth: 0, tainted: true };
    const req: SliceArtifact = { ...doc, id: 'art:r', artifactId: 'r', kind: 'tool_request', trust: 'unknown' };
    const send: SliceActivity = { id: `act:${t}/${'2'.repeat(16)}`, type: 'activity', traceId: t, spanId: '2'.repeat(16), parentSpanId: '', kind: 'tool', name: 'send_email', operation: '', convention: '', agent: '', toolName: 'send_email', callId: '', service: '', start: '10', end: '20', status: 0, depth: 0, tainted: true };
    const graph = (score: number): SliceResponse => ({
      seed: `trace:${t}`, direction: 'trace', depth: 1, truncated: false, taintPaths: [], nodes: [doc, req, send],
      edges: [{ from: doc.id, to: req.id, relation: 'derived_from', how: 'content', score }, { from: req.id, to: send.id, relation: 'executed', how: 'explicit' }],
    });
    expect(keyNode(graph(0.06))).toBeUndefined();
    expect(keyNode(graph(0.4))?.id).toBe(send.id);
  });
});

describe('taint paths and highlight from the trace graph alone', () => {
  it('finds every untrusted source that reaches send_email, the injected e-mail by the strongest path', () => {
    const paths = taintPathsTo(TRACE, SEND);
    expect(paths.length).toBeGreaterThan(1);
    for (const p of paths) expect(p.nodes.at(-1)).toBe(SEND);
    // first: the path along which the e-mail's text was copied into send_email's arguments
    expect(paths[0]!.source).toBe(injected);
    const fromInjected = paths.find((p) => p.source === injected)!;
    expect(fromInjected.nodes.length).toBe(3); // e-mail → the send_email request that copied it → send_email
    // the API's own taint paths to send_email agree
    const api = TRACE.taintPaths.filter((p) => p.nodes.at(-1) === SEND);
    expect(new Set(paths.map((p) => p.source))).toEqual(new Set(api.map((p) => p.source)));
  });

  it('marks causes, effects and taint of a node before any slice is loaded', () => {
    const h = traceHighlight(TRACE, SEND);
    expect(h.causes.has(injected)).toBe(true);
    expect(h.taintNodes.has(injected)).toBe(true);
    expect(h.effects.has(sendResult)).toBe(true);
    expect(h.causes.has(sendResult)).toBe(false);
    expect(h.causes.has(SEND)).toBe(false);
  });
});
