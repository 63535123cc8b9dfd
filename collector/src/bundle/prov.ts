// The bundle's causal graph as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/):
// entities are artifacts (content-addressed, redacted preview, trust label), activities are
// spans, agents are the agents and services they act for; used / wasGeneratedBy come from the
// stored relations, wasDerivedFrom from content flow (with its score) and from documents held
// in a tool result, wasInformedBy from span parentage and links.
import type { SliceResponse, SpanRow } from '@causeway/schemas';
import { artifactOfNode, parseNodeId } from '@causeway/schemas/node-id.ts';

export function provJson(rows: SpanRow[], graph: SliceResponse): object {
  const entity: Record<string, object> = {};
  const activity: Record<string, object> = {};
  const agent: Record<string, object> = {};
  const used: Record<string, object> = {};
  const wasGeneratedBy: Record<string, object> = {};
  const wasDerivedFrom: Record<string, object> = {};
  const wasAssociatedWith: Record<string, object> = {};
  const wasInformedBy: Record<string, object> = {};
  const spanId = (trace: string, span: string): string => `cw:span/${trace}/${span}`;
  const nodeId = (id: string): string => {
    const n = parseNodeId(id);
    return n?.type === 'activity' ? `cw:span/${n.traceId}/${n.spanId}` : `cw:artifact/${artifactOfNode(id)}`;
  };
  const attr = (r: SpanRow, key: string): string | undefined => r.attributes.find((a) => a.key === key && a.type === 'string')?.str;
  let n = 0;
  const kindOf = new Map(graph.nodes.filter((x) => x.type === 'activity').map((x) => [`${x.traceId}/${x.spanId}`, x]));
  for (const r of rows) {
    const a = spanId(r.trace_id, r.span_id);
    const node = kindOf.get(`${r.trace_id}/${r.span_id}`);
    activity[a] = {
      'prov:label': r.name,
      'prov:startTime': nanosToIso(r.start_time_unix_nano),
      'prov:endTime': nanosToIso(r.end_time_unix_nano),
      'cw:kind': node?.type === 'activity' ? node.kind : 'other',
      'cw:operation': attr(r, 'gen_ai.operation.name') ?? (node?.type === 'activity' ? node.operation : ''),
      'cw:tool': node?.type === 'activity' ? node.toolName : (attr(r, 'gen_ai.tool.name') ?? ''),
    };
    const who = (node?.type === 'activity' && node.agent) || attr(r, 'gen_ai.agent.name') || r.service_name;
    const ag = `cw:agent/${encodeURIComponent(who || 'unknown')}`;
    agent[ag] = { 'prov:label': who, 'prov:type': 'prov:SoftwareAgent' };
    wasAssociatedWith[`_:assoc${n++}`] = { 'prov:activity': a, 'prov:agent': ag };
    if (r.parent_span_id) wasInformedBy[`_:inf${n++}`] = { 'prov:informed': a, 'prov:informant': spanId(r.trace_id, r.parent_span_id), 'cw:how': 'structural' };
    for (const l of r.links) if (l.span_id) wasInformedBy[`_:inf${n++}`] = { 'prov:informed': a, 'prov:informant': spanId(l.trace_id, l.span_id), 'cw:how': 'explicit' };
  }
  for (const x of graph.nodes) {
    if (x.type !== 'artifact') continue;
    entity[nodeId(x.id)] = {
      'prov:label': x.preview,
      'prov:type': `cw:${x.kind}`,
      'cw:trust': x.trust,
      'cw:trustWhy': x.trustWhy,
      'cw:contentLength': x.contentLength,
      ...(x.documentId ? { 'cw:documentId': x.documentId } : {}),
      ...(x.source ? { 'cw:source': x.source } : {}),
      ...(x.toolName ? { 'cw:tool': x.toolName } : {}),
    };
  }
  for (const e of graph.edges) {
    const from = nodeId(e.from);
    const to = nodeId(e.to);
    const how = { 'cw:how': e.how, ...(e.detail ? { 'cw:detail': e.detail } : {}) };
    switch (e.relation) {
      case 'used':
      case 'executed':
        used[`_:u${n++}`] = { 'prov:activity': to, 'prov:entity': from, 'prov:role': e.relation === 'executed' ? 'cw:executedRequest' : (e.detail ?? ''), ...how };
        break;
      case 'generated':
        wasGeneratedBy[`_:g${n++}`] = { 'prov:entity': to, 'prov:activity': from, ...how };
        break;
      case 'derived_from':
      case 'part_of':
        wasDerivedFrom[`_:d${n++}`] = {
          'prov:generatedEntity': to,
          'prov:usedEntity': from,
          'prov:type': e.relation === 'part_of' ? 'cw:partOf' : 'cw:contentFlow',
          ...how,
          ...(e.score !== undefined ? { 'cw:score': e.score, 'cw:sharedFingerprints': e.shared, 'cw:extent': e.extent } : {}),
        };
        break;
      default:
        break; // parentage and links come from the rows themselves
    }
  }
  return { prefix: { cw: 'https://causeway.dev/ns#' }, entity, activity, agent, used, wasGeneratedBy, wasDerivedFrom, wasAssociatedWith, wasInformedBy };
}

function nanosToIso(ns: string): string {
  const n = BigInt(ns);
  const ms = n / 1_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}
