import { describe, expect, it } from 'vitest';
import { syntheticTrace } from '../bench/synthetic.ts';
import { viewGraph } from './aggregate.ts';
import { buildGraph } from './model.ts';

describe('aggregated views of a large trace', () => {
  const full = buildGraph(syntheticTrace(3000, 3));
  const drawnOf = (v: ReturnType<typeof viewGraph>, id: string): string => v.foldedInto?.get(id) ?? id;

  it('folds artifacts and groups each lane\'s runs of steps into a few nodes, every node of the trace standing somewhere', () => {
    const v = viewGraph(full, { fold: true, group: true, containment: false });
    expect(v.nodes.length).toBeLessThan(full.nodes.length / 20);
    const drawn = new Set(v.nodes.map((n) => n.id));
    for (const n of full.nodes) expect(drawn.has(drawnOf(v, n.id)), n.id).toBe(true);
    // one lane per agent, as before
    expect(new Set(v.nodes.map((n) => n.lane))).toEqual(new Set(full.nodes.map((n) => n.lane)));
    // groups say what they hold
    const g = v.nodes.find((n) => n.type === 'group')!;
    expect(g.members!.length).toBeGreaterThanOrEqual(3);
    expect(g.label).toMatch(/^\d+ steps: /);
    for (const e of v.edges) {
      expect(e.from).not.toBe(e.to);
      expect(drawn.has(e.from) && drawn.has(e.to)).toBe(true);
    }
  });

  it('keeps what must stay visible out of folds and groups, and splits a run around it', () => {
    const acts = full.nodes.filter((n) => n.type === 'activity');
    const arts = full.nodes.filter((n) => n.type === 'artifact');
    const keep = new Set([acts[40]!.id, arts[17]!.id]);
    const v = viewGraph(full, { fold: true, group: true, containment: false, keep });
    for (const id of keep) expect(v.nodes.some((n) => n.id === id), id).toBe(true);
    const expanded = new Set(v.nodes.find((n) => n.type === 'group')!.members);
    const w = viewGraph(full, { fold: true, group: true, containment: false, keep, expanded });
    for (const id of expanded) expect(w.nodes.some((n) => n.id === id), id).toBe(true);
  });

  it('draws span containment only when asked', () => {
    const withChild = { ...full, edges: [...full.edges, { from: full.nodes[0]!.id, to: full.nodes[5]!.id, relation: 'child_of' as const, how: 'structural' as const }] };
    expect(viewGraph(withChild, { fold: false, group: false, containment: false }).edges.some((e) => e.relation === 'child_of')).toBe(false);
    expect(viewGraph(withChild, { fold: false, group: false, containment: true }).edges.some((e) => e.relation === 'child_of')).toBe(true);
  });
});
