// A batch's rows in their stored form, per table: the one place that knows which line format
// each ingest table takes. The sink calls it on the main thread (no ingest workers), an ingest
// worker calls it off the main thread and hands the buffers over without copying them.
import { type EncodedRows, type IngestBatch, traceIdsOf } from '../consumer.ts';
import { provPayload } from './prov-lines.ts';
import { logsPayload, rowsPayload } from './row-line.ts';

export function encodeRows(batch: Pick<IngestBatch, 'spans' | 'logs' | 'provenance'>): EncodedRows {
  const { spans, logs, provenance: p } = batch;
  const tables: EncodedRows['tables'] = [];
  if (spans.length > 0) tables.push({ table: 'spans', payload: rowsPayload(spans), rows: spans.length });
  if (logs.length > 0) tables.push({ table: 'logs', payload: logsPayload(logs), rows: logs.length });
  if (p.activities.length > 0) tables.push({ table: 'prov_activities', payload: provPayload('prov_activities', p.activities), rows: p.activities.length });
  if (p.relations.length > 0) tables.push({ table: 'prov_relations', payload: provPayload('prov_relations', p.relations), rows: p.relations.length });
  if (p.artifacts.length > 0) tables.push({ table: 'prov_artifacts', payload: provPayload('prov_artifacts', p.artifacts), rows: p.artifacts.length });
  return { tables, traceIds: traceIdsOf({ spans, logs }), artifacts: p.artifacts.map((a) => ({ tenant: a.tenant, artifact_id: a.artifact_id })) };
}

/** The batch's encoded rows: those a processor made, or made now. */
export function encodedOf(batch: IngestBatch): EncodedRows {
  return batch.encoded ?? encodeRows(batch);
}
