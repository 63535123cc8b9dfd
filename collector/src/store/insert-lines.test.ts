// Provenance rows go to ClickHouse without their row_hash, and nothing else of a line changes:
// the hash is rebuilt from what is stored, and equals the one the ledger read from the spooled line.
import { describe, expect, it } from 'vitest';
import { canonicalProvRow, provPayload } from '../format/prov-lines.ts';
import { rowLeafHash } from '../format/canonical-row.ts';
import { entriesOf } from './ledger-entries.ts';
import { withoutRowHash } from './insert-lines.ts';

const rel = (i: number) => ({
  tenant: i % 3 === 0 ? 'tenant "q" ü' : 't',
  trace_id: `${i}`.padStart(32, 'a'),
  span_id: `${i}`.padStart(16, 'b'),
  relation: 'used' as const,
  artifact_id: `${i}`.padStart(32, 'c'),
  artifact_kind: 'document' as const,
  container_id: '',
  call_id: '',
  tool_name: '',
  // a value that looks like a tail must stay
  role: i % 2 === 0 ? ',"row_hash":"' + 'f'.repeat(64) + '"}' : 'gen_ai.input.messages/0\n\t\\',
  origin: 'span' as const,
  seq: i,
});

describe('provenance lines as inserted', () => {
  it('lose only their row_hash tail; the hash rebuilt from each stored row is the ledger leaf of its spooled line', () => {
    const payloads = [provPayload('prov_relations', [0, 1, 2].map(rel)), provPayload('prov_relations', [3, 4].map(rel))];
    const body = withoutRowHash(payloads);
    const stored = body.toString('utf8').split('\n');
    expect(stored.pop()).toBe('');
    expect(stored).toHaveLength(5);
    const leaves = entriesOf([{ table: 'prov_relations', payloads }], 'log', 0).leaves;
    stored.forEach((line, i) => {
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(row)).not.toContain('row_hash');
      expect(line).toBe(canonicalProvRow('prov_relations', rel(i)));
      expect(rowLeafHash(canonicalProvRow('prov_relations', row))).toBe(leaves.subarray(i * 32, i * 32 + 32).toString('hex'));
    });
  });

  it('keep a line without a tail as it is, fit in the buffer given, and never grow', () => {
    const odd = Buffer.from('{"tenant":"t","seq":1}\n\n{"tenant":"t","seq":2}');
    const into = Buffer.alloc(1024);
    const body = withoutRowHash([provPayload('prov_relations', [rel(1)]), odd], into);
    expect(body.buffer).toBe(into.buffer);
    expect(body.toString()).toBe(`${canonicalProvRow('prov_relations', rel(1))}\n{"tenant":"t","seq":1}\n{"tenant":"t","seq":2}\n`);
    const big = provPayload('prov_relations', Array.from({ length: 200 }, (_, i) => rel(i)));
    // each line is 78 bytes shorter: `,"row_hash":"` + 64 hex digits + `"}` became `}`
    expect(withoutRowHash([big], Buffer.alloc(10)).length).toBe(big.length - 200 * 78);
  });
});
