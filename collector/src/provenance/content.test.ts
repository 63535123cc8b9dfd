import { describe, expect, it } from 'vitest';
import { canonicalArguments, canonicalContent, splitDocuments, stableJson, textLeaves } from './content.ts';

describe('canonical content', () => {
  it('is the same for an object, its JSON text and its double-encoded JSON text', () => {
    const v = { b: 1, a: ['x', { d: null, c: 'y' }] };
    const once = JSON.stringify(v);
    expect(canonicalContent(v)).toBe(canonicalContent(once));
    expect(canonicalContent(JSON.stringify(once))).toBe(canonicalContent(v));
    expect(canonicalContent(v)).toBe('{"a":["x",{"c":"y","d":null}],"b":1}');
  });

  it('keeps plain text as text, with line ends made one kind and the ends trimmed', () => {
    expect(canonicalContent('  hello\r\nworld \n')).toBe('hello\nworld');
    expect(canonicalContent('{not json')).toBe('{not json');
  });

  it('reads a one-field argument object as its bare value, as LangChain records it', () => {
    expect(canonicalArguments({ ticket_id: 'OPS-4821' })).toBe(canonicalArguments('OPS-4821'));
    expect(canonicalArguments('{"ticket_id":"OPS-4821"}')).toBe('OPS-4821');
    expect(canonicalArguments({ table: 'customers', filter: '*' })).toBe(canonicalArguments('{"filter":"*","table":"customers"}'));
    expect(canonicalArguments({})).toBe(canonicalArguments(undefined));
  });

  it('measures content over string values, not keys or punctuation', () => {
    expect(textLeaves('{"to":"a@b.example","n":3,"x":{"y":["z"]}}')).toEqual(['a@b.example', '3', 'z']);
  });
});

describe('documents inside a tool result', () => {
  it('splits a list of records that carry ids, directly or under a list key', () => {
    const emails = [
      { id: 'msg-1', from: 'a@x.example', body: 'one' },
      { id: 'msg-2', from: 'b@y.example', body: 'two' },
    ];
    expect(splitDocuments(JSON.stringify(emails)).map((d) => [d.documentId, d.source])).toEqual([
      ['msg-1', 'a@x.example'],
      ['msg-2', 'b@y.example'],
    ]);
    expect(splitDocuments({ documents: [{ pageContent: 'text', metadata: { id: 'd1', source: 'gdrive://x' } }] }).map((d) => [d.documentId, d.source])).toEqual([['d1', 'gdrive://x']]);
  });

  it('takes a single record with an id and real text as one document, but not a status object', () => {
    expect(splitDocuments({ id: 'OPS-4821', description: 'The staging sync left test rows in the production customers table.' })).toHaveLength(1);
    expect(splitDocuments({ status: 'sent', message_id: '<x@y>' })).toHaveLength(0);
    expect(splitDocuments('plain text result')).toHaveLength(0);
  });
});

describe('canonical forms at any depth', () => {
  it('stableJson and textLeaves walk 200,000 levels without recursion, as the recursive form would write them', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) v = i % 2 ? { b: 1, a: v } : [v];
    const s = stableJson(v);
    expect(s.length).toBeGreaterThan(600_000);
    expect(s.startsWith('{"a":[{"a":[')).toBe(true);
    const leaves = textLeaves(v);
    expect(leaves).toHaveLength(100_001);
    expect(leaves.at(-1)).toBe('leaf');
    expect(stableJson({ z: [1, { y: null, x: 'q' }], a: undefined })).toBe('{"z":[1,{"x":"q","y":null}]}');
  });
});
