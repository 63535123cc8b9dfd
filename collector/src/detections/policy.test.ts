import { describe, expect, it } from 'vitest';
import { globMatch, parsePolicy } from './policy.ts';

describe('detection policy file', () => {
  it('reads agents, sources, sinks and rule settings over the defaults', () => {
    const p = parsePolicy({
      agents: [{ id: 'a', owner: 'o', purpose: 'p', allowedTools: ['crm_*'], approvalRequired: 'high-impact', highImpactTools: { wire: 'payment' }, credentials: ['crm-exporter', '0123456789abcdef'] }],
      sinks: [{ label: 'restricted', tool: 'post_*', arguments: '#hr-' }],
      rules: { R7: { minResources: 3 }, R9: { enabled: false } },
    });
    expect(p.agents[0]!.approvalRequired).toBe('high-impact');
    expect(p.agents[0]!.credentials).toEqual(['crm-exporter', '0123456789abcdef']);
    expect(p.rules.R10.enabled).toBe(true);
    expect(p.rules.R7).toEqual({ enabled: true, minResources: 3, windowSeconds: 300 });
    expect(p.rules.R9.enabled).toBe(false);
    expect(p.rules.R1.enabled).toBe(true);
  });

  it('refuses what it does not know, naming the key', () => {
    expect(() => parsePolicy({ agent: [] })).toThrow(/unknown key "agent"; known keys: agents/);
    expect(() => parsePolicy({ agents: [{ id: 'a', owner: 'o' }] })).toThrow(/agents\[0\]\.purpose must be a non-empty string/);
    expect(() => parsePolicy({ rules: { R42: {} } })).toThrow(/unknown rule "R42"/);
    expect(() => parsePolicy({ agents: [{ id: 'a', owner: 'o', purpose: 'p', credentials: [''] }] })).toThrow(/agents\[0\]\.credentials must be an array of non-empty strings/);
    expect(() => parsePolicy({ sources: [{ label: 'secret', content: 'x' }] })).toThrow(/sources\[0\]\.label must be one of public/);
    expect(() => parsePolicy({ sources: [{ label: 'restricted', content: '(' }] })).toThrow(/invalid regular expression/);
    expect(() => parsePolicy({ highImpactTools: { x: 'nuclear' } })).toThrow(/highImpactTools\.x must be true or one of/);
  });

  it('matches tool globs on the whole name', () => {
    expect(globMatch('crm_*', 'crm_update')).toBe(true);
    expect(globMatch('crm_*', 'xcrm_update')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
  });
});
