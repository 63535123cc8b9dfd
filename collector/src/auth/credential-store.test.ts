import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore } from './credential-store.ts';
import { parseToken } from './token.ts';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'cred-'));

describe('credential store', () => {
  it('keeps only a hash of each token, in a 0600 file inside a 0700 directory', () => {
    const d = dataDir();
    const s = CredentialStore.open(d);
    const { token, credential } = s.create({ tenant: 'acme', role: 'ingest', name: 'billing', services: ['billing-agent'], by: 'test' });
    expect(token).toMatch(/^cw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const file = readFileSync(s.file, 'utf8');
    expect(file).not.toContain(parseToken(token)!.secret); // the secret may itself contain '_'
    expect(file).toContain(credential.id);
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
    expect(statSync(s.dir).mode & 0o777).toBe(0o700);
  });

  it('authenticates the token it issued and nothing close to it', () => {
    const s = CredentialStore.open(dataDir());
    const { token, credential } = s.create({ tenant: 'acme', role: 'viewer', by: 'test' });
    const ok = s.authenticate(token);
    expect(ok.ok && ok.credential.id).toBe(credential.id);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(s.authenticate(token.slice(0, -1) + last)).toEqual({ ok: false, reason: 'unknown' });
    expect(s.authenticate('Bearer x')).toEqual({ ok: false, reason: 'malformed' });
    expect(s.authenticate(`cw_${'0'.repeat(16)}_${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('sees credentials created and revoked by another process (the CLI) without a restart', async () => {
    const d = dataDir();
    const collector = CredentialStore.open(d);
    const foreign: string[] = [];
    collector.onForeignEvents = (events) => foreign.push(...events.map((e) => `${e.event}:${e.id}`));
    const cli = CredentialStore.open(d);
    const { token, credential } = cli.create({ tenant: 'acme', role: 'ingest', by: 'cli:test' });
    expect(collector.authenticate(token).ok).toBe(true); // unknown id: re-read at once
    cli.revoke(credential.id, 'cli:test');
    // a known id is re-read at most every 250 ms: poll, never sleep a fixed time
    const deadline = Date.now() + 10_000;
    while (collector.authenticate(token).ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(collector.authenticate(token)).toEqual({ ok: false, reason: 'revoked', id: credential.id });
    expect(foreign).toEqual([`created:${credential.id}`, `revoked:${credential.id}`]);
  });

  it('ignores a half-written last line until it is complete, and lines that are not credential events', () => {
    const d = dataDir();
    const s = CredentialStore.open(d);
    appendFileSync(s.file, 'not json\n{"v":1,"event":"created","id":"x"}\n{"v":1,"event":"crea');
    expect(s.list()).toEqual([]);
    const other = CredentialStore.open(d);
    const { credential } = other.create({ tenant: 'acme', role: 'admin', by: 'test' });
    // the torn line is closed before the next one is appended, and skipped
    expect(s.list().map((c) => c.id)).toEqual([credential.id]);
  });

  it('validates what it stores', () => {
    const s = CredentialStore.open(dataDir());
    expect(() => s.create({ tenant: '../etc', role: 'admin', by: 't' })).toThrow(/invalid tenant/);
    expect(() => s.create({ tenant: 'a', role: 'root' as never, by: 't' })).toThrow(/invalid role/);
    expect(() => s.create({ tenant: 'a', role: 'viewer', services: ['x'], by: 't' })).toThrow(/ingest credentials only/);
  });

  it('lists last use once it has been written, never the hash', () => {
    const d = dataDir();
    const s = CredentialStore.open(d);
    const { credential } = s.create({ tenant: 'acme', role: 'ingest', by: 'test' });
    s.touch(credential.id);
    s.flushUsage();
    const listed = CredentialStore.open(d).list('acme')[0]!;
    expect(listed.lastUsedAt).toMatch(/^\d{4}-/);
    expect(JSON.stringify(listed)).not.toMatch(/secret/i);
  });
});
