import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { syntheticTrace } from '../../bench/synthetic.ts';
import { buildGraph } from '../model.ts';
import { toLayoutInput } from './input.ts';
import { layout } from './layout.ts';

const FIX = join(import.meta.dirname, '../../../test/fixtures');
const load = (f: string): SliceResponse => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as SliceResponse;
const TRACE = load('openai-prompt-injection.trace.json');

describe('layout', () => {
  it('lays out causes left of their effects, one lane per agent, without overlaps', () => {
    const g = buildGraph(TRACE);
    const input = toLayoutInput(g);
    const r = layout(input);
    const idx = new Map(g.nodes.map((n, i) => [n.id, i]));
    for (const e of g.edges) {
      const f = idx.get(e.from)!;
      const t = idx.get(e.to)!;
      if (g.nodes[f]!.t < g.nodes[t]!.t) expect(r.x[f], `${e.from} → ${e.to}`).toBeLessThan(r.x[t]!);
    }
    const spots = new Set(g.nodes.map((_, i) => `${r.x[i]},${r.y[i]}`));
    expect(spots.size).toBe(g.nodes.length);
    expect(r.lanes.map((l) => l.name)).toEqual(['mail-triage']);
  });

  it('keeps an agent lane in time order and gives each agent its own band', () => {
    const r = layout({
      lane: ['a', 'b', 'a', 'b', 'a'],
      t: [0, 1, 2, 3, 4],
      artifact: [0, 0, 0, 0, 0],
      from: [0, 1],
      to: [1, 3],
    });
    // lane a: nodes 0, 2, 4 never go left in time
    expect(r.x[0]).toBeLessThanOrEqual(r.x[2]!);
    expect(r.x[2]).toBeLessThanOrEqual(r.x[4]!);
    // the edges push: 0 → 1 → 3
    expect(r.x[0]).toBeLessThan(r.x[1]!);
    expect(r.x[1]).toBeLessThan(r.x[3]!);
    const [a, b] = r.lanes;
    for (const i of [0, 2, 4]) expect(r.y[i]).toBeGreaterThan(a!.y0), expect(r.y[i]).toBeLessThan(a!.y1);
    for (const i of [1, 3]) expect(r.y[i]).toBeGreaterThan(b!.y0), expect(r.y[i]).toBeLessThan(b!.y1);
  });

  it('ignores edges against time (cycles) instead of looping, and wraps a tall cell into sub-columns', () => {
    const n = 100;
    const r = layout({ lane: Array(n).fill('x'), t: Array.from({ length: n }, () => 5), artifact: Array(n).fill(1), from: [1, 2], to: [2, 1], options: { maxRows: 10 } });
    expect(r.layers).toBe(2);
    const cols = new Set(Array.from(r.x));
    expect(cols.size).toBeGreaterThanOrEqual(10);
    expect(Math.max(...Array.from(r.y)) - Math.min(...Array.from(r.y))).toBeLessThan(10 * 40);
  });

  it('puts a source asked to sit beside a later step just before it, not where it first came in', () => {
    // 0 → 1 → 2 → 3 → 4 in time; artifact 5 (no cause) is first used by 1 and copied into 4
    const input = { lane: Array(6).fill('a'), t: [0, 1, 2, 3, 4, 0.5], artifact: [0, 0, 0, 0, 0, 1], from: [0, 1, 2, 3, 5, 5], to: [1, 2, 3, 4, 1, 4] };
    const plain = layout(input);
    expect(plain.layer[5]).toBeLessThan(plain.layer[1]!);
    const near = layout({ ...input, near: [-1, -1, -1, -1, -1, 4] });
    expect(near.layer[5]).toBe(near.layer[4]! - 1);
    // a node with causes keeps its place
    const caused = layout({ ...input, near: [-1, -1, 4, -1, -1, -1] });
    expect(caused.layer[2]).toBe(plain.layer[2]);
  });

  it('lays out 5,000 generated nodes, every one on its own finite spot (timings: npm run bench)', () => {
    const g = buildGraph(syntheticTrace(5000, 7));
    expect(g.nodes.length).toBe(5000);
    const r = layout(toLayoutInput(g));
    expect(r.x.length).toBe(5000);
    expect(Array.from(r.x).every(Number.isFinite) && Array.from(r.y).every(Number.isFinite)).toBe(true);
    expect(new Set(g.nodes.map((_, i) => `${r.x[i]},${r.y[i]}`)).size).toBe(5000);
  });
});
