// Authentication of telemetry senders, one function for every receiver (OTLP/HTTP here,
// OTLP/gRPC metadata later): `Authorization: Bearer <token>` → the ingest principal, or the
// refusal with its HTTP status and gRPC code (16 UNAUTHENTICATED, 7 PERMISSION_DENIED).
import { roleAllows } from '@causeway/schemas';
import type { CredentialStore } from './credential-store.ts';
import { type Principal, credentialPrincipal } from './principal.ts';
import { bearerOf } from './token.ts';

export type IngestAuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; grpcCode: 16 | 7; message: string; reason: string; principal?: Principal };

export type IngestAuthenticator = (authorization: string | undefined) => IngestAuthResult;

export const GRPC_UNAUTHENTICATED = 16;
export const GRPC_PERMISSION_DENIED = 7;

export function ingestAuthenticator(store: CredentialStore): IngestAuthenticator {
  return (authorization) => {
    const token = bearerOf(authorization);
    if (!token) {
      return {
        ok: false,
        status: 401,
        grpcCode: GRPC_UNAUTHENTICATED,
        reason: authorization ? 'malformed authorization' : 'no credentials',
        message: 'missing credentials: send Authorization: Bearer <ingest token> (e.g. OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer <token>)',
      };
    }
    const r = store.authenticate(token);
    if (!r.ok) return { ok: false, status: 401, grpcCode: GRPC_UNAUTHENTICATED, reason: `${r.reason} token`, message: 'invalid or revoked token' };
    const principal = credentialPrincipal(r.credential);
    if (!roleAllows(principal.role, 'ingest')) {
      return { ok: false, status: 403, grpcCode: GRPC_PERMISSION_DENIED, reason: 'role may not ingest', principal, message: `a ${principal.role} credential may not send telemetry: use an ingest token` };
    }
    store.touch(principal.id);
    return { ok: true, principal };
  };
}

/** The authenticator when authentication is off (CAUSEWAY_AUTH=off, loopback only): everything goes to the default tenant. */
export function openIngest(tenant: string): IngestAuthenticator {
  const principal: Principal = { kind: 'token', id: '', name: '', tenant, role: 'ingest', tenants: [tenant], services: [], agents: [] };
  return () => ({ ok: true, principal });
}
