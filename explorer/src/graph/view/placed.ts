// Nodes with their laid-out boxes, and the style both renderers give a node under a highlight.
import { type Highlight, roleOf, type Role } from '../highlight.ts';
import type { LayoutResult } from '../layout/layout.ts';
import type { GNode, Graph } from '../model.ts';
import { NODE } from '../style.ts';

export interface Placed {
  node: GNode;
  /** centre */
  x: number;
  y: number;
  w: number;
  h: number;
}

export function placeNodes(g: Graph, l: LayoutResult | undefined): Placed[] {
  if (!l || l.x.length !== g.nodes.length) return [];
  return g.nodes.map((node, i) => {
    const s = NODE[node.type];
    return { node, x: l.x[i]!, y: l.y[i]!, w: s.w, h: s.h };
  });
}

export interface NodeStyle {
  role: Role;
  taint: boolean;
  dim: boolean;
}

/** Replay hides what does not exist yet; a selection dims what is not in its slices. */
export function nodeStyle(id: string, highlight: Highlight | undefined, visible: Set<string> | undefined): NodeStyle {
  const role = highlight ? roleOf(highlight, id) : 'none';
  const taint = highlight?.taintNodes.has(id) ?? false;
  const hidden = visible ? !visible.has(id) : false;
  return { role, taint, dim: hidden || (highlight !== undefined && highlight.seed !== '' && role === 'none') };
}
