// Two traces side by side, the way a responder compares a benign run with an injected one:
// which inputs differ (content is addressed by its hash, so the same e-mail or prompt is the
// same artifact in both) and which actions differ (a tool call is its tool and arguments: its
// request artifact). Pure.
import type { SliceActivity, SliceArtifact, SliceResponse } from '@causeway/schemas';
import { artifactLabel } from '../graph/model.ts';

export const INPUT_KINDS = new Set(['system_instruction', 'user_prompt', 'document', 'tool_result']);

export interface Item {
  id: string;
  label: string;
  kind: string;
  trust?: string;
}

export interface Diff {
  onlyA: Item[];
  onlyB: Item[];
  both: Item[];
}

export interface Comparison {
  inputs: Diff;
  actions: Diff;
  /** tool name → calls in A and in B */
  tools: { name: string; a: number; b: number }[];
}

const inputsOf = (s: SliceResponse): Map<string, Item> =>
  new Map(
    s.nodes
      .filter((n): n is SliceArtifact => n.type === 'artifact' && INPUT_KINDS.has(n.kind))
      .map((n) => [n.id, { id: n.id, label: artifactLabel(n), kind: n.kind, trust: n.trust }]),
  );

/** Tool calls by what they ran: the request artifact (tool name + arguments), else the tool name and order. */
function actionsOf(s: SliceResponse): Map<string, Item> {
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  const requestOf = new Map<string, SliceArtifact>();
  for (const e of s.edges) {
    const from = byId.get(e.from);
    if (e.relation === 'executed' && from?.type === 'artifact') requestOf.set(e.to, from);
  }
  const out = new Map<string, Item>();
  const seen = new Map<string, number>();
  const tools = s.nodes.filter((n): n is SliceActivity => n.type === 'activity' && n.kind === 'tool').sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
  for (const t of tools) {
    const req = requestOf.get(t.id);
    const base = req ? req.id : `tool:${t.toolName || t.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n > 1 ? `${base}#${n}` : base;
    out.set(key, { id: t.id, label: req ? artifactLabel(req) : `${t.toolName || t.name}(…)`, kind: t.toolName || t.name });
  }
  return out;
}

function diff(a: Map<string, Item>, b: Map<string, Item>): Diff {
  return {
    onlyA: [...a].filter(([k]) => !b.has(k)).map(([, v]) => v),
    onlyB: [...b].filter(([k]) => !a.has(k)).map(([, v]) => v),
    both: [...a].filter(([k]) => b.has(k)).map(([, v]) => v),
  };
}

export function compareTraces(a: SliceResponse, b: SliceResponse): Comparison {
  const count = (s: SliceResponse): Map<string, number> => {
    const m = new Map<string, number>();
    for (const n of s.nodes) if (n.type === 'activity' && n.kind === 'tool') m.set(n.toolName || n.name, (m.get(n.toolName || n.name) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const names = [...new Set([...ca.keys(), ...cb.keys()])].sort();
  return { inputs: diff(inputsOf(a), inputsOf(b)), actions: diff(actionsOf(a), actionsOf(b)), tools: names.map((name) => ({ name, a: ca.get(name) ?? 0, b: cb.get(name) ?? 0 })) };
}
