// ClickHouse's HTTP interface (https://clickhouse.com/docs/interfaces/http), the subset
// @clickhouse/client uses: `/ping`; queries by POST (or read-only by GET) with the query in the
// `query` URL parameter, the body, or both; data for INSERT … FORMAT in the body; `{name:Type}`
// values as `param_<name>`; every other URL parameter a setting; `default_format`, `database`,
// `query_id`; credentials in X-ClickHouse-User/Key, Basic auth or URL; compressed bodies both ways.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Readable, pipeline } from 'node:stream';
import { brotliCompressSync, createBrotliDecompress, createGunzip, createInflate, deflateSync, gzipSync } from 'node:zlib';
import type { Engine, Statement } from './engine.ts';
import { ClickHouseHttpError, errorBody, fromEngineError, httpError, httpStatusFor } from './errors.ts';
import { parseMultipart } from './multipart.ts';
import { type TestUser, authenticate, credentialsOf, roleOf } from './users.ts';

/** URL parameters the HTTP handler consumes itself (src/Server/HTTPHandler.cpp); the rest are settings. */
const RESERVED = new Set([
  'query', 'compress', 'decompress', 'user', 'password', 'quota_key', 'query_id', 'stacktrace', 'role', 'buffer_size',
  'wait_end_of_query', 'session_id', 'session_timeout', 'session_check', 'client_protocol_version', 'close_session', 'database', 'default_format',
]);

export const DISPLAY_NAME = 'causeway-clickhouse-test-server';

export interface HandlerOptions {
  /**
   * Fault injection: hold the answer to every INSERT this long after the engine stored its rows,
   * announcing it on stdout ("holding the answer to INSERT …"), so a test can kill the server
   * between the commit and the answer, as a crash or a dropped connection would.
   */
  holdInsertAnswersMs?: number;
}

export function queryHandler(engine: Engine, users: TestUser[], opts: HandlerOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryId = url.searchParams.get('query_id') || header(req, 'x-clickhouse-query-id') || randomUUID();
    let user = url.searchParams.get('user') ?? 'default';
    handle(engine, users, opts, req, res, url, queryId, (u) => (user = u)).catch((e: unknown) => {
      const err = fromEngineError(e, user);
      req.resume(); // a body not read yet (e.g. after a refused login) must not stall the connection
      const body = errorBody(err, engine.version);
      if (res.headersSent) {
        res.destroy(); // a client must not take a cut-off answer for a whole one
        return;
      }
      res.writeHead(httpStatusFor(err.type), {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Exception-Code': String(err.code),
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Server-Display-Name': DISPLAY_NAME,
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  };
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

async function handle(
  engine: Engine,
  users: TestUser[],
  opts: HandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  queryId: string,
  setUser: (u: string) => void,
): Promise<void> {
  const params = url.searchParams;
  if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !params.has('query'))) {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  if (url.pathname !== '/') {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw httpError('NOT_IMPLEMENTED', `HTTP method ${req.method} is not supported by this test server`);

  const credentials = credentialsOf(req.headers, params);
  setUser(credentials.user);
  const user = authenticate(users, credentials);

  for (const p of ['session_id', 'role', 'readonly']) if (params.has(p)) throw httpError('NOT_IMPLEMENTED', `the URL parameter ${p} is not supported by this test server`);
  for (const p of ['compress', 'decompress']) {
    if (['1', 'true'].includes(params.get(p) ?? '')) throw httpError('NOT_IMPLEMENTED', `${p}=1 (ClickHouse's native block compression) is not supported by this test server; use HTTP compression`);
  }

  const queryParams: Record<string, string> = {};
  const settings: [string, string][] = [];
  for (const [k, v] of params) {
    if (k.startsWith('param_')) queryParams[k.slice(6)] = v;
    else if (k !== '' && !RESERVED.has(k)) settings.push([k, v]);
  }
  const database = header(req, 'x-clickhouse-database') || params.get('database') || undefined;
  const defaultFormat = header(req, 'x-clickhouse-format') || params.get('default_format') || 'TabSeparated';

  const body = await readBody(req);
  let urlQuery = params.get('query') ?? '';
  let bodyText: Buffer | undefined = body;
  if (header(req, 'content-type').startsWith('multipart/form-data')) {
    const parts = parseMultipart(body, header(req, 'content-type'));
    for (const [name, value] of parts) {
      if (name === 'query') urlQuery = value;
      else if (name.startsWith('param_')) queryParams[name.slice(6)] = value;
      else throw httpError('NOT_IMPLEMENTED', `multipart part "${name}": external data tables are not supported by this test server`);
    }
    bodyText = undefined;
  }

  // The query is the `query` parameter followed by the body, unless the parameter is an
  // INSERT … FORMAT whose data the body is.
  let sql = urlQuery;
  let data: Buffer | undefined;
  let st: Statement | undefined;
  if (urlQuery) {
    st = await engine.classify(urlQuery);
    // INSERT … FORMAT <name> with nothing after it: its data is the body (ClickHouse formats an
    // INSERT … VALUES (…) as `… FORMAT Values` too, so the text as sent decides).
    const dataInBody = st?.kind === 'INSERT' && / FORMAT [A-Za-z0-9_]+$/.test(st.formatted) && /\bFORMAT\s+[A-Za-z0-9_]+\s*$/i.test(urlQuery);
    if (bodyText && dataInBody) {
      if (Object.keys(queryParams).length > 0) sql = `${urlQuery}\n${bodyText.toString('utf8')}`;
      else data = bodyText;
    } else if (bodyText && bodyText.length > 0) {
      sql = `${urlQuery}\n${bodyText.toString('utf8')}`;
      st = await engine.classify(sql);
    }
  } else if (bodyText) {
    sql = bodyText.toString('utf8');
    st = await engine.classify(sql);
  }
  if (sql.trim() === '') throw httpError('SYNTAX_ERROR', 'Empty query');

  const headers: Record<string, string> = {
    'X-ClickHouse-Query-Id': queryId,
    'X-ClickHouse-Server-Display-Name': DISPLAY_NAME,
    'X-ClickHouse-Timezone': engine.timezone,
  };
  const result = await engine.execute(
    { role: roleOf(users, user.name), settings, database, sql, params: queryParams, defaultFormat, data, readonly: req.method === 'GET' },
    st,
  );
  if (opts.holdInsertAnswersMs && st?.kind === 'INSERT') {
    process.stdout.write(`holding the answer to ${st.formatted.slice(0, 120)} (query ${queryId}, ${result.summary.written_rows} rows stored)\n`);
    await new Promise((r) => setTimeout(r, opts.holdInsertAnswersMs));
  }
  if (result.format) {
    headers['X-ClickHouse-Format'] = result.format;
    headers['Content-Type'] = contentType(result.format);
  }
  headers['X-ClickHouse-Summary'] = JSON.stringify(result.summary);
  let out = result.body;
  const compression = ['1', 'true'].includes((settings.find(([k]) => k === 'enable_http_compression')?.[1] ?? '').toLowerCase());
  const encoding = compression ? chooseEncoding(header(req, 'accept-encoding')) : undefined;
  if (encoding) {
    out = encoding === 'br' ? brotliCompressSync(out) : encoding === 'gzip' ? gzipSync(out) : deflateSync(out);
    headers['Content-Encoding'] = encoding;
  }
  headers['Content-Length'] = String(out.length);
  res.writeHead(200, headers).end(out);
}

/** ClickHouse prefers, of what a client accepts, zstd, br, lz4, …, gzip, deflate; Node 20 has no zstd. */
function chooseEncoding(accept: string): 'br' | 'gzip' | 'deflate' | undefined {
  if (accept.includes('br')) return 'br';
  if (accept.includes('gzip')) return 'gzip';
  if (accept.includes('deflate')) return 'deflate';
  return undefined;
}

function contentType(format: string): string {
  if (format.startsWith('JSON')) return 'application/json; charset=UTF-8';
  if (format.startsWith('TabSeparated') || format.startsWith('TSV')) return 'text/tab-separated-values; charset=UTF-8';
  if (format.startsWith('CSV')) return 'text/csv; charset=UTF-8; header=absent';
  return 'text/plain; charset=UTF-8';
}

/** The request body, decoded by its Content-Encoding. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const encoding = header(req, 'content-encoding').trim().toLowerCase();
  let stream: Readable = req;
  let failure: ClickHouseHttpError | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') {
    stream = pipeline(req, encoding === 'deflate' ? createInflate() : createGunzip(), (e) => {
      if (e) failure = httpError('ZLIB_INFLATE_FAILED', `inflate failed: ${e.message}`);
    });
  } else if (encoding === 'br') {
    stream = pipeline(req, createBrotliDecompress(), (e) => {
      if (e) failure = httpError('BROTLI_READ_FAILED', `brotli decode error: ${e.message}`);
    });
  } else if (encoding !== '' && encoding !== 'identity' && encoding !== 'none') {
    req.resume();
    return Promise.reject(httpError('NOT_IMPLEMENTED', `Content-Encoding ${encoding} is not supported by this test server (gzip, deflate and br are)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', (e) => reject(failure ?? httpError(encoding === 'br' ? 'BROTLI_READ_FAILED' : 'ZLIB_INFLATE_FAILED', `cannot decode the request body: ${e.message}`)));
  });
}
