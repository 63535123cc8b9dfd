// Who may do what (roles and permissions), credentials as the API lists them, and the access
// audit's events. The permission table per route is in collector/src/auth/route-permissions.ts
// and, the same, in the README.

/** A credential's role. `ingest` writes telemetry only; the others read, each adding to the one before. */
export const ROLES = ['ingest', 'viewer', 'responder', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs. */
export type Permission =
  | 'ingest' // send OTLP
  | 'read' // traces, logs, slices, search, artifacts, ledger proofs
  | 'incidents' // read and write incidents and notes
  | 'export' // evidence bundles, the export list
  | 'audit' // the access audit
  | 'credentials' // create, list and revoke credentials
  | 'policy'; // policy: the agent registry (PUT /api/agents/:id); redaction and trust policy are files

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ingest: ['ingest'],
  viewer: ['read'],
  responder: ['read', 'incidents'],
  compliance: ['read', 'incidents', 'export', 'audit'],
  admin: ['read', 'incidents', 'export', 'audit', 'credentials', 'policy'],
};

export function roleAllows(role: Role, p: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(p);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** How a principal proved who it is. */
export type PrincipalKind = 'token' | 'session' | 'jwt';

/** An authenticated caller, as routes and the audit see it. */
export interface PrincipalInfo {
  kind: PrincipalKind;
  /** credential id (token), or the IdP subject (session, jwt) */
  id: string;
  /** credential name, or the person's e-mail / name from the IdP */
  name: string;
  tenant: string;
  role: Role;
  /** tenants this principal may act in (an IdP user may hold grants in several) */
  tenants: string[];
}

/** GET /api/auth/me */
export interface WhoAmIResponse extends PrincipalInfo {
  permissions: Permission[];
  /** unix ms when the session ends (sessions only) */
  expiresAt?: number;
}

/** A credential as listed (never its secret). */
export interface CredentialInfo {
  id: string;
  tenant: string;
  role: Role;
  name: string;
  /** service.name values its spans and log records may carry (empty: any) */
  services: string[];
  /** agent identities (gen_ai.agent.name / gen_ai.agent.id) it may send (empty: any) */
  agents: string[];
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
  lastUsedAt?: string;
}

export interface CredentialListResponse {
  credentials: CredentialInfo[];
}

/** POST /api/credentials: the token is shown once. */
export interface CreatedCredentialResponse {
  credential: CredentialInfo;
  token: string;
}

/** One access-audit event (GET /api/audit; `audit_events` table, a ledger leaf like every row). */
export interface AuditEvent {
  eventId: string;
  /** ISO 8601 */
  at: string;
  tenant: string;
  /** token | session | jwt | anonymous | system */
  actorKind: string;
  actorId: string;
  actorName: string;
  /** e.g. trace.read, slice.read, search, export.delivered, incident.event, credential.created, auth.signin, auth.refused */
  action: string;
  /** what was acted on (a trace id, an artifact id, a query, a credential id), redacted */
  target: string;
  /** every trace whose content the answer showed */
  traceIds: string[];
  /** HTTP status of the answer (0 when none) */
  status: number;
  clientAddress: string;
  userAgent: string;
  detail: string;
}

export interface AuditListResponse {
  events: AuditEvent[];
  nextCursor?: string;
}

/** GET /auth/config: what the sign-in page offers. */
export interface AuthConfigResponse {
  oidc: boolean;
  /** issuer host, for the button */
  provider?: string;
}
