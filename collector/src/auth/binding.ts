// What an ingest credential bound to services or agents may send: every span and log record's
// `service.name` in its list, and every `gen_ai.agent.name` / `gen_ai.agent.id` it carries
// (span, log or resource attribute) in its agent list. A request with one row outside the
// binding is refused whole (403): a half-stored forgery attempt is no better evidence.
import type { AttrRow, EnvelopeColumns } from '@causeway/schemas';
import type { Principal } from './principal.ts';

const AGENT_KEYS = new Set(['gen_ai.agent.name', 'gen_ai.agent.id']);

type Row = EnvelopeColumns & { attributes: AttrRow[] };

/** Why the rows break the principal's binding (never echoing a value), or undefined when they do not. */
export function bindingViolation(p: Principal, rows: Row[], items: string): string | undefined {
  if (p.services.length === 0 && p.agents.length === 0) return undefined;
  const services = new Set(p.services);
  const agents = new Set(p.agents);
  const checkedResources = new Set<AttrRow[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (services.size > 0 && !services.has(r.service_name)) {
      return `${items} ${i}: service.name is not one this credential may send (it is bound to ${p.services.length} service name(s))`;
    }
    if (agents.size === 0) continue;
    const lists = checkedResources.has(r.resource_attributes) ? [r.attributes] : [r.attributes, r.resource_attributes];
    checkedResources.add(r.resource_attributes);
    for (const list of lists) {
      for (const a of list) {
        if (AGENT_KEYS.has(a.key) && !agents.has(a.str ?? '')) return `${items} ${i}: ${a.key} is not an agent this credential may send for`;
      }
    }
  }
  return undefined;
}
