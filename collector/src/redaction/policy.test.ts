import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from './policy.ts';

describe('redaction policy', () => {
  it('defaults to every rule on when no file is given', () => {
    expect(loadPolicy(undefined)).toEqual({ rules: {}, patterns: [], sensitiveKeys: [], allowKeys: [], allowValues: [] });
  });

  it('reads rules, custom patterns, extra keys and allow lists', () => {
    const p = parsePolicy({
      rules: { ipv4: { enabled: false }, email: { mode: 'drop' }, acme_ticket: { mode: 'placeholder' } },
      patterns: [{ id: 'acme_ticket', pattern: 'ACME-[0-9]{6}', keywords: ['ACME-'] }],
      sensitiveKeys: ['x-acme-session', '/^acme\\.internal\\./'],
      allowKeys: ['server.address'],
      allowValues: ['noreply@acme.example'],
    });
    expect(p.rules.ipv4).toEqual({ enabled: false, mode: undefined });
    expect(p.patterns[0]).toMatchObject({ id: 'acme_ticket', keywords: ['acme-'] });
  });

  it('fails closed: every mistake is an error that says what is wrong', () => {
    const bad: [unknown, RegExp][] = [
      [[], /must be a JSON object/],
      [{ rule: {} }, /unknown field "rule"/],
      [{ rules: { not_a_rule: { enabled: false } } }, /unknown rule id "not_a_rule"/],
      [{ rules: { email: { enabled: 'no' } } }, /rules.email.enabled must be true or false/],
      [{ rules: { email: { mode: 'mask' } } }, /rules.email.mode must be "placeholder" or "drop"/],
      [{ patterns: [{ id: 'x1', pattern: '(' }] }, /patterns\[0\].pattern is not a valid regular expression/],
      [{ patterns: [{ id: 'Bad Id', pattern: 'a' }] }, /patterns\[0\].id must be a lowercase identifier/],
      [{ sensitiveKeys: ['/[/'] }, /not a valid regular expression/],
      [{ allowKeys: [1] }, /"allowKeys" must be an array of strings/],
    ];
    for (const [raw, msg] of bad) expect(() => parsePolicy(raw), JSON.stringify(raw)).toThrow(msg);
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    writeFileSync(join(dir, 'p.json'), '{ not json');
    expect(() => loadPolicy(join(dir, 'p.json'))).toThrow(/redaction policy .*p\.json cannot be read/);
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(/cannot be read/);
  });
});
