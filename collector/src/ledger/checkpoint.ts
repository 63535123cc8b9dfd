// Signed tree heads as C2SP checkpoints (c2sp.org/tlog-checkpoint) in C2SP signed notes
// (c2sp.org/signed-note), signed with the log's Ed25519 key:
//
//   <origin>\n<tree size>\n<base64 root hash>\n\n— <origin> base64(key ID ‖ signature)\n
//
// key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4]. Anyone holding the public
// key verifies a checkpoint with a few lines of code and no Causeway software.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { readOrCreateSecretFile } from '../secret-file.ts';

const ED25519 = 0x01;

export interface LogKey {
  /** the key name, which is also the log's origin line */
  name: string;
  privateKey: KeyObject;
  /** raw 32-byte Ed25519 public key */
  publicKey: Buffer;
}

export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Buffer;
}

/** A log is identified by its public key (like a Certificate Transparency log). */
export function logIdOf(key: Pick<LogKey, 'publicKey'>): string {
  return createHash('sha256').update(key.publicKey).digest('hex').slice(0, 32);
}

export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name).update(Buffer.from([0x0a, ED25519])).update(publicKey).digest().subarray(0, 4);
}

/** The verifier key string used by Go's note package and C2SP tools: name+hex(key ID)+base64(0x01 ‖ key). */
export function verifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

export function checkpointText(c: Checkpoint): string {
  if (!c.origin || /[\n\r]/.test(c.origin)) throw new Error('a checkpoint origin is one non-empty line');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

export function signCheckpoint(c: Checkpoint, key: LogKey): string {
  const text = checkpointText(c);
  const sig = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  return `${text}\n— ${key.name} ${Buffer.concat([keyId(key.name, key.publicKey), sig]).toString('base64')}\n`;
}

/**
 * Verifies a signed checkpoint against a known key and returns it; throws on anything else
 * (malformed note, no signature by that key, bad signature, malformed checkpoint body).
 */
export function openCheckpoint(note: string, name: string, publicKey: Buffer): Checkpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('not a signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const id = keyId(name, publicKey);
  const spki = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  let verified = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error(`malformed signature line "${line.slice(0, 80)}"`);
    const blob = Buffer.from(m[2]!, 'base64');
    if (m[1] !== name || blob.length < 4 || !blob.subarray(0, 4).equals(id)) continue; // another key's signature
    if (!verify(null, Buffer.from(text, 'utf8'), spki, blob.subarray(4))) throw new Error(`signature by ${name} does not verify`);
    verified = true;
  }
  if (!verified) throw new Error(`no signature by ${name} (key ID ${id.toString('hex')})`);
  return parseCheckpoint(text);
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  if (!origin || !size || !/^(0|[1-9]\d{0,19})$/.test(size) || !root) throw new Error('malformed checkpoint: expected origin, size and root lines');
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== root) throw new Error('malformed checkpoint: root is not a base64 SHA-256 hash');
  return { origin, size: BigInt(size), root: hash };
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The log key: generated at first start, kept outside ClickHouse in a file only the collector's user can read. */
export function loadOrCreateLogKey(path: string, name: string): LogKey {
  const pem = readOrCreateSecretFile(path, 'log key', () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`log key ${path} is not an Ed25519 key`);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { name, privateKey, publicKey: Buffer.from(spki.subarray(ED25519_SPKI_PREFIX.length)) };
}
