// What an SQL statement does, for tools that execute the SQL they are given (`run_sql`,
// `execute_query`, `db.exec` …): their names say "run", which says nothing; the statement says
// whether it reads or writes. Comments, string literals and quoted identifiers are skipped, then
// every keyword counts wherever it sits (a data-modifying CTE, `EXPLAIN ANALYZE DELETE …`, which
// runs the delete, a second statement after `;`). Linear in the text, no backtracking patterns.
import type { ImpactClass } from './tool-impact.ts';

/** Statement keywords that only read. */
const READ_START = new Set(['select', 'with', 'show', 'describe', 'desc', 'explain', 'values', 'table', 'pragma', 'use']);
/** Reserved words that change something wherever they sit, and the class they make the call. */
const WRITE_CLASS = new Map<string, ImpactClass>([
  ['delete', 'destructive'],
  ['drop', 'destructive'],
  ['truncate', 'destructive'],
  ['grant', 'permission'],
  ['revoke', 'permission'],
  ['insert', 'write'],
  ['update', 'write'],
  ['merge', 'write'],
  ['create', 'write'],
  ['alter', 'write'],
  ['into', 'write'], // SELECT … INTO new_table (INSERT INTO is a write anyway)
]);
/** Words that write only as a statement's first word (elsewhere they are functions or names: replace(), a column `load`). */
const WRITE_START = new Map<string, ImpactClass>([
  ['replace', 'write'],
  ['upsert', 'write'],
  ['rename', 'write'],
  ['copy', 'write'],
  ['call', 'write'],
  ['exec', 'write'],
  ['execute', 'write'],
  ['do', 'write'],
  ['lock', 'write'],
  ['vacuum', 'write'],
  ['optimize', 'write'],
  ['attach', 'write'],
  ['detach', 'write'],
  ['load', 'write'],
  ['set', 'write'],
  ['purge', 'destructive'],
]);
const ORDER: ImpactClass[] = ['destructive', 'permission', 'write'];

/** The words of a tool name that say it executes a query language it is handed. */
const SQL_TOOL_WORDS = new Set(['sql', 'query', 'queries', 'db', 'database', 'postgres', 'postgresql', 'psql', 'mysql', 'sqlite', 'bigquery', 'snowflake', 'clickhouse', 'redshift', 'athena', 'duckdb', 'mssql', 'tsql', 'oracle', 'trino', 'presto', 'warehouse']);
/** Argument keys that hold the statement, looked at first. */
const SQL_KEYS = new Set(['sql', 'query', 'statement', 'statements', 'command', 'q', 'stmt', 'sql_query', 'querytext', 'query_text']);
const MAX_SQL_CHARS = 200_000;

export function isSqlTool(words: string[]): boolean {
  return words.some((w) => SQL_TOOL_WORDS.has(w));
}

/**
 * The class of the SQL in a call's arguments (JSON as stored): undefined when every statement
 * only reads, a class when one writes, 'unknown' when no SQL is found or a statement starts
 * with a keyword not known to read.
 */
export function sqlImpact(args: string): ImpactClass | undefined | 'unknown' {
  const sql = sqlOf(args);
  if (sql === undefined || sql.trim() === '') return 'unknown';
  const words = keywords(sql.slice(0, MAX_SQL_CHARS));
  if (words.length === 0) return 'unknown';
  let worst: ImpactClass | undefined;
  let startsKnown = true;
  let atStart = true;
  for (const w of words) {
    if (w === ';') {
      atStart = true;
      continue;
    }
    let c = WRITE_CLASS.get(w);
    if (atStart) {
      c ??= WRITE_START.get(w);
      if (!READ_START.has(w) && !c) startsKnown = false;
      atStart = false;
    }
    if (c && (!worst || ORDER.indexOf(c) < ORDER.indexOf(worst))) worst = c;
  }
  if (worst) return worst;
  return startsKnown ? undefined : 'unknown';
}

/** The statement text: the value of an SQL-named key, else the longest string value, else the arguments as text. */
function sqlOf(args: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(args);
  } catch {
    return args;
  }
  if (typeof v === 'string') return v;
  // iterative walk, bounded: hostile nesting never recurses
  const stack: unknown[] = [v];
  let longest: string | undefined;
  let named: string | undefined;
  for (let n = 0; stack.length > 0 && n < 10_000; n++) {
    const cur = stack.pop();
    if (Array.isArray(cur)) stack.push(...cur);
    else if (cur && typeof cur === 'object') {
      for (const [k, x] of Object.entries(cur)) {
        if (typeof x === 'string') {
          if (SQL_KEYS.has(k.toLowerCase()) && !named) named = x;
          if (!longest || x.length > longest.length) longest = x;
        } else stack.push(x);
      }
    }
  }
  return named ?? longest;
}

/** Lower-case bare words and `;`, outside comments, string literals and quoted identifiers. */
function keywords(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i);
      i = e < 0 ? n : e + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      // a quoted string or identifier; a doubled quote inside is an escaped one
      let j = i + 1;
      for (;;) {
        const e = sql.indexOf(ch, j);
        if (e < 0) {
          j = n;
          break;
        }
        if (sql[e + 1] === ch) j = e + 2;
        else {
          j = e + 1;
          break;
        }
      }
      i = j;
    } else if (ch === '$' && /[A-Za-z_$]/.test(sql[i + 1] ?? '')) {
      // a Postgres dollar-quoted body $tag$ … $tag$ (a function body: its words are not this statement's)
      const close = sql.indexOf('$', i + 1);
      const tag = close < 0 ? '' : sql.slice(i, close + 1);
      const end = tag && /^\$[A-Za-z_0-9]*\$$/.test(tag) ? sql.indexOf(tag, close + 1) : -1;
      i = end < 0 ? i + 1 : end + tag.length;
    } else if (ch === ';') {
      out.push(';');
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push(sql.slice(i, j).toLowerCase());
      i = j;
    } else i++;
  }
  return out;
}
