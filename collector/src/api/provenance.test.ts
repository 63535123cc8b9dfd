import { SLICE_DEFAULTS } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { HttpError } from './params.ts';
import { sliceQuery } from './provenance.ts';

const T = 'ab'.repeat(16);
const S = '01'.repeat(8);

function refusal(q: Record<string, string>): string {
  try {
    sliceQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(q)}`);
}

describe('slice query parameters', () => {
  it('take an activity or an artifact (in a trace or not), with the shared defaults, ids lower-cased', () => {
    expect(sliceQuery({ trace: T.toUpperCase(), span: S })).toEqual({ trace: T, span: S, direction: 'backward', depth: SLICE_DEFAULTS.depth, limit: SLICE_DEFAULTS.nodes });
    expect(sliceQuery({ artifact: T, direction: 'forward', depth: '3', limit: '40' })).toEqual({ artifact: T, direction: 'forward', depth: 3, limit: 40 });
    expect(sliceQuery({ artifact: T, trace: T })).toMatchObject({ artifact: T, trace: T });
  });

  it('refuse anything else with a 400 naming what is wrong', () => {
    expect(refusal({})).toBe('give trace (32 hex) and span (16 hex), or artifact (32 hex)');
    expect(refusal({ span: S })).toBe('give trace (32 hex) and span (16 hex), or artifact (32 hex)');
    expect(refusal({ trace: T })).toBe('give trace (32 hex) and span (16 hex), or artifact (32 hex)');
    expect(refusal({ trace: 'xyz', span: S })).toMatch(/^trace must be 32 hex characters, got "xyz"/);
    expect(refusal({ trace: T, span: 'nope' })).toMatch(/^span must be 16 hex characters/);
    expect(refusal({ artifact: T.slice(1) })).toMatch(/^artifact must be 32 hex characters/);
    expect(refusal({ trace: T, span: S, direction: 'sideways' })).toMatch(/^direction must be one of backward, forward/);
    expect(refusal({ trace: T, span: S, depth: '0' })).toMatch(/^depth must be an integer from 1 to 64/);
    expect(refusal({ trace: T, span: S, limit: '5001' })).toMatch(/^limit must be an integer from 1 to 5000/);
    expect(refusal({ trace: T, span: S, limit: '1e3' })).toMatch(/^limit must be an integer/);
    expect(refusal({ trace: T, span: S, seed: 'x' })).toBe('unknown parameter "seed"; a slice takes trace, span, artifact, direction, depth, limit');
  });
});
