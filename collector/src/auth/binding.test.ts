import type { AttrRow, EnvelopeColumns } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { bindingViolation } from './binding.ts';
import type { Principal } from './principal.ts';

const who = (services: string[], agents: string[] = []): Principal => ({ kind: 'token', id: 'i', name: 'n', tenant: 't', role: 'ingest', tenants: ['t'], services, agents });
const row = (service: string, attrs: AttrRow[] = [], resource: AttrRow[] = []): EnvelopeColumns & { attributes: AttrRow[] } => ({
  service_name: service,
  resource_attributes: resource,
  resource_dropped_attributes_count: 0,
  resource_schema_url: '',
  scope_name: '',
  scope_version: '',
  scope_attributes: [],
  scope_dropped_attributes_count: 0,
  scope_schema_url: '',
  redactions: [],
  attributes: attrs,
});

describe('ingest binding', () => {
  it('lets an unbound credential send any service', () => {
    expect(bindingViolation(who([]), [row('anything')], 'span')).toBeUndefined();
  });

  it('refuses a span claiming a service the credential is not bound to, without echoing it', () => {
    const v = bindingViolation(who(['billing-agent']), [row('billing-agent'), row('mail-triage-agent')], 'span');
    expect(v).toMatch(/^span 1: service.name is not one this credential may send/);
    expect(v).not.toContain('mail-triage');
  });

  it('refuses an agent name or id outside the bound agents, on the span or its resource', () => {
    const agent = (v: string): AttrRow => ({ key: 'gen_ai.agent.name', type: 'string', str: v });
    expect(bindingViolation(who([], ['billing']), [row('s', [agent('billing')])], 'span')).toBeUndefined();
    expect(bindingViolation(who([], ['billing']), [row('s')], 'span')).toBeUndefined();
    expect(bindingViolation(who([], ['billing']), [row('s', [agent('mail-triage')])], 'span')).toMatch(/gen_ai.agent.name/);
    expect(bindingViolation(who([], ['billing']), [row('s', [], [{ key: 'gen_ai.agent.id', type: 'string', str: 'other' }])], 'log record')).toMatch(/^log record 0: gen_ai.agent.id/);
  });
});
