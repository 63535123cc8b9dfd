// The evidence bundle's format constants, shared by the exporter and the offline verifier (which
// must not depend on the exporter: it runs with nothing but the file).
import { createHash } from 'node:crypto';

/** in-toto predicate type of a Causeway evidence bundle (the version of its layout). */
export const PREDICATE_TYPE = 'https://causeway.dev/evidence-bundle/v1';

/** Hex SHA-256 of a file's bytes, as listed in the signed manifest. */
export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
