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

  it("does not call an action's own result outside input because its name mentions mail or tickets", () => {
    const receipt = { kind: 'tool_result' as const, producers: ['send_email', 'execute_tool send_email'], source: '', documentId: '' };
    expect(trustOf(DEFAULT_TRUST_RULES, receipt)).toMatchObject({ trust: 'unknown', rule: 'builtin:own-action-result' });
    expect(trustOf(DEFAULT_TRUST_RULES, { ...receipt, producers: ['create_ticket'] }).trust).toBe('unknown');
    // reading mail or tickets still is
    expect(trustOf(DEFAULT_TRUST_RULES, { ...receipt, producers: ['search_email'] }).trust).toBe('untrusted');
    expect(trustOf(DEFAULT_TRUST_RULES, { ...receipt, producers: ['read_ticket'] }).trust).toBe('untrusted');
  });

  it('loads a rules file, first match wins, and rejects a bad one with the reason', () => {
    const file = join(tmpdir(), `trust-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ rules: [{ producer: '^search_docs$', trust: 'trusted', why: 'our wiki' }, ...DEFAULT_TRUST_RULES] }));
    const rules = loadTrustRules(file);
    expect(trustOf(rules, { kind: 'document', producers: ['search_docs'], source: '', documentId: '' })).toEqual({ trust: 'trusted', why: 'our wiki', rule: 'rules[0]', matched: { producer: 'search_docs' } });
    writeFileSync(file, JSON.stringify([{ trust: 'maybe' }]));
    expect(() => loadTrustRules(file)).toThrow(/rules\[0\]: trust must be trusted, untrusted or unknown/);
    writeFileSync(file, JSON.stringify([{ trust: 'trusted', producer: '(' }]));
    expect(() => loadTrustRules(file)).toThrow(/producer/);
  });

  it('names the rule that set a label and what it matched, with the same values as before', () => {
    const doc = { kind: 'document' as const, producers: ['execute_tool send_email', 'send_email'], source: '', documentId: 'msg-1' };
    // a tool *named* send_email matches the mail pattern: the label says so
    expect(trustOf(DEFAULT_TRUST_RULES, doc)).toEqual({
      trust: 'untrusted',
      why: 'content from mail, the web, tickets or messages is written by outsiders',
      rule: 'builtin:outsider-producer',
      matched: { producer: 'execute_tool send_email' },
    });
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['search_docs'], source: 'https://example.com/x' })).toEqual({
      trust: 'untrusted',
      why: 'retrieved from the web or mail',
      rule: 'builtin:outsider-source',
      matched: { source: 'https://example.com/x' },
    });
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, kind: 'user_prompt' })).toEqual({ trust: 'trusted', why: "the user's own request", rule: 'builtin:user-prompt' });
    expect(trustOf(DEFAULT_TRUST_RULES, { ...doc, producers: ['search_docs'] })).toEqual({ trust: 'unknown', why: 'no trust rule matched', rule: 'none' });
    // rules given in code without an id are named by their place
    expect(trustOf([{ trust: 'trusted', document: '^kb-', why: 'wiki' }], { ...doc, documentId: 'kb-7' })).toEqual({ trust: 'trusted', why: 'wiki', rule: 'rules[0]', matched: { document: 'kb-7' } });
  });

  it('takes rule ids from the rules file (the built-in rules copied in keep theirs), and refuses an id that is no name', () => {
    const file = join(tmpdir(), `trust-ids-${process.pid}.json`);
    writeFileSync(file, JSON.stringify([{ trust: 'untrusted', why: 'x', kind: ['document'] }, { id: 'our-wiki', producer: '^search_docs$', trust: 'trusted', why: 'our wiki' }]));
    const rules = loadTrustRules(file);
    expect(rules.map((r) => r.id)).toEqual(['rules[0]', 'our-wiki']);
    expect(trustOf(rules, { kind: 'tool_result', producers: ['search_docs'], source: '', documentId: '' }).rule).toBe('our-wiki');
    writeFileSync(file, JSON.stringify(DEFAULT_TRUST_RULES));
    expect(loadTrustRules(file)).toEqual(DEFAULT_TRUST_RULES);
    for (const id of ['none', '', 7]) {
      writeFileSync(file, JSON.stringify([{ id, trust: 'trusted', why: 'x' }]));
      expect(() => loadTrustRules(file), String(id)).toThrow(/rules\[0\]: id must be/);
    }
  });
});
