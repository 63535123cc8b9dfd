import { describe, expect, it } from 'vitest';
import { entriesOf } from '../store/ledger-entries.ts';
import { rowLeafHash } from './canonical-row.ts';
import { type RegistryRow, canonicalRegistryRow, registryPayload } from './registry-lines.ts';

const ROW: RegistryRow = {
  tenant: 'acme',
  trace_id: '',
  span_id: '',
  agent_id: 'billing-bot',
  version: 3,
  at: '2026-11-02 09:00:00.123',
  actor: 'token:0123456789abcdef (ops "admin")',
  entry: '{"id":"billing-bot","owner":"finance@acme.example","purpose":"refunds","credentials":["billing-exporter"]}',
};

describe('registry version canonical form', () => {
  it('payload lines carry their row_hash and read as ledger entries of no trace', () => {
    const line = registryPayload([ROW]).toString('utf8').trim();
    expect(JSON.parse(line).row_hash).toBe(rowLeafHash(canonicalRegistryRow(ROW)));
    const entries = entriesOf([{ table: 'agent_registry', payloads: [registryPayload([ROW])] }], 'log', 0);
    expect(entries.count).toBe(1);
    expect(entries.leaves.toString('hex')).toBe(rowLeafHash(canonicalRegistryRow(ROW)));
  });

  it('is the same for a row read back (columns in any order, the version as ClickHouse returns it) and differs for any changed column', () => {
    const readBack = { ...Object.fromEntries(Object.entries(ROW).reverse()), version: '3' } as unknown as RegistryRow;
    expect(canonicalRegistryRow(readBack)).toBe(canonicalRegistryRow(ROW));
    for (const k of ['agent_id', 'actor', 'entry', 'at'] as const) expect(canonicalRegistryRow({ ...ROW, [k]: `${ROW[k]}x` })).not.toBe(canonicalRegistryRow(ROW));
    expect(canonicalRegistryRow({ ...ROW, version: 4 })).not.toBe(canonicalRegistryRow(ROW));
  });
});
