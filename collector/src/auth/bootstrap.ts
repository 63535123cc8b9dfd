// Secure by default. At first start Causeway creates an admin credential and
// an ingest token for the default tenant, each in a 0600 file under `<data dir>/auth/`, so a
// fresh `npm start` is usable at once and nothing is open. And it refuses to listen beyond this
// machine unless people can sign in some other way than with those local files.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialInfo } from '@causeway/schemas';
import type { CredentialStore } from './credential-store.ts';
import { isLoopbackAddress } from './browser-policy.ts';

export const BOOTSTRAP = 'bootstrap';

export interface LocalCredentials {
  /** true when this start created them */
  created: boolean;
  adminFile: string;
  ingestFile: string;
  /** the bootstrap admin credential, while it is not revoked */
  admin?: CredentialInfo;
  /** the bootstrap ingest token, while its file exists and it is not revoked */
  ingestToken?: string;
}

export function localCredentials(store: CredentialStore, tenant: string): LocalCredentials {
  const adminFile = join(store.dir, 'admin.token');
  const ingestFile = join(store.dir, 'ingest.token');
  let created = false;
  // first start: this collector never made its local credentials (an operator may have created others with the CLI before)
  if (!store.history.some((e) => e.event === 'created' && e.by === BOOTSTRAP)) {
    const admin = store.create({ tenant, role: 'admin', name: 'local admin', by: BOOTSTRAP });
    const ingest = store.create({ tenant, role: 'ingest', name: 'local agents', by: BOOTSTRAP });
    writeFileSync(adminFile, `${admin.token}\n`, { mode: 0o600 });
    writeFileSync(ingestFile, `${ingest.token}\n`, { mode: 0o600 });
    created = true;
  }
  const active = store.list().filter((c) => c.createdBy === BOOTSTRAP && !c.revokedAt);
  const out: LocalCredentials = { created, adminFile, ingestFile };
  const admin = active.find((c) => c.role === 'admin');
  if (admin) out.admin = admin;
  if (existsSync(ingestFile)) {
    const token = readFileSync(ingestFile, 'utf8').trim();
    const r = store.authenticate(token);
    if (r.ok && r.credential.role === 'ingest') out.ingestToken = token;
  }
  return out;
}

/**
 * Why this configuration must not start, or undefined. Beyond loopback, people need a way in
 * that is not a file on this machine: an identity provider, or API keys an operator created.
 */
export function exposureRefusal(host: string, authOn: boolean, oidcConfigured: boolean, store: CredentialStore | undefined): string | undefined {
  if (isLoopbackAddress(host)) return undefined;
  if (!authOn) return `refusing to listen on ${host} with CAUSEWAY_AUTH=off: authentication can only be off on a loopback address (CAUSEWAY_HOST=127.0.0.1)`;
  if (oidcConfigured) return undefined;
  const keys = store?.list().filter((c) => c.createdBy !== BOOTSTRAP && !c.revokedAt && c.role !== 'ingest') ?? [];
  if (keys.length > 0) return undefined;
  return (
    `refusing to listen on ${host} without an identity provider or API keys: ` +
    'set CAUSEWAY_OIDC_ISSUER and CAUSEWAY_OIDC_CLIENT_ID (people sign in through your IdP), ' +
    'or create an API key first with `npx causeway token create --tenant <tenant> --role admin`, ' +
    'or listen on this machine only (CAUSEWAY_HOST=127.0.0.1)'
  );
}
