// A real OpenID Connect provider (node-oidc-provider, certified) running inside the test
// process on an ephemeral loopback port: authorization code + PKCE for the explorer's client,
// client credentials with JWT access tokens for automation. Its development login page accepts
// any login name; the accounts below give their `groups` claim.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ProviderContext } from 'oidc-provider';

export interface TestIdp {
  issuer: string;
  explorerClientId: string;
  automation: { clientId: string; clientSecret: string };
  /** the audience of the JWT access tokens it issues to automation */
  apiAudience: string;
  /** a client-credentials access token (a JWT) for the automation client */
  automationToken(resource?: string): Promise<string>;
  close(): Promise<void>;
}

/** People the IdP knows: login name → claims. */
export const ACCOUNTS: Record<string, { email: string; groups: string[] }> = {
  alice: { email: 'alice@example.com', groups: ['causeway:default:compliance', 'staff'] },
  ravi: { email: 'ravi@example.com', groups: ['incident-responders'] },
  mallory: { email: 'mallory@example.com', groups: ['staff'] },
};

export async function startIdp(o: { redirectUris: string[]; automationGroups?: string[] }): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiAudience = 'urn:causeway:api';
  const automation = { clientId: 'automation', clientSecret: 'automation-secret-for-tests-only' };
  const provider = new Provider(issuer, {
    clients: [
      { client_id: 'causeway-explorer', token_endpoint_auth_method: 'none', redirect_uris: o.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] },
      { client_id: automation.clientId, client_secret: automation.clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    async findAccount(_ctx: ProviderContext, id: string) {
      const a = ACCOUNTS[id];
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: a.email, email_verified: true, groups: a.groups }) };
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // the explorer's sign-in gets an opaque token for userinfo; automation asks for the API
        defaultResource: (ctx: ProviderContext) => (ctx.oidc.client?.clientId === automation.clientId ? apiAudience : undefined),
        useGrantedResource: () => true,
        // `urn:causeway:short-lived`: a token for the API that expires in 5 s
        getResourceServerInfo: (_ctx: ProviderContext, resource: string) =>
          resource === 'urn:causeway:short-lived' ? { scope: '', audience: apiAudience, accessTokenFormat: 'jwt', accessTokenTTL: 5 } : { scope: '', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300 },
      },
    },
    extraTokenClaims: (_ctx: ProviderContext, token: { kind: string }) => (token.kind === 'ClientCredentials' ? { groups: o.automationGroups ?? ['causeway:default:viewer'] } : undefined),
    cookies: { keys: ['causeway-test-idp-cookie-key'] },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    explorerClientId: 'causeway-explorer',
    automation,
    apiAudience,
    async automationToken(resource = apiAudience) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${automation.clientId}:${automation.clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token endpoint: ${res.status} ${body.error} ${body.error_description}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A TCP port free on loopback right now (for a collector whose redirect URI the IdP must know first). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
