// What the provenance extractor writes for the soak's workload, in one process, without a store:
// generated agent spans (agent-traces.ts, the soak's seed) decoded and extracted batch by batch,
// each batch told durable at once (as a collector does once it is spooled). Prints artifact rows
// written against distinct artifacts, and fingerprints written (one row each of the fingerprint
// index), per kind — the write amplification the written-artifacts memo is there to prevent.
//
//   node --import tsx collector/bench/extractor-writes.ts [spans=1000000]
import { createHmac } from 'node:crypto';
import { AgentTraceGenerator } from './agent-traces.ts';
import { decodeTracesJson } from '../src/receivers/otlp/decode-json.ts';
import { ProvenanceExtractor } from '../src/processors/provenance.ts';
import { createRedactor } from '../src/redaction/redactor.ts';

const spansWanted = Number(process.argv[2] ?? 1_000_000);
const key = Buffer.alloc(32, 0x5a);
const extractor = new ProvenanceExtractor(createHmac('sha256', key).update('causeway provenance v1').digest(), createRedactor({ key }));
const gen = new AgentTraceGenerator({ spans: spansWanted, seed: 11 });
let spans = 0;
let rows = 0;
let fingerprints = 0;
const distinct = new Set<string>();
const byKind: Record<string, number> = {};
const t0 = performance.now();
for (let r = gen.next(); r; r = gen.next()) {
  const decoded = decodeTracesJson(r.body, 'default');
  const batch = extractor.fromSpans(decoded.rows);
  extractor.stored(batch);
  spans += decoded.rows.length;
  for (const a of batch.artifacts) {
    rows++;
    fingerprints += a.fingerprints.length;
    distinct.add(a.artifact_id);
    byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  }
  if (spans % 100_000 < decoded.rows.length) process.stderr.write(`${spans} spans: ${rows} artifact rows, ${distinct.size} distinct, ${fingerprints} fingerprints (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}
process.stdout.write(`${JSON.stringify({ spans, artifactRows: rows, distinctArtifacts: distinct.size, fingerprints, artifactRowsByKind: byKind })}\n`);
