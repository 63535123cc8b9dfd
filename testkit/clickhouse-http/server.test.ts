// The ClickHouse HTTP test server against the real @clickhouse/client and raw HTTP requests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ClickHouseClient, ClickHouseError, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseServer, startClickHouseServer } from './server-process.ts';

const USERS = [
  { name: 'admin', password: 'admin-pw', grants: ['ALL ON *.*'] },
  { name: 'migrator', password: 'migrator-pw', grants: ['CREATE DATABASE, CREATE TABLE, CREATE VIEW, ALTER ADD COLUMN, SELECT, INSERT ON app.*'] },
  { name: 'writer', password: 'writer-pw', grants: ['SELECT, INSERT ON app.*'] },
];

let server: ClickHouseServer;
let admin: ClickHouseClient;
const clients: ClickHouseClient[] = [];
const client = (username: string, password: string, extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient => {
  const c = createClient({ url: server.url, username, password, log: { level: 127 as never }, ...extra });
  clients.push(c);
  return c;
};
const raw = (query: string, init: RequestInit & { params?: Record<string, string> } = {}): Promise<Response> => {
  const u = new URL(server.url);
  u.searchParams.set('query', query);
  for (const [k, v] of Object.entries(init.params ?? {})) u.searchParams.set(k, v);
  return fetch(u, { method: 'POST', ...init, headers: { 'X-ClickHouse-User': 'admin', 'X-ClickHouse-Key': 'admin-pw', ...(init.headers as Record<string, string>) } });
};
async function refused(p: Promise<unknown>): Promise<ClickHouseError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ClickHouseError);
  return e as ClickHouseError;
}

beforeAll(async () => {
  server = await startClickHouseServer({ dataDir: mkdtempSync(join(tmpdir(), 'chtest-')), users: USERS });
  admin = client('admin', 'admin-pw');
  await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS app' });
  await admin.command({ query: 'CREATE TABLE app.events (id UInt64, name String, tags Array(String)) ENGINE = MergeTree ORDER BY id' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
});

describe('ClickHouse HTTP test server', () => {
  it('serves @clickhouse/client: ping, JSONEachRow inserts, {name:Type} parameters with hostile strings, 64-bit integers exact', async () => {
    expect((await admin.ping()).success).toBe(true);
    const w = client('writer', 'writer-pw');
    const hostile = ["it's", 'back\\slash', 'tab\there', 'new\nline', "quote'\\'mix", 'ünïcødé 🚀', '{x:String}'];
    await w.insert({ table: 'app.events', format: 'JSONEachRow', values: hostile.map((name, i) => ({ id: String(2n ** 63n + BigInt(i)), name, tags: [name, 'b'] })) });
    const rs = await w.query({
      query: 'SELECT id, name, tags FROM app.events WHERE name IN {names:Array(String)} AND has(tags, {tag:String}) ORDER BY id',
      query_params: { names: hostile, tag: 'b' },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    });
    const rows = await rs.json<{ id: string; name: string; tags: string[] }>();
    expect(rows.map((r) => r.name)).toEqual(hostile);
    expect(rows[0]!.id).toBe('9223372036854775808');
    expect(rows[6]!.tags).toEqual(['{x:String}', 'b']);
    // one value at a time, as a scalar parameter
    for (const name of hostile) {
      const r = await w.query({ query: 'SELECT count() AS n FROM app.events WHERE name = {name:String}', query_params: { name }, format: 'JSONEachRow' });
      expect(await r.json()).toEqual([{ n: 1 }]); // 64-bit integers unquoted: ClickHouse 26's default
    }
  });

  it('enforces each user grants in the engine: the writer may only SELECT and INSERT, the migrator may create', async () => {
    const w = client('writer', 'writer-pw');
    for (const query of ['TRUNCATE TABLE app.events', 'ALTER TABLE app.events DELETE WHERE 1', 'DROP TABLE app.events', 'CREATE TABLE app.x (a UInt8) ENGINE = MergeTree ORDER BY a', 'OPTIMIZE TABLE app.events', 'ALTER TABLE app.events ADD COLUMN IF NOT EXISTS y UInt8']) {
      const e = await refused(w.command({ query }));
      expect(e.type, query).toBe('ACCESS_DENIED');
      expect(e.message).toMatch(/^writer: Not enough privileges/);
    }
    expect((await refused(w.query({ query: 'SELECT 1 FROM system.one, default.nothing' }))).code).not.toBe('0');
    const m = client('migrator', 'migrator-pw');
    await m.command({ query: 'CREATE TABLE IF NOT EXISTS app.migrated (a UInt8) ENGINE = MergeTree ORDER BY a' });
    await m.command({ query: 'ALTER TABLE app.migrated ADD COLUMN IF NOT EXISTS b UInt8' });
    expect((await refused(m.command({ query: 'DROP TABLE app.migrated' }))).type).toBe('ACCESS_DENIED');
    // over raw HTTP: the status and header ClickHouse sends for it
    const res = await raw('TRUNCATE TABLE app.events', { headers: { 'X-ClickHouse-User': 'writer', 'X-ClickHouse-Key': 'writer-pw' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('497');
    expect(await res.text()).toMatch(/^Code: 497\. DB::Exception: writer: Not enough privileges\. .*\(ACCESS_DENIED\) \(version \d+\.\d+/);
  });

  it('authenticates as ClickHouse does: X-ClickHouse headers, Basic auth, URL parameters; never two at once', async () => {
    const ok = async (init: RequestInit, params: Record<string, string> = {}): Promise<number> => {
      const u = new URL(server.url);
      u.searchParams.set('query', 'SELECT currentRoles()');
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return (await fetch(u, { method: 'POST', ...init })).status;
    };
    expect(await ok({ headers: { 'X-ClickHouse-User': 'writer', 'X-ClickHouse-Key': 'writer-pw' } })).toBe(200);
    expect(await ok({ headers: { Authorization: `Basic ${Buffer.from('writer:writer-pw').toString('base64')}` } })).toBe(200);
    expect(await ok({}, { user: 'writer', password: 'writer-pw' })).toBe(200);
    expect(await ok({ headers: { 'X-ClickHouse-User': 'writer', 'X-ClickHouse-Key': 'nope' } })).toBe(403);
    expect(await ok({ headers: { 'X-ClickHouse-User': 'nobody', 'X-ClickHouse-Key': '' } })).toBe(403);
    expect(await ok({})).toBe(403); // no `default` user on this server
    expect(await ok({ headers: { 'X-ClickHouse-User': 'writer', 'X-ClickHouse-Key': 'writer-pw', Authorization: 'Basic eDp5' } })).toBe(403);
    expect(await ok({ headers: { Authorization: 'Bearer abc' } })).toBe(403);
    const e = await refused(client('writer', 'wrong').query({ query: 'SELECT 1' }));
    expect([e.code, e.type, e.message]).toEqual(['516', 'AUTHENTICATION_FAILED', 'writer: Authentication failed: password is incorrect, or there is no user with such name. ']);
  });

  it('answers errors in ClickHouse format with its HTTP statuses', async () => {
    const cases: [string, number, string][] = [
      ['SELECT * FROM app.missing', 404, 'UNKNOWN_TABLE'],
      ['SELEC 1', 400, 'SYNTAX_ERROR'],
      ['SELECT 1; SELECT 2', 400, 'SYNTAX_ERROR'],
      ['SELECT throwIf(1)', 500, 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
      ['', 400, 'SYNTAX_ERROR'],
      ['1 + 1', 400, 'SYNTAX_ERROR'], // chDB's implicit SELECT is off, as on a server
    ];
    for (const [q, status, type] of cases) {
      const res = await raw(q);
      const text = await res.text();
      expect(res.status, q).toBe(status);
      expect(text, q).toMatch(new RegExp(`^Code: ${res.headers.get('x-clickhouse-exception-code')}\\. DB::Exception: .*\\(${type}\\) \\(version [0-9.]+\\)\\n$`, 's'));
    }
    const unknown = await raw('SELECT 1', { params: { no_such_setting: '1' } });
    expect([unknown.status, unknown.headers.get('x-clickhouse-exception-code')]).toEqual([404, '115']);
    // a request that fails leaves nothing behind: the next one runs with the defaults
    const defaults = await (await raw("SELECT getSetting('max_block_size'), getSetting('max_threads')")).text();
    const badValue = await raw('SELECT 1', { params: { max_block_size: '77', max_threads: 'many' } });
    expect(badValue.status).toBe(400);
    expect(await (await raw("SELECT getSetting('max_block_size'), getSetting('max_threads')")).text()).toBe(defaults);
  });

  it('applies URL settings to one request only', async () => {
    const q = 'SELECT toUInt64(5) AS n, getSetting(\'max_block_size\') AS b FORMAT JSONEachRow';
    expect(await (await raw(q, { params: { output_format_json_quote_64bit_integers: '1', max_block_size: '1234' } })).text()).toBe('{"n":"5","b":1234}\n');
    const after = JSON.parse(await (await raw(q, { params: { output_format_json_quote_64bit_integers: '0' } })).text()) as { n: unknown; b: unknown };
    expect(after.n).toBe(5);
    expect(after.b).not.toBe(1234);
    expect(await (await raw("SELECT getSetting('output_format_json_quote_64bit_integers')")).text()).not.toBe('0\n'); // back to the default
  });

  it('GET only reads; SET and USE would outlive the request and are refused', async () => {
    const get = (q: string): Promise<Response> => fetch(`${server.url}/?query=${encodeURIComponent(q)}&user=admin&password=admin-pw`);
    expect(await (await get('SELECT 42')).text()).toBe('42\n');
    const ins = await get("INSERT INTO app.events VALUES (1, 'x', [])");
    expect([ins.status, ins.headers.get('x-clickhouse-exception-code')]).toEqual([500, '164']);
    for (const q of ['SET max_threads = 1', 'SET ROLE NONE', 'USE app']) expect((await raw(q)).status, q).toBe(501);
    expect(await (await raw("SELECT count() FROM app.events WHERE name = 'x'")).text()).toBe('0\n');
  });

  it('takes the query from the URL and the body together, default_format, exec with values, and parameters in multipart bodies', async () => {
    expect(await (await raw('SELECT 1 AS a,', { body: '2 AS b FORMAT JSONEachRow' })).text()).toBe('{"a":1,"b":2}\n');
    expect(await (await raw('SELECT 7 AS a', { params: { default_format: 'JSONCompactEachRow' } })).text()).toBe('[7]\n');
    const res = await raw('INSERT INTO app.events FORMAT JSONEachRow', { body: '{"id":100,"name":"body","tags":[]}\n{"id":101,"name":"body","tags":[]}\n' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.headers.get('x-clickhouse-summary')!).written_rows).toBe('2');
    const exec = await admin.exec({ query: 'INSERT INTO app.events FORMAT JSONEachRow', values: Buffer.from('{"id":102,"name":"body","tags":[]}\n') as never });
    exec.stream.resume();
    const many = Array.from({ length: 800 }, (_, i) => `name-${i}-${'x'.repeat(10)}`);
    const mp = client('writer', 'writer-pw', { use_multipart_params: true } as never);
    const r = await mp.query({ query: 'SELECT count() AS n FROM app.events WHERE name = {n:String} OR name IN {many:Array(String)}', query_params: { n: 'body', many }, format: 'JSONEachRow' });
    expect(await r.json()).toEqual([{ n: 3 }]);
  });

  it('decodes compressed request bodies and compresses answers when asked', async () => {
    const gz = client('admin', 'admin-pw', { compression: { request: true, response: true } });
    await gz.insert({ table: 'app.events', format: 'JSONEachRow', values: [{ id: 200, name: 'gzipped', tags: ['z'] }] });
    const r = await gz.query({ query: "SELECT name FROM app.events WHERE id = 200", format: 'JSONEachRow' });
    expect(await r.json()).toEqual([{ name: 'gzipped' }]);
    for (const enc of ['gzip', 'br', 'deflate']) {
      const res = await raw("SELECT 'packed' FORMAT TSV", { params: { enable_http_compression: '1' }, headers: { 'Accept-Encoding': enc } });
      expect(res.headers.get('content-encoding')).toBe(enc);
      expect(await res.text()).toBe('packed\n'); // fetch decodes what the header names
    }
    const plain = await raw("SELECT 'plain'", { headers: { 'Accept-Encoding': 'gzip' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = gzipSync('{"id":201,"name":"gz-body","tags":[]}\n');
    expect((await raw('INSERT INTO app.events FORMAT JSONEachRow', { body, headers: { 'Content-Encoding': 'gzip' } })).status).toBe(200);
    const corrupt = await raw('INSERT INTO app.events FORMAT JSONEachRow', { body: Buffer.from('not gzip at all'), headers: { 'Content-Encoding': 'gzip' } });
    expect([corrupt.status, corrupt.headers.get('x-clickhouse-exception-code')]).toEqual([500, '354']);
    expect((await raw('SELECT 1', { body: Buffer.from('x'), headers: { 'Content-Encoding': 'zstd' } })).status).toBe(501);
  });

  it('keeps its data when killed and restarted on the same port; a grant removed between starts is enforced', async () => {
    await admin.insert({ table: 'app.events', format: 'JSONEachRow', values: [{ id: 300, name: 'before-kill', tags: [] }] });
    const port = server.port;
    await server.kill();
    expect(await admin.ping()).toMatchObject({ success: false });
    await server.start(USERS.map((u) => (u.name === 'writer' ? { ...u, grants: ['SELECT ON app.*'] } : u)));
    expect(server.port).toBe(port);
    const w = client('writer', 'writer-pw');
    const r = await w.query({ query: "SELECT count() AS n FROM app.events WHERE name = 'before-kill'", format: 'JSONEachRow' });
    expect(await r.json()).toEqual([{ n: 1 }]);
    expect((await refused(w.insert({ table: 'app.events', format: 'JSONEachRow', values: [{ id: 301, name: 'after', tags: [] }] }))).type).toBe('ACCESS_DENIED');
  });
});
