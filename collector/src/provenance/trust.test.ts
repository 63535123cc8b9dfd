import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRUST_RULES, loadTrustRules, trustOf } from './trust.ts';

describe('trust rules', () => {
  it('label mail, web and ticket content untrusted and the system prompt trusted by default', () => {
    const doc = { kind: 'document' as const, producers: ['search_email'], source: '', documentId: 'msg-1' };
    expect(trustOf(DEFAULT_TRUST_RULES, doc).trust).toBe('untrusted');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['MailboxRetriever'] }).trust).toBe('untrusted');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['search_docs'], source: 'https://example.com/page' }).trust).toBe('untrusted');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['search_docs'], source: '[REDACTED:email:1a2b3c4d]' }).trust).toBe('untrusted');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['search_docs'] }).trust).toBe('unknown');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, kind: 'system_instruction', producers: [] }).trust).toBe('trusted');
  });

  it('loads a rules file, first match wins, and rejects a bad one with the reason', () => {
    const file = join(tmpdir(), `trust-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ rules: [{ producer: '^search_docs$', trust: 'trusted', why: 'our wiki' }, ...DEFAULT_TRUST_RULES] }));
    const rules = loadTrustRules(file);
    expect(trustOf(rules, { kind: 'document', producers: ['search_docs'], source: '', documentId: '' })).toEqual({ trust: 'trusted', why: 'our wiki' });
    writeFileSync(file, JSON.stringify([{ trust: 'maybe' }]));
    expect(() => loadTrustRules(file)).toThrow(/rules\[0\]: trust must be trusted, untrusted or unknown/);
    writeFileSync(file, JSON.stringify([{ trust: 'trusted', producer: '(' }]));
    expect(() => loadTrustRules(file)).toThrow(/producer/);
  });
});
