// People sign in through a real OpenID Connect provider (node-oidc-provider in this process),
// driven in real Chromium: authorization code + PKCE, a server-side session in an HttpOnly,
// SameSite cookie, the groups claim mapped to tenant and role; bearer JWTs on the API checked
// for signature, issuer, audience and expiry; and a page on another origin cannot use the
// session (CSRF).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditListResponse, Incident, WhoAmIResponse } from '@causeway/schemas';
import { type CollectorProcess, startCollector } from '@causeway/testkit/collector-process.ts';
import { launchChromium } from '@causeway/testkit/browser.ts';
import { type TestIdp, freePort, startIdp } from '@causeway/testkit/oidc-idp.ts';
import { ensureExplorerBuilt } from '../../explorer/build.ts';

let idp: TestIdp;
let cw: CollectorProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const authorizeUrls: string[] = [];

async function signIn(p: Page, login: string): Promise<void> {
  await p.goto(`${cw.apiUrl}/incidents`);
  await p.waitForSelector('[data-testid=signin-oidc]'); // sent to the sign-in page, which offers the IdP
  await p.click('[data-testid=signin-oidc]');
  await p.waitForSelector('input[name=login]'); // the IdP's own login page
  await p.fill('input[name=login]', login);
  await p.fill('input[name=password]', 'any password');
  await p.click('button[type=submit]');
  // the IdP asks for consent once per account and client
  await p.waitForURL((u) => u.origin === new URL(cw.apiUrl).origin || /\/interaction\//.test(u.pathname));
  if (/\/interaction\//.test(new URL(p.url()).pathname)) await p.click('button[type=submit]');
}

beforeAll(async () => {
  const port = await freePort();
  idp = await startIdp({ redirectUris: [`http://127.0.0.1:${port}/auth/callback`] });
  const [, collector, b] = await Promise.all([
    ensureExplorerBuilt({ wait: true }),
    startCollector({
      env: {
        CAUSEWAY_PORT: String(port),
        CAUSEWAY_OIDC_ISSUER: idp.issuer,
        CAUSEWAY_OIDC_CLIENT_ID: idp.explorerClientId,
        CAUSEWAY_OIDC_AUDIENCE: idp.apiAudience,
        CAUSEWAY_OIDC_SCOPES: 'openid email groups',
        CAUSEWAY_OIDC_GROUPS: JSON.stringify({ 'incident-responders': { tenant: 'default', role: 'responder' } }),
      },
    }),
    launchChromium(),
  ]);
  cw = collector;
  browser = b;
  context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().startsWith(`${idp.issuer}/auth`)) authorizeUrls.push(r.url());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cw?.stop();
  await idp?.close();
});

describe('sign-in through the identity provider', () => {
  it('authorization code + PKCE in Chromium: the groups claim makes alice compliance in tenant default, in an HttpOnly SameSite session cookie', async () => {
    await signIn(page, 'alice');
    await page.waitForSelector('[data-testid=account-name]');
    expect(new URL(page.url()).pathname).toBe('/incidents'); // back where she started
    expect(await page.textContent('[data-testid=account-name]')).toBe('alice@example.com');
    expect(await page.textContent('[data-testid=account-role]')).toContain('compliance · default');
    const authorize = new URL(authorizeUrls[0]!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const cookie = (await context.cookies(cw.apiUrl)).find((c) => c.name === 'causeway_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('causeway_session');
    // the page reads through the session; the audit page shows her sign-in
    await page.click('[data-testid=nav-audit]');
    await page.waitForSelector('[data-testid=audit-row]');
    const actions = await page.locator('[data-testid=audit-row] td:nth-child(3)').allTextContents();
    expect(actions).toContain('auth.signin');
  });

  it('a claim value mapped in CAUSEWAY_OIDC_GROUPS grants its role; no grant, no session', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, 'ravi');
    await p.waitForSelector('[data-testid=account-role]');
    expect(await p.textContent('[data-testid=account-role]')).toContain('responder · default');
    expect(await p.locator('[data-testid=nav-audit]').count()).toBe(0); // responders do not read the audit
    await other.close();

    const third = await browser.newContext();
    const q = await third.newPage();
    await signIn(q, 'mallory');
    await q.waitForURL((u) => u.pathname === '/auth/callback');
    expect(await q.textContent('body')).toContain('no Causeway role');
    expect((await third.cookies(cw.apiUrl)).some((c) => c.name === 'causeway_session')).toBe(false);
    await third.close();
    const refused = (await cw.getJson<AuditListResponse>('/api/audit?action=auth.refused&limit=100')).body.events;
    expect(refused.some((e) => e.actorName === 'mallory@example.com' && e.status === 403)).toBe(true);
  });

  it('a page on another origin cannot use the session (CSRF): its text/plain and JSON posts are refused', async () => {
    const inc = (await (await cw.fetch('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'target of a cross-site post' }) })).json()) as Incident;
    // the attacker's page: same host name, another port (same site, so SameSite alone would not stop it)
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><script>
        const api = ${JSON.stringify(cw.apiUrl)};
        const body = JSON.stringify({ type: 'status', status: 'closed' });
        Promise.allSettled([
          fetch(api + '/api/incidents/${inc.id}/events', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body }),
          fetch(api + '/api/incidents/${inc.id}/events', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body }),
        ]).then(() => { document.title = 'done'; });
      </script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const before = (await cw.getJson<AuditListResponse>('/api/audit?action=auth.refused&limit=1000')).body.events.length;
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => document.title === 'done');
      const after = await cw.getJson<Incident>(`/api/incidents/${inc.id}`);
      expect(after.body.status).toBe('open');
      expect(after.body.events).toHaveLength(1);
      // the no-cors text/plain post reached the server and was refused (the JSON one dies at the CORS preflight)
      const refused = (await cw.getJson<AuditListResponse>('/api/audit?action=auth.refused&limit=1000')).body.events;
      expect(refused.length).toBeGreaterThan(before);
      expect(refused.some((e) => e.target === `POST /api/incidents/${inc.id}/events` && e.status === 415)).toBe(true);
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
  });

  it('signing out ends the session on the server: the old cookie no longer works', async () => {
    await page.goto(`${cw.apiUrl}/`);
    await page.waitForSelector('[data-testid=signout]');
    const cookie = (await context.cookies(cw.apiUrl)).find((c) => c.name === 'causeway_session')!.value;
    const asCookie = { cookie: `causeway_session=${cookie}` };
    expect((await fetch(`${cw.apiUrl}/api/auth/me`, { headers: asCookie })).status).toBe(200);
    await page.click('[data-testid=signout]');
    await page.waitForSelector('[data-testid=signin]');
    expect((await fetch(`${cw.apiUrl}/api/auth/me`, { headers: asCookie })).status).toBe(401);
  });
});

describe('bearer JWTs from the identity provider on the API', () => {
  it('accepts a JWT access token signed by the IdP for our audience; its groups claim gives the role', async () => {
    const jwt = await idp.automationToken();
    expect(jwt.split('.')).toHaveLength(3);
    const me = await fetch(`${cw.apiUrl}/api/auth/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    expect((await me.json()) as WhoAmIResponse).toMatchObject({ kind: 'jwt', tenant: 'default', role: 'viewer' });
    expect((await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    expect((await fetch(`${cw.apiUrl}/api/incidents`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(403);
  });

  it('refuses a JWT for another audience, with a changed payload, signed by another key or with alg none, and once it has expired', async () => {
    const other = await idp.automationToken('urn:someone-else');
    expect((await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(401);
    const [h, p, s] = (await idp.automationToken()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['causeway:default:admin'] })).toString('base64url');
    expect((await fetch(`${cw.apiUrl}/api/credentials`, { headers: { authorization: `Bearer ${h}.${forged}.${s}` } })).status).toBe(401);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${none}.${p}.` } })).status).toBe(401);
    // well-formed, right issuer and audience, but not the IdP's key
    const { privateKey } = await generateKeyPair('RS256');
    const stranger = await new SignJWT({ ...claims, groups: ['causeway:default:admin'] }).setProtectedHeader({ alg: 'RS256', kid: JSON.parse(Buffer.from(h, 'base64url').toString()).kid }).sign(privateKey);
    expect((await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(401);
    // and the IdP's own token once it has expired
    const short = await idp.automationToken('urn:causeway:short-lived');
    const exp = (JSON.parse(Buffer.from(short.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    expect((await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${short}` } })).status).toBe(200);
    const deadline = Date.now() + 30_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await fetch(`${cw.apiUrl}/api/traces`, { headers: { authorization: `Bearer ${short}` } })).status;
    }
    expect(status).toBe(401);
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(exp);
  });
});
