// DSSE envelopes (github.com/secure-systems-lab/dsse) around in-toto Statements v1, signed
// with the log's Ed25519 key. PAE uses byte lengths: "DSSEv1 <len type> <type> <len body> <body>".
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

export function signEnvelope(payloadType: string, body: Buffer, key: KeyObject, keyid: string): DsseEnvelope {
  return { payloadType, payload: body.toString('base64'), signatures: [{ keyid, sig: sign(null, pae(payloadType, body), key).toString('base64') }] };
}

/** The payload, if some signature verifies with `publicKey` (raw Ed25519); else undefined. */
export function openEnvelope(env: DsseEnvelope, publicKey: Buffer): Buffer | undefined {
  const body = Buffer.from(env.payload, 'base64');
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
  for (const s of env.signatures ?? []) {
    if (verify(null, pae(env.payloadType, body), key, Buffer.from(s.sig, 'base64'))) return body;
  }
  return undefined;
}
