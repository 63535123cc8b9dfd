import { describe, expect, it } from 'vitest';
import { traceIdsShown } from './trace-ids-shown.ts';

describe('the traces an answer showed', () => {
  it("of a larger trace's overview: the trace its steps are in, and every trace its slices show", async () => {
    const t = 'a'.repeat(32);
    const other = 'b'.repeat(32);
    const body = { traceId: t, activityCount: 500, recordedLinks: 1, steps: { strings: [], spanId: ['1'.repeat(16)] }, slices: [{ nodes: [{ traceId: t }, { traces: [other] }] }] };
    expect((await traceIdsShown('graph.overview.read', new Response(JSON.stringify(body)))).sort()).toEqual([t, other]);
    // no steps, no slices: nothing shown
    expect(await traceIdsShown('graph.overview.read', new Response(JSON.stringify({ traceId: t, activityCount: 0 })))).toEqual([]);
  });
});
