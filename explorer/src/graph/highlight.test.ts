import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { foldHighlight, roleOf, sliceHighlight } from './highlight.ts';
import { collapseArtifacts } from './aggregate.ts';
import { buildGraph, type Graph } from './model.ts';

const FIX = join(import.meta.dirname, '../../test/fixtures');
const load = (f: string): SliceResponse => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as SliceResponse;
const TRACE = load('openai-prompt-injection.trace.json');
const BACK = load('openai-prompt-injection.send_email.backward.json');
const FWD = load('openai-prompt-injection.send_email.forward.json');
const SEND = 'act:93e6dcc25a4259b8a99434c09451decf/87a40403108d0fcc';
const byPreview = (g: Graph, text: string): string => g.nodes.find((n) => n.data.type === 'artifact' && n.data.preview.includes(text))!.id;
const byTool = (g: Graph, tool: string): string => g.nodes.find((n) => n.data.type === 'activity' && n.data.toolName === tool)!.id;

describe('slice highlighting', () => {
  const g = buildGraph(TRACE);
  const h = sliceHighlight(SEND, BACK, FWD);

  it('marks the injected email as a cause of send_email, on a taint path, and what came after as effects', () => {
    const injected = byPreview(g, 'IMPORTANT SYSTEM NOTICE');
    expect(roleOf(h, SEND)).toBe('seed');
    expect(roleOf(h, injected)).toBe('cause');
    expect(h.taintNodes.has(injected)).toBe(true);
    expect(h.untrustedSources.has(injected)).toBe(true);
    // the path ends at the seed through the send_email request that copied the address
    const req = byPreview(g, 'send_email(');
    expect(h.taintEdges.has(`${injected}>${req}`)).toBe(true);
    expect(h.taintEdges.has(`${req}>${SEND}`)).toBe(true);
    // send_email's own result is an effect, not a cause, and not on a taint path to the seed
    const result = g.nodes.find((n) => n.data.type === 'artifact' && n.data.preview.includes('"status":"sent"'))!.id;
    expect(roleOf(h, result)).toBe('effect');
    expect(h.taintNodes.has(result)).toBe(false);
  });

  it('in the collapsed view the roles move to the activity that holds the artifact', () => {
    const c = collapseArtifacts(g);
    const f = foldHighlight(h, c.foldedInto!);
    const search = byTool(g, 'search_email');
    expect(roleOf(f, search)).toBe('cause');
    expect(f.taintNodes.has(search)).toBe(true);
    expect(f.seed).toBe(SEND);
  });
});
