import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey, openCheckpoint, signCheckpoint, verifierKey } from './checkpoint.ts';
import { leafHash } from './merkle.ts';
import { TreeEdge } from './tiles.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'logkey-'));

describe('signed checkpoints', () => {
  const key = loadOrCreateLogKey(join(dir(), 'log.key'), 'causeway.example/log-test');
  const log = TreeEdge.empty();
  for (let i = 0; i < 5; i++) log.append(leafHash(Buffer.from(`row ${i}`)));
  const checkpoint = { origin: key.name, size: 5n, root: log.root() };

  it('signs a C2SP checkpoint note that opens with the public key', () => {
    const note = signCheckpoint(checkpoint, key);
    expect(note).toMatch(/^causeway\.example\/log-test\n5\n[A-Za-z0-9+/]{43}=\n\n— causeway\.example\/log-test [A-Za-z0-9+/]+=*\n$/);
    expect(openCheckpoint(note, key.name, key.publicKey)).toEqual(checkpoint);
    expect(verifierKey(key.name, key.publicKey)).toMatch(/^causeway\.example\/log-test\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  });

  it('rejects an edited size or root, another key, and a note without signature', () => {
    const note = signCheckpoint(checkpoint, key);
    expect(() => openCheckpoint(note.replace('\n5\n', '\n6\n'), key.name, key.publicKey)).toThrow(/does not verify/);
    const other = loadOrCreateLogKey(join(dir(), 'other.key'), key.name);
    expect(() => openCheckpoint(signCheckpoint(checkpoint, other), key.name, key.publicKey)).toThrow(/no signature by/);
    expect(() => openCheckpoint(note, key.name, other.publicKey)).toThrow(/no signature by/);
    expect(() => openCheckpoint(note.split('\n\n')[0]! + '\n', key.name, key.publicKey)).toThrow(/not a signed note/);
  });

  it('keeps the private key in a 0600 file and reloads the same key', () => {
    const d = dir();
    const a = loadOrCreateLogKey(join(d, 'log.key'), 'x.example/a');
    const b = loadOrCreateLogKey(join(d, 'log.key'), 'x.example/a');
    expect(statSync(join(d, 'log.key')).mode & 0o777).toBe(0o600);
    expect(a.publicKey.equals(b.publicKey)).toBe(true);
  });
});
