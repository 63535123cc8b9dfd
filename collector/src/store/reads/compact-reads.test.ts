// The whole-trace reads answered as arrays (ClickHouse.queryCompact) give the rows the same reads
// gave as one JSON object per row: same rows, same order, same values and types, same key order.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from '../clickhouse.ts';
import { migrate } from '../migrate.ts';
import { INSERT_SETTINGS } from '../writer.ts';
import { ProvenanceReads } from './provenance.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-compact-'), database: 'causeway' });
  await migrate(ch);
});
afterAll(() => ch?.close());

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
const jsonl = (rows: object[]): Buffer => Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
const KINDS = ['tool_request', 'tool_result', 'document', 'model_output'];

describe('whole-trace reads as arrays', () => {
  it('give the relations and artifact facts (and contents) the JSON-object reads gave, repeats collapsed, in order, other tenants left out', async () => {
    const traces = [hex('t1', 32), hex('t2', 32)];
    const rels = [];
    for (let i = 0; i < 400; i++) {
      const r = {
        tenant: i % 7 === 0 ? 'other' : 't',
        trace_id: traces[i % 2]!,
        span_id: hex(`s${i % 37}`, 16),
        relation: ['used', 'generated', 'part_of'][i % 3],
        artifact_id: hex(`a${i % 90}`, 32),
        artifact_kind: KINDS[i % 4],
        container_id: i % 3 === 2 ? hex(`a${(i + 1) % 90}`, 32) : '',
        call_id: i % 5 === 0 ? `call_${i}` : '',
        tool_name: i % 4 === 0 ? 'send_email' : '',
        role: `gen_ai.input.messages/${i % 11}\t"quoted" \\ ü`,
        origin: i % 9 === 0 ? 'log' : 'span',
        seq: i % 13,
        row_hash: hex(`r${i}`, 64),
      };
      rels.push(r);
      if (i % 10 === 0) rels.push({ ...r, row_hash: hex(`again${i}`, 64) }); // a repeat, written twice
    }
    await ch.insertJsonEachRow('prov_relations', [jsonl(rels)], INSERT_SETTINGS);
    const arts = Array.from({ length: 90 }, (_, i) => ({
      tenant: i % 11 === 0 ? 'other' : 't',
      trace_id: traces[i % 2]!,
      span_id: hex(`s${i}`, 16),
      artifact_id: hex(`a${i}`, 32),
      kind: KINDS[i % 4],
      content: `content ${i}`,
      content_length: 1000 + i,
      tool_name: i % 3 ? 'search_email' : '',
      document_id: i % 4 === 2 ? `doc-${i}` : '',
      source: i % 5 === 0 ? 'mailbox' : '',
      fingerprints: Array.from({ length: i % 6 }, (_, j) => (BigInt(`0x${hex(`f${i}.${j}`, 16)}`) >> BigInt(j)).toString()),
      fp_positions: Array.from({ length: i % 6 }, (_, j) => j * 17),
      normalized_length: 900 + i,
      parts: i % 4 === 1 ? [hex(`a${i + 1}`, 32)] : [],
      row_hash: hex(`ar${i}`, 64),
    }));
    // a second, later row of some artifacts: the first stored is the one read
    const later = arts.filter((_, i) => i % 8 === 0).map((a) => ({ ...a, source: 'later row', content: 'later content', row_hash: hex(`later${a.artifact_id}`, 64) }));
    await ch.insertJsonEachRow('prov_artifacts', [jsonl(arts)], INSERT_SETTINGS);
    await ch.insertJsonEachRow('prov_artifacts', [jsonl(later)], INSERT_SETTINGS);

    const reads = new ProvenanceReads(ch, 't');
    const got = await reads.relations('t', traces);
    const want = (
      await ch.query<Record<string, unknown>>(
        `SELECT DISTINCT * EXCEPT (row_hash, ingested_at) FROM causeway.prov_relations WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)} ORDER BY trace_id, span_id, seq`,
        { tenant: 't', traces },
      )
    ).map((r) => ({ ...r, seq: Number(r.seq) }));
    expect(want.length).toBeGreaterThan(300);
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));

    const ids = arts.map((a) => a.artifact_id);
    const facts = await reads.artifactFacts('t', ids);
    const wantFacts = (
      await ch.query<Record<string, unknown> & { fp_positions: unknown[] }>(
        `SELECT * EXCEPT (row_hash, ingested_at, content) FROM causeway.prov_artifacts WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)} ORDER BY artifact_id, ingested_at LIMIT 1 BY artifact_id`,
        { tenant: 't', ids },
      )
    ).map((r): Record<string, unknown> => ({ ...r, fp_positions: r.fp_positions.map(Number), content_length: Number(r.content_length), normalized_length: Number(r.normalized_length) }));
    expect(wantFacts.length).toBe(arts.filter((a) => a.tenant === 't').length);
    expect(wantFacts.some((f) => f.source === 'later row')).toBe(false);
    expect(JSON.stringify(facts)).toBe(JSON.stringify(wantFacts));
    // contents alone: the same row's, in the same order, as whole rows give them
    const whole = await reads.artifacts('t', ids);
    expect(await reads.artifactContents('t', [...ids].reverse())).toEqual(whole.map((r) => ({ artifact_id: r.artifact_id, content: r.content })));
    expect(whole.some((r) => r.content === 'later content')).toBe(false);
  });
});
