// The fuzz targets as a short, seeded smoke in the normal suite; `npm run fuzz` runs them long.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { SEED_TRACES_PROTO } from './seeds.ts';
import { TARGETS } from './targets.ts';

describe('fuzz targets (seeded smoke)', () => {
  it('the protobuf seed is a valid request (so its mutations start from real input)', () => {
    expect(decodeTracesProto(SEED_TRACES_PROTO, 'default').rows).toHaveLength(1);
  });
  for (const t of TARGETS) {
    it(`${t.name}: 300 generated inputs, no defect`, () => {
      fc.assert(fc.property(t.input, (x) => t.check(x)), { seed: 20261205, numRuns: 300 });
    });
  }
});
