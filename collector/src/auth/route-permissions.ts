// Every route and the permission it needs: the one table the guard enforces (default deny: an
// /api/ route missing here answers 404 to anyone signed in, 401 to anyone else). The README's
// permission table is this table. `audit` names the access-audit action a request records.
import { type Permission, ROLES, roleAllows } from '@causeway/schemas';

export interface RouteRule {
  method: 'GET' | 'POST' | 'PUT';
  /** Hono-style path; `:name` matches one segment, a final `/*` one or more */
  path: string;
  /** 'public': no credentials; 'signed-in': any authenticated principal that is not ingest-only */
  permission: Permission | 'public' | 'signed-in';
  /** the audit action the guard records for every answer (refusals are recorded as auth.refused) */
  audit?: string;
  /** audit actions the route records itself (when it knows the outcome: delivery, a sign-in, a credential change) */
  records?: string[];
}

export const ROUTES: readonly RouteRule[] = [
  // OTLP receiver port
  { method: 'POST', path: '/v1/traces', permission: 'ingest' },
  { method: 'POST', path: '/v1/logs', permission: 'ingest' },
  // reads of evidence
  { method: 'GET', path: '/api/traces', permission: 'read', audit: 'search' },
  { method: 'GET', path: '/api/traces/:traceId', permission: 'read', audit: 'trace.read' },
  { method: 'GET', path: '/api/traces/:traceId/logs', permission: 'read', audit: 'trace.logs.read' },
  { method: 'GET', path: '/api/search/traces', permission: 'read', audit: 'search' },
  { method: 'GET', path: '/api/provenance/slice', permission: 'read', audit: 'slice.read' },
  { method: 'GET', path: '/api/provenance/traces/:traceId', permission: 'read', audit: 'graph.read' },
  { method: 'GET', path: '/api/provenance/traces/:traceId/overview', permission: 'read', audit: 'graph.overview.read' },
  { method: 'GET', path: '/api/artifacts/:artifactId', permission: 'read', audit: 'artifact.read' },
  { method: 'GET', path: '/api/redactions', permission: 'read' },
  { method: 'GET', path: '/api/ledger/checkpoint', permission: 'read' },
  { method: 'GET', path: '/api/ledger/inclusion', permission: 'read', audit: 'proof.read' },
  { method: 'GET', path: '/api/ledger/consistency', permission: 'read' },
  { method: 'GET', path: '/api/ledger/log/checkpoint', permission: 'read' },
  { method: 'GET', path: '/api/ledger/log/tile/*', permission: 'read' },
  // incidents
  { method: 'GET', path: '/api/incidents', permission: 'incidents', audit: 'incident.list' },
  { method: 'GET', path: '/api/incidents/:incidentId', permission: 'incidents', audit: 'incident.read' },
  { method: 'POST', path: '/api/incidents', permission: 'incidents', audit: 'incident.created' },
  { method: 'POST', path: '/api/incidents/:incidentId/events', permission: 'incidents', audit: 'incident.event' },
  // detections (findings are evidence: reading them is audited; their status changes like an incident's)
  { method: 'GET', path: '/api/findings', permission: 'read', audit: 'finding.list' },
  { method: 'GET', path: '/api/findings/:findingId', permission: 'read', audit: 'finding.read' },
  { method: 'POST', path: '/api/findings/:findingId/events', permission: 'incidents', audit: 'finding.event' },
  { method: 'GET', path: '/api/detections/rules', permission: 'read' },
  { method: 'GET', path: '/api/detections/status', permission: 'read' },
  { method: 'GET', path: '/api/agents', permission: 'read', audit: 'agent.list' },
  { method: 'GET', path: '/api/agents/:agentId', permission: 'read', audit: 'agent.read' },
  // the registry is policy: only an admin changes it, and every change is audited
  { method: 'PUT', path: '/api/agents/:agentId', permission: 'policy', audit: 'agent.changed' },
  // evidence export and the audit
  { method: 'POST', path: '/api/bundles', permission: 'export', audit: 'export.requested', records: ['export.delivered', 'export.aborted'] },
  { method: 'GET', path: '/api/exports', permission: 'export', audit: 'export.list' },
  { method: 'GET', path: '/api/audit', permission: 'audit', audit: 'audit.read' },
  // credentials
  { method: 'GET', path: '/api/credentials', permission: 'credentials', audit: 'credential.list' },
  { method: 'POST', path: '/api/credentials', permission: 'credentials', records: ['credential.created'] },
  { method: 'POST', path: '/api/credentials/:credentialId/revoke', permission: 'credentials', records: ['credential.revoked'] },
  // the caller and sign-in
  { method: 'GET', path: '/api/auth/me', permission: 'signed-in' },
  { method: 'POST', path: '/api/auth/signout', permission: 'signed-in', records: ['auth.signout'] },
  { method: 'POST', path: '/api/auth/session', permission: 'public', records: ['auth.signin'] },
  { method: 'GET', path: '/auth/config', permission: 'public' },
  { method: 'GET', path: '/auth/login', permission: 'public' },
  { method: 'GET', path: '/auth/callback', permission: 'public', records: ['auth.signin'] },
  { method: 'GET', path: '/healthz', permission: 'public' },
];

export interface MatchedRoute {
  rule: RouteRule;
  params: Record<string, string>;
}

const COMPILED = ROUTES.map((rule) => {
  const names: string[] = [];
  const path = rule.path.replace(/:([A-Za-z]+)/g, (_, n: string) => (names.push(n), '([^/]+)')).replace(/\/\*$/, () => (names.push('rest'), '/(.+)'));
  const re = new RegExp(`^${path}/?$`);
  return { rule, re, names };
});

/** The rule for a request, with its path parameters; undefined when no rule names it. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const c of COMPILED) {
    if (c.rule.method !== m) continue;
    const hit = c.re.exec(path);
    if (hit) return { rule: c.rule, params: Object.fromEntries(c.names.map((n, i) => [n, hit[i + 1]!])) };
  }
  return undefined;
}

/** The table as the README shows it (route-permissions.test.ts keeps the README's copy equal). */
export function permissionTable(): string {
  const who = (p: RouteRule['permission']): string => (p === 'public' ? 'anyone' : p === 'signed-in' ? 'any role but ingest' : ROLES.filter((r) => roleAllows(r, p)).join(', '));
  const rows = ROUTES.map((r) => `| \`${r.method} ${r.path}\` | ${r.permission} | ${who(r.permission)} | ${[r.audit, ...(r.records ?? [])].filter(Boolean).map((a) => `\`${a}\``).join(', ') || '-'} |`);
  return ['| route | permission | roles | access-audit events |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
