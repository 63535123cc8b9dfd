import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { compareTraces } from './compare.ts';

const INJECTED = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/openai-prompt-injection.trace.json'), 'utf8')) as SliceResponse;

/** The same run without the injected e-mail and without what it caused (export and send). */
function benignOf(s: SliceResponse): SliceResponse {
  const drop = new Set(s.nodes.filter((n) => (n.type === 'artifact' && n.preview.includes('IMPORTANT SYSTEM NOTICE')) || (n.type === 'activity' && ['export_customers', 'send_email'].includes(n.toolName))).map((n) => n.id));
  for (const e of s.edges) if (e.relation === 'executed' && drop.has(e.to)) drop.add(e.from);
  return { ...s, nodes: s.nodes.filter((n) => !drop.has(n.id)), edges: s.edges.filter((e) => !drop.has(e.from) && !drop.has(e.to)) };
}

describe('comparing a benign run with an injected one', () => {
  const c = compareTraces(benignOf(INJECTED), INJECTED);

  it('names the input only the injected run read: the injected e-mail', () => {
    expect(c.inputs.onlyA).toEqual([]);
    expect(c.inputs.onlyB.map((i) => i.label)).toEqual([expect.stringContaining('msg-7f3a91')]);
    expect(c.inputs.onlyB[0]!.trust).toBe('untrusted');
    expect(c.inputs.both.some((i) => i.kind === 'system_instruction')).toBe(true);
  });

  it('names the actions only the injected run took, with their arguments', () => {
    expect(c.actions.onlyB.map((a) => a.kind).sort()).toEqual(['export_customers', 'send_email']);
    expect(c.actions.onlyB.find((a) => a.kind === 'send_email')!.label).toContain('send_email(');
    expect(c.actions.both.map((a) => a.kind)).toEqual(['search_email']);
    expect(c.tools).toEqual([
      { name: 'export_customers', a: 0, b: 1 },
      { name: 'search_email', a: 1, b: 1 },
      { name: 'send_email', a: 0, b: 1 },
    ]);
  });
});
