import { describe, expect, it } from 'vitest';
import { NODE_ID_PATTERN, activityNodeId, artifactNodeId, artifactOfNode, parseNodeId, traceOfNode } from './node-id.ts';

const T = '5b8efff798038103d269b633813fc60c';
const S = '051581bf3cb55c13';
const A = '9afd0c7e1f2a3b4c5d6e7f8091a2b3c4';

describe('graph node ids', () => {
  it('round-trips activity and artifact ids through build and parse', () => {
    expect(parseNodeId(activityNodeId(T, S))).toEqual({ type: 'activity', traceId: T, spanId: S });
    expect(parseNodeId(artifactNodeId(A))).toEqual({ type: 'artifact', artifactId: A });
    expect(traceOfNode(activityNodeId(T, S))).toBe(T);
    expect(artifactOfNode(artifactNodeId(A))).toBe(A);
    expect(traceOfNode(artifactNodeId(A))).toBe('');
  });

  it('rejects what is not a node id', () => {
    for (const bad of ['', 'act:', 'art:', 'act:abc', 'span:x/y', `act:${T}`]) expect(parseNodeId(bad)).toBeUndefined();
    expect(NODE_ID_PATTERN.test(activityNodeId(T, S))).toBe(true);
    expect(NODE_ID_PATTERN.test(`act:${T}/${S}x`)).toBe(false);
  });
});
