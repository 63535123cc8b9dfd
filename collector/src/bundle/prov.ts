// The bundle's causal graph as W3C PROV-JSON. Until the provenance issue lands, it carries what
// the spans alone prove: activities (spans), the agents they act for (service, gen_ai agent),
// and how activities informed each other (parent → child, span links).
import type { SpanRow } from '@causeway/schemas';

export function provJson(rows: SpanRow[]): object {
  const activity: Record<string, object> = {};
  const agent: Record<string, object> = {};
  const wasAssociatedWith: Record<string, object> = {};
  const wasInformedBy: Record<string, object> = {};
  const id = (trace: string, span: string): string => `cw:span/${trace}/${span}`;
  const attr = (r: SpanRow, key: string): string | undefined => r.attributes.find((a) => a.key === key && a.type === 'string')?.str;
  let n = 0;
  for (const r of rows) {
    const a = id(r.trace_id, r.span_id);
    activity[a] = {
      'prov:label': r.name,
      'prov:startTime': nanosToIso(r.start_time_unix_nano),
      'prov:endTime': nanosToIso(r.end_time_unix_nano),
      'cw:operation': attr(r, 'gen_ai.operation.name') ?? '',
      'cw:tool': attr(r, 'gen_ai.tool.name') ?? '',
    };
    const who = attr(r, 'gen_ai.agent.name') ?? r.service_name;
    const ag = `cw:agent/${encodeURIComponent(who || 'unknown')}`;
    agent[ag] = { 'prov:label': who, 'prov:type': 'prov:SoftwareAgent' };
    wasAssociatedWith[`_:assoc${n++}`] = { 'prov:activity': a, 'prov:agent': ag };
    if (r.parent_span_id) wasInformedBy[`_:inf${n++}`] = { 'prov:informed': a, 'prov:informant': id(r.trace_id, r.parent_span_id), 'cw:how': 'structural' };
    for (const l of r.links) if (l.span_id) wasInformedBy[`_:inf${n++}`] = { 'prov:informed': a, 'prov:informant': id(l.trace_id, l.span_id), 'cw:how': 'explicit' };
  }
  return { prefix: { cw: 'https://causeway.dev/ns#' }, activity, agent, wasAssociatedWith, wasInformedBy };
}

function nanosToIso(ns: string): string {
  const n = BigInt(ns);
  const ms = n / 1_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}
