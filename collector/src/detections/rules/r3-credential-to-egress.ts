// R3: a credential reaches an outbound call. Two ways to know: the call's arguments hold a
// redaction placeholder of a secret rule (`[REDACTED:github_token:3f9a1c2b]`: the same keyed
// fingerprint wherever the same secret appeared, so its earlier appearances in the trace are the
// source), or the backward slice copies content (a derived_from edge) out of the result of a
// secret-store / environment read.
import type { SliceArtifact } from '@causeway/schemas';
import { PII_RULES } from '../../redaction/types.ts';
import { toolWords } from '../tool-impact.ts';
import type { FindingDraft, Rule } from './types.ts';

const PLACEHOLDER = /\[REDACTED:([A-Za-z0-9_.-]+):([0-9a-f]{6,64})\]/g;
const PII = new Set<string>(PII_RULES);
const SECRET_READ_WORDS = new Set(['secret', 'secrets', 'vault', 'credential', 'credentials', 'env', 'environ', 'getenv', 'keychain', 'keyring', 'password', 'passwords', 'apikey', 'token', 'tokens', 'kms', 'ssm']);

export function secretPlaceholders(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) if (!PII.has(m[1]!)) out.add(m[0]);
  return [...out];
}

export const credentialToEgress: Rule = async (ctx) => {
  const out: FindingDraft[] = [];
  for (const call of ctx.facts.calls) {
    if (call.impact !== 'egress') continue;
    const placeholders = secretPlaceholders(call.args);
    const sourceNodes = new Set<string>();
    if (placeholders.length > 0) {
      for (const art of ctx.facts.artifacts.values()) {
        if (art.artifact_id === call.act.request_id) continue;
        if (placeholders.some((p) => art.content.includes(p))) sourceNodes.add(`art:${art.artifact_id}`);
      }
    }
    // content copied out of a secret read, by the slice's content edges
    const slice = await ctx.backward(call);
    const secretReads = (slice?.nodes ?? []).filter(
      (n): n is SliceArtifact => n.type === 'artifact' && (n.kind === 'tool_result' || n.kind === 'document') && toolWords(n.toolName).some((w) => SECRET_READ_WORDS.has(w)),
    );
    const copied = secretReads.filter((n) => slice!.edges.some((e) => e.from === n.id && e.relation === 'derived_from'));
    for (const n of copied) sourceNodes.add(n.id);
    if (placeholders.length === 0 && copied.length === 0) continue;
    out.push({
      rule: 'R3',
      key: call.node,
      title: `a credential reached ${call.tool}${placeholders.length ? ` (${placeholders.map((p) => p.split(':')[1]).join(', ')})` : ` (copied from ${copied.map((c) => c.toolName).join(', ')})`}`,
      agent: call.agent,
      traceIds: [call.act.trace_id],
      evidence: {
        seed: call.node,
        nodes: [...sourceNodes, call.node],
        taintPaths: [],
        approvals: call.approvals.map((a) => ({ node: a.node, decision: `${a.by}:${a.decision}` })),
        detail: { tool: call.tool, placeholders, secretReads: copied.map((c) => ({ node: c.id, tool: c.toolName })), arguments: call.args.slice(0, 2000) },
      },
      occurredAtNs: call.act.start_time_unix_nano,
    });
  }
  return out;
};
