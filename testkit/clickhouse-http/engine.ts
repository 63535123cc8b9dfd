// The engine behind the test server: chDB (ClickHouse in-process) on one data directory, one
// connection, one statement at a time. Each request runs as its user's role with its settings,
// and leaves the connection as it found it.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ClickHouseHttpError, httpError } from './errors.ts';
import { INTERNAL_ROLE } from './users.ts';

const require = createRequire(import.meta.url);

interface QueryResult {
  bytes: Buffer;
  elapsed: number;
  rowsRead: number;
  bytesRead: number;
}
interface InsertResult {
  elapsed: number;
  rowsWritten: number;
  bytesWritten: number;
}
/** chDB's native addon: the same one the `chdb` package loads, used for its raw entry points. */
interface Native {
  QueryAsyncConnection(conn: unknown, sql: string, format: string, params?: Record<string, string>): Promise<QueryResult>;
  InsertRawAsyncConnection(conn: unknown, prefix: string, data: Buffer, countLines: boolean): Promise<InsertResult>;
}
interface ChdbSession {
  connection: unknown;
  close(): void;
}

// The platform packages chDB ships its addon in (chdb/dist/loader.js).
const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@chdb/lib-linux-x64-gnu',
  'linux-arm64': '@chdb/lib-linux-arm64-gnu',
  'darwin-x64': '@chdb/lib-darwin-x64',
  'darwin-arm64': '@chdb/lib-darwin-arm64',
};

export interface EngineRequest {
  /** the engine role that carries the user's grants */
  role: string;
  /** ClickHouse settings from the URL, as strings (the server parses each by its type) */
  settings: [string, string][];
  database?: string;
  /** the query text; for an INSERT whose data is `data`, the part up to and including FORMAT */
  sql: string;
  /** `{name:Type}` values, in the text form clients send as `param_<name>` */
  params: Record<string, string>;
  defaultFormat: string;
  data?: Buffer;
  /** GET requests may only read (ClickHouse sets readonly for idempotent HTTP methods) */
  readonly: boolean;
}

export interface EngineResult {
  body: Buffer;
  /** the output format, when the statement has output */
  format?: string;
  summary: Record<string, string>;
}

export interface Statement {
  /** the first keyword of the statement as ClickHouse formats it (SELECT, INSERT, CREATE, …) */
  kind: string;
  /** the statement in ClickHouse's own single-line formatting */
  formatted: string;
}

const READ_KINDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN', '(SELECT']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function tsvEscape(s: string): string {
  return s.replace(/[\\\t\n\r\0\b\f]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f' })[c]!);
}
const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export class Engine {
  private chain: Promise<unknown> = Promise.resolve();
  version = '';
  timezone = '';
  /** every setting name the engine knows: what a request may set, and so what must be put back */
  private settingNames = new Set<string>();
  private readonly parsed = new Map<string, Statement>();
  /** settings the previous request changed: put back before the next one runs */
  private changed: string[] = [];
  private changedDatabase = false;

  private constructor(
    private readonly session: ChdbSession,
    private readonly native: Native,
  ) {}

  /** Opens chDB on `path` with the server config (users, roles) in `configFile`. */
  static async open(path: string, configFile: string): Promise<Engine> {
    mkdirSync(path, { recursive: true });
    const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
    if (!pkg) throw new Error(`chDB has no engine for ${process.platform}-${process.arch}`);
    const { Session } = require('chdb') as { Session: new (path: string, opts: { connectionArgs: string[] }) => ChdbSession };
    const engine = new Engine(new Session(path, { connectionArgs: [`--config-file=${configFile}`] }), require(pkg) as Native);
    const r = await engine.native.QueryAsyncConnection(engine.session.connection, `SET ROLE ${INTERNAL_ROLE}; SELECT version(), timezone()`, 'TSVRaw');
    [engine.version = '', engine.timezone = ''] = r.bytes.toString('utf8').trim().split('\t');
    const names = await engine.native.QueryAsyncConnection(engine.session.connection, 'SELECT name FROM system.settings', 'TSVRaw');
    engine.settingNames = new Set(names.bytes.toString('utf8').split('\n').filter(Boolean));
    return engine;
  }

  /** Runs `fn` when every statement before it has finished: one statement at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Parses `sql` with the engine's own parser (as the server would), without running it. */
  async classify(sql: string): Promise<Statement | undefined> {
    const known = this.parsed.get(sql);
    if (known) return known;
    const st = await this.exclusive(() => this.parse(sql));
    // Clients repeat the same statements (every insert of a table is one text): parse each once.
    if (st && sql.length <= 4096) {
      if (this.parsed.size >= 1000) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(sql, st);
    }
    return st;
  }

  private async parse(sql: string): Promise<Statement | undefined> {
    try {
      const r = await this.native.QueryAsyncConnection(this.session.connection, 'SELECT formatQuerySingleLine({q:String})', 'TSVRaw', { q: tsvEscape(sql) });
      const formatted = r.bytes.toString('utf8').replace(/\n$/, '');
      return { kind: formatted.split(' ', 1)[0]!.toUpperCase(), formatted };
    } catch (e) {
      const msg = String((e as Error).message);
      // ClickHouse executes one statement per HTTP request; chDB would run them all.
      if (msg.includes('Multi-statements are not allowed')) {
        throw httpError('SYNTAX_ERROR', msg.replace(/^Code: \d+\. DB::Exception: /, '').replace(/\.?\s*: In scope SELECT formatQuerySingleLine[\s\S]*$/, ''));
      }
      return undefined; // a syntax error: running the statement reports it as the server would
    }
  }

  execute(req: EngineRequest, statement: Statement | undefined): Promise<EngineResult> {
    return this.exclusive(() => this.run(req, statement));
  }

  private async run(req: EngineRequest, st: Statement | undefined): Promise<EngineResult> {
    if (st && (st.kind === 'SET' || st.kind === 'USE')) {
      throw httpError('NOT_IMPLEMENTED', `${st.kind} is not supported by this test server: without an HTTP session it has no effect on a ClickHouse server, and here it would change the one engine session every request shares`);
    }
    if (req.readonly && st && !READ_KINDS.has(st.kind)) {
      throw httpError('READONLY', 'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries');
    }
    for (const [k] of req.settings) if (!this.settingNames.has(k)) throw new ClickHouseHttpError(115, 'UNKNOWN_SETTING', `Unknown setting '${k}'`);
    if (req.database !== undefined && !IDENT.test(req.database)) throw new ClickHouseHttpError(81, 'UNKNOWN_DATABASE', `Database ${req.database} does not exist`);

    // An INSERT whose body is empty inserts nothing (the engine would call it NO_DATA_TO_INSERT).
    if (req.data?.length === 0) return { body: Buffer.alloc(0), summary: summary({ elapsed: 0 }) };

    const conn = this.session.connection;
    // One round trip before the statement: put back what the previous request changed, then take
    // this request's role, settings and database.
    const setup = [`SET ROLE ${INTERNAL_ROLE}`];
    const mine = new Set(req.settings.map(([k]) => k));
    const stale = this.changed.filter((k) => !mine.has(k));
    if (stale.length > 0) setup.push(`SET ${stale.map((k) => `${k} = DEFAULT`).join(', ')}`);
    if (this.changedDatabase) setup.push('USE default');
    setup.push(`SET ROLE ${req.role}`);
    if (req.settings.length > 0) setup.push(`SET ${req.settings.map(([k, v]) => `${k} = ${quote(v)}`).join(', ')}`);
    if (req.database) setup.push(`USE \`${req.database}\``);
    this.changed = [...new Set([...this.changed, ...mine])];
    this.changedDatabase ||= !!req.database;
    await this.native.QueryAsyncConnection(conn, setup.join('; '), 'TSV');
    this.changed = [...mine];
    this.changedDatabase = !!req.database;
    if (req.data !== undefined) {
      const r = await this.native.InsertRawAsyncConnection(conn, req.sql, req.data, false);
      return { body: Buffer.alloc(0), summary: summary({ written: r, elapsed: r.elapsed }) };
    }
    const params = Object.keys(req.params).length > 0 ? req.params : undefined;
    const r = await this.native.QueryAsyncConnection(conn, req.sql, req.defaultFormat, params);
    const format = st ? (/ FORMAT ([A-Za-z0-9_]+)(?: SETTINGS .*)?$/.exec(st.formatted)?.[1] ?? req.defaultFormat) : req.defaultFormat;
    return { body: r.bytes, format, summary: summary({ read: r, elapsed: r.elapsed, resultBytes: r.bytes.length }) };
  }

  close(): Promise<void> {
    return this.exclusive(async () => this.session.close());
  }
}

function summary(o: { read?: QueryResult; written?: InsertResult; elapsed: number; resultBytes?: number }): Record<string, string> {
  return {
    read_rows: String(o.read?.rowsRead ?? 0),
    read_bytes: String(o.read?.bytesRead ?? 0),
    written_rows: String(o.written?.rowsWritten ?? 0),
    written_bytes: String(o.written?.bytesWritten ?? 0),
    result_bytes: String(o.resultBytes ?? 0),
    elapsed_ns: String(Math.round(o.elapsed * 1e9)),
  };
}
