import { describe, expect, it } from 'vitest';
import { splitConcatenatedCall } from './concatenated-calls.ts';

const OFFERED = new Set(['search_email', 'search_docs', 'search', 'send_email', 'email']);

describe('splitConcatenatedCall', () => {
  it('splits ids, names and arguments of calls glued together', () => {
    expect(splitConcatenatedCall({ id: 'call_Acall_B', name: 'search_emailsend_email', args: '{"q":"a"}{"to":"x"}' }, OFFERED)).toEqual([
      { id: 'call_A', name: 'search_email', args: '{"q":"a"}' },
      { id: 'call_B', name: 'send_email', args: '{"to":"x"}' },
    ]);
  });

  it('keeps braces and quotes inside strings, and three calls', () => {
    const args = '{"q":"}{\\"x"} {"q":"[]"}{"a":[1,{"b":2}]}';
    expect(splitConcatenatedCall({ id: 'call_1call_2call_3', name: 'searchsearchsearch', args }, OFFERED)?.map((c) => c.args)).toEqual([
      '{"q":"}{\\"x"}',
      '{"q":"[]"}',
      '{"a":[1,{"b":2}]}',
    ]);
  });

  it('leaves the ids out when they do not split into as many, but still splits the rest', () => {
    expect(splitConcatenatedCall({ id: 'abc', name: 'search_docssearch_docs', args: '{}{}' }, OFFERED)).toEqual([
      { name: 'search_docs', args: '{}' },
      { name: 'search_docs', args: '{}' },
    ]);
  });

  it('does nothing to a well-formed call, to a name with two readings, or without the offered tools', () => {
    expect(splitConcatenatedCall({ id: 'call_A', name: 'search_email', args: '{"q":"a"}' }, OFFERED)).toBeUndefined();
    // "searchemail" + "search_email" vs "search" + "email"... : ambiguous readings are not guessed
    expect(splitConcatenatedCall({ name: 'searchemailsearch', args: '{}{}' }, new Set(['search', 'email', 'searchemail', 'emailsearch']))).toBeUndefined();
    expect(splitConcatenatedCall({ name: 'search_emailsend_email', args: '{}{}' }, new Set())).toBeUndefined();
    expect(splitConcatenatedCall({ name: 'search_emailsend_email', args: '{} trailing' }, OFFERED)).toBeUndefined();
    expect(splitConcatenatedCall({ name: 'search_emailsend_email', args: { q: 1 } }, OFFERED)).toBeUndefined();
  });
});
