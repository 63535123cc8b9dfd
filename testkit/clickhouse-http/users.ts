// Users, passwords and grants. The embedded engine authenticates nobody: every query runs as its
// one user `default`, and its only access storage is a read-only users.xml (no CREATE USER/GRANT).
// So each test user becomes a role in users.xml carrying exactly that user's grants, `default` is
// granted those roles and nothing else, and every request runs under `SET ROLE <its user's role>`:
// the engine's own access checks then decide what a user may do. Passwords are checked here.
import { createHash, timingSafeEqual } from 'node:crypto';
import { httpError } from './errors.ts';

export interface TestUser {
  name: string;
  password: string;
  /** What `GRANT … TO user` would grant, e.g. `SELECT, INSERT ON causeway.*` or `ALL ON *.*`. */
  grants: string[];
}

/** A stock server: `default` with an empty password and every privilege. */
export const DEFAULT_USERS: TestUser[] = [{ name: 'default', password: '', grants: ['ALL ON *.*'] }];

/** The role the server itself uses between requests (resetting settings, reading system tables). */
export const INTERNAL_ROLE = 'chtest_internal';

export function roleOf(users: TestUser[], name: string): string {
  const i = users.findIndex((u) => u.name === name);
  if (i < 0) throw new Error(`no user ${name}`);
  return `chtest_user_${i}`;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function usersXml(users: TestUser[]): string {
  const roles = users.map((u) => ({ role: roleOf(users, u.name), grants: u.grants }));
  roles.push({ role: INTERNAL_ROLE, grants: ['ALL ON *.*'] });
  const grantQueries = (grants: string[]): string => grants.map((g) => `<query>GRANT ${xml(g)}</query>`).join('');
  return [
    '<clickhouse>',
    // chDB turns these on for convenience; a server has them off.
    '  <profiles><default><implicit_select>0</implicit_select><allow_introspection_functions>0</allow_introspection_functions></default></profiles>',
    '  <quotas><default/></quotas>',
    `  <roles>${roles.map((r) => `<${r.role}><grants>${grantQueries(r.grants)}</grants></${r.role}>`).join('')}</roles>`,
    '  <users><default>',
    '    <password></password><networks><ip>::/0</ip></networks><profile>default</profile><quota>default</quota>',
    `    <grants><query>GRANT ${roles.map((r) => r.role).join(', ')}</query></grants>`,
    '  </default></users>',
    '</clickhouse>',
    '',
  ].join('\n');
}

export interface Credentials {
  user: string;
  password: string;
}

/**
 * Reads the credentials of a request the way ClickHouse does (src/Server/HTTP/authenticateUserByHTTP.cpp):
 * X-ClickHouse-User/Key headers, or HTTP Basic auth, or `user`/`password` URL parameters, never two
 * of them at once; none means the user `default` with an empty password.
 */
export function credentialsOf(headers: Record<string, string | string[] | undefined>, params: URLSearchParams): Credentials {
  const header = (n: string): string => {
    const v = headers[n];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  const user = header('x-clickhouse-user');
  const key = header('x-clickhouse-key');
  const authorization = header('authorization');
  const inParams = params.has('user') || params.has('password');
  const mixed = (a: string, b: string): never => {
    throw httpError('AUTHENTICATION_FAILED', `Invalid authentication: it is not allowed to use ${a} and ${b} simultaneously`);
  };
  if (user || key) {
    if (!user) throw httpError('AUTHENTICATION_FAILED', 'Got an empty user name from X-ClickHouse HTTP headers');
    if (authorization) mixed('X-ClickHouse HTTP headers', 'Authorization HTTP header');
    if (inParams) mixed('X-ClickHouse HTTP headers', 'authentication via parameters');
    return { user, password: key };
  }
  if (authorization) {
    if (inParams) mixed('Authorization HTTP header', 'authentication via parameters');
    const [scheme = '', info = ''] = authorization.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'basic') throw httpError('AUTHENTICATION_FAILED', `Invalid authentication: '${scheme}' HTTP Authorization scheme is not supported`);
    const decoded = Buffer.from(info, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const basicUser = colon < 0 ? decoded : decoded.slice(0, colon);
    if (!basicUser) throw httpError('AUTHENTICATION_FAILED', 'Got an empty user name from Authorization HTTP header');
    return { user: basicUser, password: colon < 0 ? '' : decoded.slice(colon + 1) };
  }
  const paramUser = params.get('user') ?? 'default';
  if (!paramUser) throw httpError('AUTHENTICATION_FAILED', 'Got an empty user name from authentication via parameters');
  return { user: paramUser, password: params.get('password') ?? '' };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The user these credentials name, if the password matches; ClickHouse's error otherwise. */
export function authenticate(users: TestUser[], c: Credentials): TestUser {
  const u = users.find((x) => x.name === c.user);
  // Compared as digests, in constant time; an unknown user gets the same answer as a wrong password.
  const ok = timingSafeEqual(digest(u?.password ?? '\u0000no user'), digest(c.password)) && u !== undefined;
  if (!ok) throw httpError('AUTHENTICATION_FAILED', `${c.user}: Authentication failed: password is incorrect, or there is no user with such name`);
  return u;
}
