// R10: spans claiming a registered agent, sent by an ingest credential the agent's entry does not
// bind to it (`credentials`: ids or names). A span claims the agent when it names the agent itself
// (gen_ai.agent.id / name), or inherits it from an ancestor that does in the same service.name
// (the same process, so the same exporter); a tool server in another service calling back under
// its own credential is not a claim. One finding per trace, agent and credential.
import type { ActivityRow } from '@causeway/schemas';
import type { AgentPolicy } from '../policy.ts';
import { actNode } from '../trace-facts.ts';
import type { FindingDraft, Rule } from './types.ts';

const MAX_ANCESTORS = 256;
const MAX_NODES = 50;

export const unboundCredential: Rule = (ctx) => {
  const sent = ctx.facts.submitters;
  if (!sent) return [];
  const bySpan = new Map(ctx.facts.acts.map((a) => [a.span_id, a]));
  const found = new Map<string, { draft: FindingDraft; spans: number }>();
  for (const a of ctx.facts.acts) {
    const agent = ctx.facts.agents.get(a.span_id)!;
    const p = ctx.registry.lookup(agent);
    if (!p?.credentials || !claims(a, bySpan)) continue;
    // a span stored before credentials were recorded has none: nothing to judge
    for (const cred of sent.get(a.span_id) ?? []) {
      if (!cred.id || bound(p, cred)) continue;
      const key = `${a.trace_id}\u0000${agent.key}\u0000${cred.id}`;
      const was = found.get(key);
      if (was) {
        was.spans++;
        if (was.draft.evidence.nodes.length < MAX_NODES) was.draft.evidence.nodes.push(actNode(a));
        was.draft.evidence.detail.spans = was.spans;
        continue;
      }
      found.set(key, {
        spans: 1,
        draft: {
          rule: 'R10',
          key,
          title: `${p.id} sent by credential ${cred.name || cred.id}, not bound to it`,
          agent,
          traceIds: [a.trace_id],
          evidence: {
            seed: actNode(a),
            nodes: [actNode(a)],
            taintPaths: [],
            approvals: [],
            detail: { credential: { id: cred.id, name: cred.name }, boundCredentials: p.credentials, owner: p.owner, span: a.name, spans: 1 },
          },
          occurredAtNs: a.start_time_unix_nano,
        },
      });
    }
  }
  return [...found.values()].map((f) => f.draft);
};

function bound(p: AgentPolicy, cred: { id: string; name: string }): boolean {
  return p.credentials!.some((c) => c === cred.id || (cred.name !== '' && c === cred.name));
}

/** Whether the span names its agent itself, or inherits it within its own service. */
function claims(a: ActivityRow, bySpan: Map<string, ActivityRow>): boolean {
  let cur: ActivityRow | undefined = a;
  for (let i = 0; cur && i < MAX_ANCESTORS; i++) {
    if (cur.agent_id || cur.agent_name) return cur.service_name === a.service_name;
    cur = cur.parent_span_id ? bySpan.get(cur.parent_span_id) : undefined;
  }
  return false; // the trace's one named agent, guessed for a span with no named ancestor: no claim
}
