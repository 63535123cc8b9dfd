// R4: data mixing. Content of a source labelled more restricted flows (a content edge,
// derived_from, in the call's backward slice) into a call whose sink is labelled less restricted.
// Sources: the policy's `sources` first, then the built-in: content marked CONFIDENTIAL,
// RESTRICTED, INTERNAL ONLY, HR ONLY, DO NOT SHARE/FORWARD/DISTRIBUTE is `restricted`. Sinks:
// the policy's `sinks` first, then the built-in: an egress call is `public`. Only copied text
// counts (an edge from the source's content), not mere presence upstream.
import type { SliceArtifact } from '@causeway/schemas';
import { type Sensitivity, SENSITIVITY, globMatch } from '../policy.ts';
import type { ToolCall } from '../trace-facts.ts';
import type { FindingDraft, Rule, RuleContext } from './types.ts';

const MARKER = /\b(CONFIDENTIAL|RESTRICTED|INTERNAL[ _-]ONLY|HR[ _-]ONLY|DO NOT (?:SHARE|FORWARD|DISTRIBUTE))\b/;
const rank = (s: Sensitivity): number => SENSITIVITY.indexOf(s);

function sourceLabel(ctx: RuleContext, n: SliceArtifact): { label: Sensitivity; why: string } | undefined {
  const content = ctx.facts.artifacts.get(n.artifactId)?.content ?? n.preview;
  for (const [i, s] of ctx.policy.sources.entries()) {
    const ok = (re: string | undefined, v: string): boolean => re === undefined || new RegExp(re, 'i').test(v);
    if (ok(s.documentId, n.documentId) && ok(s.source, n.source) && ok(s.producer, n.toolName) && ok(s.content, content)) return { label: s.label, why: `sources[${i}]` };
  }
  const m = MARKER.exec(content);
  return m ? { label: 'restricted', why: `builtin: marked "${m[1]}"` } : undefined;
}

function sinkLabel(ctx: RuleContext, call: ToolCall): { label: Sensitivity; why: string } | undefined {
  for (const [i, k] of ctx.policy.sinks.entries()) {
    if (globMatch(k.tool, call.tool) && (k.arguments === undefined || new RegExp(k.arguments, 'i').test(call.args))) return { label: k.label, why: `sinks[${i}]` };
  }
  return call.impact === 'egress' ? { label: 'public', why: 'builtin: egress' } : undefined;
}

export const dataMixing: Rule = async (ctx) => {
  const out: FindingDraft[] = [];
  for (const call of ctx.facts.calls) {
    if (!call.impact) continue;
    const sink = sinkLabel(ctx, call);
    if (!sink) continue;
    const slice = await ctx.backward(call);
    if (!slice) continue;
    const copiedFrom = new Set(slice.edges.filter((e) => e.relation === 'derived_from').map((e) => e.from));
    const hits: { node: SliceArtifact; label: Sensitivity; why: string; extent?: unknown }[] = [];
    for (const n of slice.nodes) {
      if (n.type !== 'artifact' || !copiedFrom.has(n.id)) continue;
      const src = sourceLabel(ctx, n);
      if (src && rank(src.label) > rank(sink.label)) hits.push({ node: n, ...src, extent: slice.edges.find((e) => e.from === n.id && e.relation === 'derived_from')?.extent });
    }
    if (hits.length === 0) continue;
    out.push({
      rule: 'R4',
      key: call.node,
      title: `${hits[0]!.label} content (${hits.map((h) => h.node.documentId || h.node.kind).join(', ')}) copied into ${call.tool} (${sink.label})`,
      agent: call.agent,
      traceIds: [call.act.trace_id],
      evidence: {
        seed: call.node,
        nodes: [...hits.map((h) => h.node.id), call.node],
        taintPaths: [],
        approvals: call.approvals.map((a) => ({ node: a.node, decision: `${a.by}:${a.decision}` })),
        detail: {
          tool: call.tool,
          sink: sink,
          sources: hits.map((h) => ({ node: h.node.id, label: h.label, why: h.why, documentId: h.node.documentId, preview: h.node.preview.slice(0, 500), extent: h.extent })),
          arguments: call.args.slice(0, 2000),
        },
      },
      occurredAtNs: call.act.start_time_unix_nano,
    });
  }
  return out;
};
