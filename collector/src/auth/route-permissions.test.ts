import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLE_PERMISSIONS, ROLES, roleAllows } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { ROUTES, matchRoute, permissionTable } from './route-permissions.ts';

describe('route permissions', () => {
  it('finds the rule and path parameters of a request', () => {
    expect(matchRoute('GET', '/api/traces/abc')).toEqual({ rule: expect.objectContaining({ permission: 'read', audit: 'trace.read' }), params: { traceId: 'abc' } });
    expect(matchRoute('GET', '/api/traces/abc/logs')?.rule.audit).toBe('trace.logs.read');
    expect(matchRoute('POST', '/api/incidents/0123/events')?.rule.permission).toBe('incidents');
    expect(matchRoute('HEAD', '/api/traces')?.rule.permission).toBe('read');
    expect(matchRoute('DELETE', '/api/traces/abc')).toBeUndefined();
    expect(matchRoute('GET', '/api/nothing')).toBeUndefined();
  });

  it('gives each role what the README says: ingest writes only, each reading role adds to the one before', () => {
    expect(ROLE_PERMISSIONS.ingest).toEqual(['ingest']);
    const readers = ROLES.filter((r) => r !== 'ingest');
    for (let i = 1; i < readers.length; i++) for (const p of ROLE_PERMISSIONS[readers[i - 1]!]) expect(roleAllows(readers[i]!, p)).toBe(true);
    expect(roleAllows('viewer', 'incidents')).toBe(false);
    expect(roleAllows('responder', 'export')).toBe(false);
    expect(roleAllows('compliance', 'credentials')).toBe(false);
    for (const r of readers) expect(roleAllows(r, 'ingest')).toBe(false);
  });

  it('declares a permission for every route, and every /api/ read of evidence is audited', () => {
    for (const r of ROUTES) expect(r.permission).toBeTruthy();
    const reads = ROUTES.filter((r) => r.permission === 'read' && /traces|slice|artifacts|search|inclusion/.test(r.path));
    for (const r of reads) expect(r.audit, r.path).toBeTruthy();
  });
});

describe('the README', () => {
  it('shows this very table', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(permissionTable());
  });
});
