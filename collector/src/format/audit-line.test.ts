import { describe, expect, it } from 'vitest';
import { type AuditRow, auditPayload, canonicalAuditRow } from './audit-line.ts';
import { rowLeafHash } from './canonical-row.ts';

const EVENT: AuditRow = {
  tenant: 'acme',
  trace_id: '5b8efff798038103d269b633813fc60c',
  span_id: '',
  event_id: '00112233445566778899aabbccddeeff',
  time_unix_nano: '1763726400123456789',
  actor_kind: 'token',
  actor_id: '0123456789abcdef',
  actor_name: 'alice "ops"',
  action: 'trace.read',
  target: '5b8efff798038103d269b633813fc60c',
  trace_ids: ['5b8efff798038103d269b633813fc60c'],
  status: 200,
  client_address: '127.0.0.1',
  user_agent: 'curl/8.5.0',
  detail: '',
};

describe('audit event canonical form', () => {
  it('is pinned: the bytes are the ledger leaf', () => {
    expect(rowLeafHash(canonicalAuditRow(EVENT))).toBe('6ee6d0fc7e54c09e8ff363626b3803466e01d013fb658317cccf3b06835e86b1');
    expect(canonicalAuditRow(EVENT)).toBe(
      '{"tenant":"acme","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"","event_id":"00112233445566778899aabbccddeeff","time_unix_nano":"1763726400123456789","actor_kind":"token","actor_id":"0123456789abcdef","actor_name":"alice \\"ops\\"","action":"trace.read","target":"5b8efff798038103d269b633813fc60c","trace_ids":["5b8efff798038103d269b633813fc60c"],"status":200,"client_address":"127.0.0.1","user_agent":"curl/8.5.0","detail":""}',
    );
  });

  it('is the same for a row read back from ClickHouse (numbers as strings, column order of the table)', () => {
    const readBack = { ...EVENT, status: '200' } as unknown as AuditRow;
    expect(canonicalAuditRow(readBack)).toBe(canonicalAuditRow(EVENT));
  });

  it('gives lines the ledger reads as row heads with their hashes (tenant, trace_id, span_id first; row_hash last)', () => {
    const other = { ...EVENT, trace_id: '', event_id: 'ff'.repeat(16) };
    const lines = auditPayload([EVENT, other]).toString('utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const [line, row] of [[lines[0]!, EVENT], [lines[1]!, other]] as const) {
      expect(line.startsWith(`{"tenant":"acme","trace_id":"${row.trace_id}","span_id":""`)).toBe(true);
      expect(line.endsWith(`,"row_hash":"${rowLeafHash(canonicalAuditRow(row))}"}`)).toBe(true);
    }
  });
});
