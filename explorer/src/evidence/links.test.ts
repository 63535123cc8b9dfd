import { describe, expect, it } from 'vitest';
import { describeLink, strengthOf } from './links.ts';

describe('how a link is known, in words', () => {
  it('tells a coincidental overlap from a link by call id', () => {
    const weak = describeLink({ relation: 'derived_from', how: 'content', score: 0.06, shared: 3 });
    expect(weak).toMatchObject({ kind: 'copied text', strength: 'weak' });
    expect(weak.says).toContain('possibly coincidence');
    const ids = describeLink({ relation: 'executed', how: 'explicit', detail: 'call_id' });
    expect(ids).toMatchObject({ kind: 'ids', strength: 'certain', score: 1 });
    expect(ids.says).toBe('run by the tool call (matched by the same tool call id)');
  });
  it('names where a message was read', () => {
    expect(describeLink({ relation: 'used', how: 'explicit', detail: 'gen_ai.input.messages[3]' }).says).toBe('read by the next step (at gen_ai.input.messages[3])');
  });
  it('grades copied text by its score', () => {
    expect([0.9, 0.42, 0.16, 0.1].map(strengthOf)).toEqual(['strong', 'moderate', 'moderate', 'weak']);
  });
});
