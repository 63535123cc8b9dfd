import type { SpanRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { RedactionTally, redactSpans } from '../processors/redact.ts';
import { parsePolicy } from './policy.ts';
import { createRedactor } from './redactor.ts';

const key = Buffer.alloc(32, 1);

function row(attributes: SpanRow['attributes']): SpanRow {
  return {
    tenant: 'default', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), parent_span_id: '', trace_state: '', flags: 0, name: 'op', kind: 1,
    start_time_unix_nano: '1', end_time_unix_nano: '2', attributes, dropped_attributes_count: 0, events: [], dropped_events_count: 0, links: [],
    dropped_links_count: 0, status_code: 0, status_message: '', service_name: 's', resource_attributes: [], resource_dropped_attributes_count: 0,
    resource_schema_url: '', scope_name: '', scope_version: '', scope_attributes: [], scope_dropped_attributes_count: 0, scope_schema_url: '', redactions: [],
  };
}

describe('redactor', () => {
  it('gives the same value the same placeholder, and a different key a different one', () => {
    const a = createRedactor({ key });
    const b = createRedactor({ key: Buffer.alloc(32, 2) });
    const t = 'mail jane@corp.example twice: jane@corp.example';
    const [p1, p2] = [...a.redactText(t).text.matchAll(/\[REDACTED:email:([0-9a-f]{8})\]/g)].map((m) => m[1]);
    expect(p1).toBe(p2);
    expect(b.redactText(t).text).not.toContain(p1!);
  });

  it('honours a policy: disabled rules, custom patterns, allowlisted values', () => {
    const r = createRedactor({
      key,
      policy: parsePolicy({ rules: { ipv4: { enabled: false } }, patterns: [{ id: 'acme_ticket', pattern: 'ACME-[0-9]{6}', keywords: ['acme-'] }], allowValues: ['noreply@acme.example'] }),
    });
    const out = r.redactText('from noreply@acme.example to bob@acme.example via 10.1.2.3 about ACME-123456').text;
    expect(out).toContain('noreply@acme.example');
    expect(out).toContain('10.1.2.3');
    expect(out).toMatch(/\[REDACTED:email:[0-9a-f]{8}\] via/);
    expect(out).toMatch(/about \[REDACTED:acme_ticket:[0-9a-f]{8}\]$/);
  });
});

describe('redaction processor', () => {
  it('replaces values under sensitive keys whole, drops attributes in drop mode, keeps allowlisted keys', () => {
    const r = createRedactor({ key, policy: parsePolicy({ rules: { phone: { mode: 'drop' } }, sensitiveKeys: ['x-acme-session'], allowKeys: ['debug.raw_email'] }) });
    const stats = new RedactionTally();
    const [out] = redactSpans(r, stats)([
      row([
        { key: 'http.request.header.authorization', type: 'string', str: 'Basic dXNlcjpwYXNz' },
        { key: 'db.password', type: 'int', int: '123456' },
        { key: 'x-acme-session', type: 'string', str: 'abc' + 'def' },
        { key: 'contact', type: 'string', str: 'call +1 415 555 0132' },
        { key: 'debug.raw_email', type: 'string', str: 'kept@corp.example' },
        { key: 'gen_ai.usage.input_tokens', type: 'int', int: '1234' },
      ]),
    ]) as SpanRow[];
    expect(out!.attributes.map((a) => a.key)).toEqual(['http.request.header.authorization', 'db.password', 'x-acme-session', 'debug.raw_email', 'gen_ai.usage.input_tokens']);
    expect(out!.attributes[0]).toMatchObject({ type: 'string', str: expect.stringMatching(/^\[REDACTED:sensitive_key:[0-9a-f]{8}\]$/) });
    expect(out!.attributes[1]).toMatchObject({ type: 'string', str: expect.stringMatching(/^\[REDACTED:sensitive_key:/) });
    expect(out!.attributes[3]).toMatchObject({ str: 'kept@corp.example' });
    expect(out!.attributes[4]).toMatchObject({ type: 'int', int: '1234' });
    expect(out!.redactions).toEqual(
      expect.arrayContaining([
        { rule: 'sensitive_key', field: 'attributes["http.request.header.authorization"]', count: 1 },
        { rule: 'sensitive_key', field: 'attributes["db.password"]', count: 1 },
        { rule: 'sensitive_key', field: 'attributes["x-acme-session"]', count: 1 },
        { rule: 'phone', field: 'attributes["contact"]', count: 1 },
      ]),
    );
    expect(stats.snapshot()).toEqual({ spansRedacted: 1, byRule: { sensitive_key: 3, phone: 1 } });
  });

  it('redacts inside arrays and kvlists and keeps their structure', () => {
    const r = createRedactor({ key });
    const kv = JSON.stringify({ kvlistValue: { values: [{ key: 'token', value: { stringValue: 'x' } }, { key: 'note', value: { arrayValue: { values: [{ stringValue: 'to a@b.example' }, { intValue: '5' }] } } }] } });
    const [out] = redactSpans(r)([row([{ key: 'cfg', type: 'kvlist', str: kv }])]) as SpanRow[];
    const v = JSON.parse(out!.attributes[0]!.str!);
    expect(v.kvlistValue.values[0].value.stringValue).toMatch(/^\[REDACTED:sensitive_key:/);
    expect(v.kvlistValue.values[1].value.arrayValue.values[0].stringValue).toMatch(/^to \[REDACTED:email:/);
    expect(v.kvlistValue.values[1].value.arrayValue.values[1]).toEqual({ intValue: '5' });
    expect(out!.redactions.map((x) => x.field)).toEqual(['attributes["cfg"]/token', 'attributes["cfg"]/note/0']);
  });
});

describe('key rules on JSON re-sent with every call', () => {
  it('find a sensitive key in any case, the Kelvin sign folded as toLowerCase folds it, and judge repeated keys the same', async () => {
    const { KeyRules } = await import('./key-rules.ts');
    const k = new KeyRules(['x-acme.session']);
    expect(k.mayMatch('{"role":"user","content":"hello"}')).toBe(false);
    expect(k.mayMatch('{"DB_PassWord":"x"}')).toBe(true);
    expect(k.mayMatch('{"api_\u212Aey":"x"}')).toBe(true);
    expect(k.mayMatch('ACME Session')).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(k.sensitive('dbPassword')).toBe(true);
      expect(k.sensitive('role')).toBe(false);
    }
  });
});
