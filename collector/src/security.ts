// Zero trust, wired: data-at-rest modes, the credential store and its first-start credentials,
// the refusal to listen beyond loopback without a way for people to sign in, the access audit,
// and the authenticators the receivers and the API's guard use.
import { type AuditEntry, AuditLog, type AuditSink } from './auth/audit.ts';
import { ApiAuthenticator } from './auth/authenticate.ts';
import { LOOPBACK_HOSTS, hostName, isLoopbackAddress } from './auth/browser-policy.ts';
import { type LocalCredentials, exposureRefusal, localCredentials } from './auth/bootstrap.ts';
import { type CredentialEvent, CredentialStore } from './auth/credential-store.ts';
import { type IngestAuthResult, type IngestAuthenticator, ingestAuthenticator, openIngest } from './auth/ingest-auth.ts';
import { Oidc } from './auth/oidc.ts';
import type { Principal } from './auth/principal.ts';
import { SignInCodes, Sessions } from './auth/sessions.ts';
import type { AuthApiOptions } from './api/auth-api.ts';
import type { GuardOptions } from './api/guard.ts';
import type { Config } from './config.ts';
import { ensurePrivateDir, makeTreePrivate } from './private-files.ts';
import type { AuditIndex } from './store/reads/audit.ts';

export interface Security {
  /** undefined when authentication is off */
  credentials: CredentialStore | undefined;
  local: LocalCredentials | undefined;
  /** a one-time sign-in link's code for the local admin (printed at start) */
  signInCode(): string | undefined;
  wire(sink: AuditSink, queries: AuditIndex, redact: (tenant: string, text: string) => string): Promise<Wired>;
  close(): void;
}

export interface Wired {
  /** `authenticateIngest(authorization header) → principal | refusal`: the one check every receiver uses */
  authenticateIngest: IngestAuthenticator;
  onIngestRefused: (r: Extract<IngestAuthResult, { ok: false }>, req: { path: string; clientAddress: string; userAgent: string }) => void;
  audit: AuditLog;
  guard: GuardOptions;
  authApi: AuthApiOptions | undefined;
}

const SIGN_IN_LINK_TTL_MS = 15 * 60_000;

export function openSecurity(config: Config, log: (msg: string) => void): Security {
  // Everything this process creates is for its user only (chDB's files included), and what an
  // older version or another umask left behind is made so.
  process.umask(0o077);
  ensurePrivateDir(config.dataDir);
  const fixed = makeTreePrivate(config.dataDir);
  if (fixed > 0) log(`made ${fixed} file(s) and directories under ${config.dataDir} private (0600 / 0700)`);

  const credentials = config.auth ? CredentialStore.open(config.dataDir) : undefined;
  const refusal = exposureRefusal(config.host, config.auth, !!config.oidc, credentials);
  if (refusal) throw new Error(refusal);
  if (!config.auth) log('WARNING: authentication is off (CAUSEWAY_AUTH=off): anyone who can reach 127.0.0.1 can read and write everything');
  const local = credentials ? localCredentials(credentials, config.tenant) : undefined;
  const codes = new SignInCodes(SIGN_IN_LINK_TTL_MS);
  const sessions = new Sessions(config.sessionTtlMinutes * 60_000);
  const oidc = config.oidc ? new Oidc(config.oidc) : undefined;
  const allowedHosts = new Set([...config.allowedHosts, ...(config.publicUrl ? [hostName(new URL(config.publicUrl).host)] : [])]);
  if (!isLoopbackAddress(config.host) && ![...allowedHosts].some((h) => !LOOPBACK_HOSTS.includes(h))) {
    log(`note: listening on ${config.host}, but the API answers only Host names ${[...allowedHosts].join(', ')}: set CAUSEWAY_ALLOWED_HOSTS or CAUSEWAY_PUBLIC_URL`);
  }

  return {
    credentials,
    local,
    signInCode: () => (local?.admin ? codes.issue(local.admin.id) : undefined),
    async wire(sink, queries, redact) {
      const audit = new AuditLog(sink, redact, log);
      if (credentials) {
        // Credential changes made by the CLI (collector running or not) enter the audit once.
        const record = async (events: readonly CredentialEvent[]): Promise<void> => {
          const seen = await queries.existingEventIds(events.map((e) => e.eid));
          for (const e of events) if (!seen.has(e.eid)) await audit.record(credentialAudit(credentials, e));
        };
        await record(credentials.history);
        await sink.drained?.();
        credentials.onForeignEvents = (events) => void record(events).catch((e: Error) => log(`credential change could not be audited: ${e.message}`));
      }
      const open: Principal | undefined = config.auth ? undefined : { kind: 'token', id: '', name: 'unauthenticated (CAUSEWAY_AUTH=off)', tenant: config.tenant, role: 'admin', tenants: [config.tenant], services: [], agents: [] };
      const authenticator = credentials ? new ApiAuthenticator(credentials, sessions, oidc) : undefined;
      return {
        authenticateIngest: credentials ? ingestAuthenticator(credentials) : openIngest(config.tenant),
        onIngestRefused: (r, req) =>
          audit.refused({ tenant: r.principal?.tenant ?? config.tenant, ...(r.principal ? { principal: r.principal } : {}), action: 'auth.refused', target: `POST ${req.path}`, status: r.status, detail: r.reason, clientAddress: req.clientAddress, userAgent: req.userAgent }),
        audit,
        guard: {
          ...(authenticator ? { authenticator } : {}),
          audit,
          allowedHosts,
          publicOrigins: new Set(config.publicUrl ? [new URL(config.publicUrl).origin.toLowerCase()] : []),
          defaultTenant: config.tenant,
          ...(open ? { open } : {}),
          log,
        },
        authApi: credentials && authenticator ? { credentials, authenticator, sessions, codes, oidc, audit, defaultTenant: config.tenant, publicUrl: config.publicUrl } : undefined,
      };
    },
    close() {
      credentials?.flushUsage();
    },
  };
}

/** A credential event as an access-audit event: same id and time, so it is recorded once. */
function credentialAudit(store: CredentialStore, e: CredentialEvent): AuditEntry {
  const c = store.list().find((x) => x.id === e.id);
  const by = e.by;
  return {
    tenant: c?.tenant ?? 'default',
    actor: { kind: by.split(':')[0] ?? 'cli', id: by, name: by },
    action: e.event === 'created' ? 'credential.created' : 'credential.revoked',
    target: e.id,
    status: 0,
    detail: c ? `${c.role} "${c.name}"${c.services.length ? ` services ${c.services.join(',')}` : ''}` : '',
    eventId: e.eid,
    at: Date.parse(e.at),
  };
}
