import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../graph/model.ts';
import { replaySteps, visibleAt } from './replay.ts';

const TRACE = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/openai-prompt-injection.trace.json'), 'utf8')) as SliceResponse;

describe('replay', () => {
  const g = buildGraph(TRACE);
  const steps = replaySteps(g);
  const label = (id: string): string => g.nodes.find((n) => n.id === id)!.label;
  const preview = (id: string): string => (g.nodes.find((n) => n.id === id)!.data as { preview: string }).preview;

  it('steps through every activity in time order, the agent span first', () => {
    expect(steps.map((s) => s.kind)).toEqual(['agent', 'llm', 'tool', 'llm', 'tool', 'llm', 'tool', 'llm']);
    expect(steps.filter((s) => s.kind !== 'llm').map((s) => s.label)).toEqual(['agent mail-triage', 'search_email', 'export_customers', 'send_email']);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.t).toBeGreaterThanOrEqual(steps[i - 1]!.t);
  });

  it('shows what the agent could see: the send_email step sees the injected email through its llm call', () => {
    const send = steps.find((s) => s.label === 'send_email')!;
    expect(send.contextFrom && g.nodes.find((n) => n.id === send.contextFrom)!.kind).toBe('llm');
    const seen = send.context.map(preview);
    expect(seen.some((p) => p.includes('send_email('))).toBe(true);
    expect(seen.some((p) => p.includes('Reminder: the Q3 board deck'))).toBe(true); // the search result holding the email
    expect(send.did.map(preview).some((p) => p.includes('"status":"sent"'))).toBe(true);
    // the first llm call saw only the instructions and the prompt, and did the search next
    const first = steps[1]!;
    expect(first.context.map((id) => g.nodes.find((n) => n.id === id)!.kind).sort()).toEqual(['system_instruction', 'user_prompt']);
    expect(first.next && label(first.next)).toBe('search_email');
  });

  it('reveals nodes as they come to be', () => {
    const atSearch = visibleAt(g, steps, 2);
    const sendStep = steps.findIndex((s) => s.label === 'send_email');
    const sendId = steps[sendStep]!.activity;
    expect(atSearch.has(sendId)).toBe(false);
    expect(visibleAt(g, steps, sendStep).has(sendId)).toBe(true);
    const all = visibleAt(g, steps, steps.length - 1);
    expect(g.nodes.filter((n) => !all.has(n.id)).map((n) => n.label)).toEqual([]);
  });
});
