import { describe, expect, it } from 'vitest';
import { sqlImpact } from './sql-impact.ts';
import { impactFromCall } from './tool-impact.ts';

const args = (sql: string, key = 'query'): string => JSON.stringify({ [key]: sql, database: 'analytics' });

describe('an SQL tool is classed by its statement, not by "run" in its name', () => {
  it('read-only statements are reads (CTEs, EXPLAIN, SHOW, literals and comments that name writes)', () => {
    for (const sql of [
      'SELECT id, total FROM orders WHERE status = \'delete me\' LIMIT 10',
      'with recent as (select * from orders where created_at > now() - interval \'1 day\') select count(*) from recent',
      'EXPLAIN SELECT * FROM users',
      'SHOW TABLES',
      '-- DROP TABLE users\nSELECT 1; /* truncate */ SELECT replace(name, \'a\', \'b\') AS "update" FROM t',
      'SELECT last_update, created FROM `insert`',
    ]) {
      expect(sqlImpact(args(sql)), sql).toBeUndefined();
      expect(impactFromCall('run_sql', args(sql)), sql).toBeUndefined();
    }
  });

  it('writes, deletions and grants are classed, wherever they sit', () => {
    expect(impactFromCall('run_sql', args('DELETE FROM customers WHERE region = \'EU\''))).toBe('destructive');
    expect(impactFromCall('execute_query', args('SELECT 1; DROP TABLE audit_log'))).toBe('destructive');
    expect(impactFromCall('run_sql', args('WITH gone AS (DELETE FROM sessions RETURNING *) SELECT count(*) FROM gone'))).toBe('destructive');
    expect(impactFromCall('run_sql', args('EXPLAIN ANALYZE DELETE FROM t'))).toBe('destructive');
    expect(impactFromCall('db.exec', args('GRANT ALL ON payroll TO intern', 'sql'))).toBe('permission');
    expect(impactFromCall('run_sql', args('INSERT INTO notes (body) VALUES (\'hi\')'))).toBe('write');
    expect(impactFromCall('run_sql', args('SELECT * INTO backup_orders FROM orders'))).toBe('write');
    expect(impactFromCall('run_sql', args('UPDATE accounts SET balance = 0'))).toBe('write');
    // a tool whose name says read still writes when its statement does
    expect(impactFromCall('query_db', args('DELETE FROM users'))).toBe('destructive');
  });

  it('reads the stored request form, `<tool>(<arguments>)`, a lone argument as its bare value', () => {
    expect(impactFromCall('run_sql', "run_sql(SELECT count(*) FROM orders WHERE customer_email = '[REDACTED:email:ae7dc46b]')")).toBeUndefined();
    expect(impactFromCall('run_sql', 'run_sql(DELETE FROM orders)')).toBe('destructive');
    expect(impactFromCall('run_sql', 'run_sql({"database":"dw","query":"SELECT 1"})')).toBeUndefined();
  });

  it('keeps the name\'s class when the statement cannot be read, and leaves non-SQL tools to their names', () => {
    expect(impactFromCall('run_sql', '{"query": "[REDACTED:generic_secret:1a2b3c4d]"}')).toBe('write');
    expect(impactFromCall('run_sql', '{}')).toBe('write');
    expect(impactFromCall('run_sql', args('VACUUM FULL'))).toBe('write');
    expect(impactFromCall('run_shell', args('SELECT 1'))).toBe('write');
    expect(impactFromCall('delete_records', args('SELECT 1'))).toBe('destructive');
  });

  it('is linear on hostile input: an unterminated quote or comment, deep JSON', () => {
    expect(sqlImpact(args(`SELECT '${'x'.repeat(100_000)}`))).toBeUndefined();
    expect(sqlImpact(args(`SELECT 1 /* ${'y'.repeat(100_000)}`))).toBeUndefined();
    expect(sqlImpact(`${'['.repeat(5000)}{"query":"DELETE FROM t"}${']'.repeat(5000)}`)).toBe('destructive');
  });
});
