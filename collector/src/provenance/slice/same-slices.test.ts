// The slice engine gives the same answers, byte for byte, as when the baseline was recorded:
// every slice over the captured fixtures (every library and scenario; backward and forward from
// every activity and artifact, cut-short walks, trace graphs) and over a generated agent
// workload, each built from an in-memory store filled through the collector's real pipeline.
// A change that means to alter slices records a new baseline, knowingly:
//   node --import tsx collector/bench/slice-equality.ts --write collector/src/provenance/slice/same-slices.baseline.json
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SliceBaseline, type SliceEngine, baselineStores, compare, digests } from '@causeway/testkit/slice-corpus.ts';
import { SliceBuilder } from './index.ts';

const SLICE_ENGINE: SliceEngine = {
  slice: (reader, o, seed) => new SliceBuilder(reader, o).slice(seed),
  traceGraph: (reader, o, traceId) => new SliceBuilder(reader, o).traceGraph(traceId),
};

const baseline = JSON.parse(readFileSync(new URL('./same-slices.baseline.json', import.meta.url), 'utf8')) as SliceBaseline;

describe('slices are the same bytes as the recorded baseline', () => {
  it('on every captured library and scenario, and on a generated agent workload', { timeout: 600_000 }, async () => {
    let compared = 0;
    const dumps = mkdtempSync(join(tmpdir(), 'causeway-slices-'));
    for await (const { group, store, cases } of baselineStores(baseline.generated)) {
      const json = new Map<string, string>();
      const actual = await digests(SLICE_ENGINE, store, cases, (k, j) => json.set(k, j));
      const c = compare(baseline.slices[group] ?? {}, actual);
      // what differs is written out, to read beside a slice from the recorded version
      if (c.differ.length > 0) writeFileSync(join(dumps, `${group}.jsonl`), c.differ.map((k) => JSON.stringify({ key: k, json: json.get(k) })).join('\n'));
      expect({ group, differ: c.differ.slice(0, 20), missing: c.missing.slice(0, 20), added: c.added.slice(0, 20), dumps: c.differ.length ? dumps : '' }).toEqual({ group, differ: [], missing: [], added: [], dumps: '' });
      compared += c.compared;
    }
    expect(compared).toBe(Object.values(baseline.slices).reduce((n, g) => n + Object.keys(g).length, 0));
  });
});
