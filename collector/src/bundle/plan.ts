// What an evidence bundle will carry, decided before a byte of it is written: the causal graph,
// the keys (trace, span, row hash) of the selected span and log rows, the provenance rows and
// the chain of custody, the signed checkpoint they are proven against and the leaf index of
// every row. Everything that can refuse an export (404, 409, 413) is found here; the rows'
// contents are read later, a page at a time, as the bundle is written (export.ts).
import { type BundleIncident, SLICE_DEFAULTS, type SliceResponse, type SliceSelection, TRACE_GRAPH_LIMITS } from '@causeway/schemas';
import { verifyConsistency } from '../ledger/merkle.ts';
import { canonicalAuditRow } from '../format/audit-line.ts';
import { rowLeafHash } from '../format/canonical-row.ts';
import { PROV_TABLES, type ProvTable } from '../format/prov-lines.ts';
import { SliceBuilder } from '../provenance/slice/index.ts';
import { markSubmitters } from '../provenance/submitters.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { LedgerStore, SignedCheckpoint } from '../store/ledger-store.ts';
import type { Reads } from '../store/reads/index.ts';
import type { RowKey, StoredProvRow } from '../store/reads/bundle-rows.ts';

/** What an export reads: the tenant's stored rows, and the ledger that proves them. */
export interface BundleSource {
  reads: Reads;
  ledger: LedgerStore;
  /** resolves when rows written so far (the access audit's last reads) are in the store and the log */
  settle?: () => Promise<void>;
}

export interface ExportRequest {
  /** whole traces; or, with `slice`, nothing: the slice decides */
  traceIds: string[];
  /** a causal slice: its activities' spans and log records, and its provenance rows */
  slice?: SliceSelection;
  exporter: string;
  /** the most rows (spans, log records, provenance rows) the bundle may carry; beyond: ExportError 413 */
  maxRows: number;
  redactionPolicySha256: string;
  trustRules: TrustRule[];
  /** exported from this incident: it is carried as incident.json and named in the manifest */
  incident?: BundleIncident;
}

export interface BundlePlan {
  graph: SliceResponse;
  /** the traces the rows are read from, sorted */
  traceIds: string[];
  spanKeys: RowKey[];
  logKeys: RowKey[];
  /** provenance rows in canonical form, one per distinct row, in a fixed order */
  prov: Record<ProvTable, string[]>;
  /** access-audit events about these traces that the checkpoint covers, canonical form */
  custody: string[];
  checkpoint: SignedCheckpoint;
  size: number;
  /** every carried row's leaf index in the log (by row hash), all below `size` */
  leafIndex: Map<string, number>;
  /** from the previous checkpoint to this one, when there is one */
  consistency?: { size: number; root: Buffer; proof: Buffer[] };
}

/** How long an export waits for audit events still on their way to the log (chain of custody). */
const CUSTODY_WAIT_MS = 5000;

export class ExportError extends Error {
  constructor(
    readonly status: 404 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
}

export const tooMany = (max: number): ExportError =>
  new ExportError(413, `the selection holds more than ${max} rows (spans, log records and provenance rows together): export fewer traces, or a causal slice`);

export async function planBundle(src: BundleSource, req: ExportRequest, signal?: AbortSignal): Promise<BundlePlan> {
  const { reads, ledger } = src;
  const tenant = reads.tenant;
  const graph = await markSubmitters(await causalGraph(reads, req), tenant, (_t, spans) => reads.traces.submitters(spans), (t, ids, limit) => reads.provenance.appearances(t, ids, limit));
  signal?.throwIfAborted();
  const slicedSpans = req.slice ? new Set(graph.nodes.flatMap((n) => (n.type === 'activity' ? [`${n.traceId}/${n.spanId}`] : []))) : undefined;
  const traceIds = req.slice
    ? [...new Set([...slicedSpans!].map((k) => k.split('/')[0]!))].sort()
    : [...new Set(req.traceIds.map((t) => t.toLowerCase()))].sort();
  const inSelection = (r: { trace_id: string; span_id: string }): boolean => !slicedSpans || slicedSpans.has(`${r.trace_id}/${r.span_id}`);
  // Whole traces: read no more span keys than may be exported (a slice's spans are picked from its traces').
  const spanKeys = (await reads.bundles.spanKeys(traceIds, req.slice ? undefined : req.maxRows + 1, signal)).filter(inSelection);
  if (spanKeys.length > req.maxRows) throw tooMany(req.maxRows);
  if (spanKeys.length === 0) throw new ExportError(404, req.slice ? 'the slice holds no stored spans' : 'no stored spans for the selected traces');
  const logKeys = (await reads.bundles.logKeys(traceIds, signal)).filter(inSelection);
  const artifactIds = graph.nodes.flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
  const prov = await provRowsOf(reads, traceIds, artifactIds, inSelection);
  const provHashes = PROV_TABLES.flatMap((t) => prov[t].map((l) => rowLeafHash(l)));
  if (spanKeys.length + logKeys.length + provHashes.length > req.maxRows) throw tooMany(req.maxRows);
  signal?.throwIfAborted();

  // Chain of custody: who read these traces before this export. Events just written are let
  // reach the log first (bounded wait); the bundle carries those the checkpoint covers.
  if (src.settle) await Promise.race([src.settle(), new Promise((r) => setTimeout(r, CUSTODY_WAIT_MS).unref())]);
  const custodyRows = await reads.audit.ofTraces(traceIds);
  const custody = custodyRows.map((r) => canonicalAuditRow(r));
  const custodyHashes = custody.map((l) => rowLeafHash(l));

  const checkpoint = await ledger.checkpoint();
  if (!checkpoint) throw new ExportError(409, 'the log is empty');
  const size = Number(checkpoint.size);
  const selected = [...spanKeys.map((k) => k.row_hash), ...logKeys.map((k) => k.row_hash), ...provHashes];
  // Every row's leaf is found among the leaves of the traces it names (an artifact row, of the
  // trace where it was first written; an audit event, of the trace it was about, or none).
  const rowTraces = new Set([...traceIds, ...prov.prov_artifacts.map((l) => /"trace_id":"([0-9a-f]*)"/.exec(l)?.[1] ?? ''), ...custodyRows.map((r) => r.trace_id)]);
  const leafIndex = await ledger.firstLeafIndices([...new Set([...selected, ...custodyHashes])], [...rowTraces]);
  const missing = selected.filter((h) => !(leafIndex.get(h)! < size));
  if (missing.length > 0) throw new ExportError(409, `${missing.length} selected row(s) are not in the log yet; retry in a moment`);
  signal?.throwIfAborted();

  const previous = await ledger.previousCheckpointSize(size);
  const consistency = previous > 0 ? { size: previous, root: await ledger.log.root(previous), proof: await ledger.log.consistencyProof(previous, size) } : undefined;
  if (consistency && !verifyConsistency(BigInt(previous), checkpoint.size, consistency.root, checkpoint.root, consistency.proof)) {
    throw new ExportError(409, `the stored log does not prove checkpoint ${previous} consistent with checkpoint ${size}: its tiles were changed; run \`causeway verify\``);
  }
  return {
    graph,
    traceIds,
    spanKeys,
    logKeys,
    prov,
    custody: custody.filter((_, i) => leafIndex.get(custodyHashes[i]!)! < size),
    checkpoint,
    size,
    leafIndex,
    ...(consistency ? { consistency } : {}),
  };
}

/** The causal graph of the selection: the slice, or the union of the traces' graphs. */
async function causalGraph(reads: Reads, req: ExportRequest): Promise<SliceResponse> {
  const q = reads.provenance;
  const o = { tenant: reads.tenant, trustRules: req.trustRules };
  if (req.slice) {
    const { traceId, spanId, artifactId, direction, depth } = req.slice;
    const seed = artifactId ? { artifactId, traceId } : { traceId, spanId: spanId ?? '' };
    const s = await new SliceBuilder(q, { ...o, direction, depth, maxNodes: SLICE_DEFAULTS.maxNodes }).slice(seed);
    if (!s) throw new ExportError(404, 'the slice seed has no provenance');
    return s;
  }
  const merged: SliceResponse = { seed: 'traces', direction: 'trace', depth: 1, nodes: [], edges: [], taintPaths: [], truncated: false };
  for (const t of [...new Set(req.traceIds.map((x) => x.toLowerCase()))].sort()) {
    const g = await new SliceBuilder(q, { ...o, direction: 'backward', depth: 1, maxNodes: TRACE_GRAPH_LIMITS.max }).traceGraph(t);
    if (!g) continue;
    const seen = new Set(merged.nodes.map((n) => n.id));
    merged.nodes.push(...g.nodes.filter((n) => !seen.has(n.id)));
    merged.edges.push(...g.edges);
    merged.taintPaths.push(...g.taintPaths);
    merged.truncated ||= g.truncated;
  }
  return merged;
}

/** Provenance rows behind the selection, in canonical form, one per distinct row hash, in a fixed order. */
async function provRowsOf(
  reads: Reads,
  traceIds: string[],
  artifactIds: string[],
  inSelection: (r: { trace_id: string; span_id: string }) => boolean,
): Promise<Record<ProvTable, string[]>> {
  // each row's canonical line, built once by the read (which orders and dedupes by its hash)
  const canonical = (rows: StoredProvRow[]): string[] => rows.map((r) => r.line);
  // one row per artifact (where it was first written may lie outside the selection), chosen by
  // row hash so the same selection exports the same bytes
  const firstPerArtifact = new Map<string, string>();
  for (const r of await reads.bundles.artifacts(artifactIds)) {
    const id = String(r.artifact_id);
    if (!firstPerArtifact.has(id)) firstPerArtifact.set(id, r.line);
  }
  return {
    prov_activities: canonical((await reads.bundles.provOfTraces('prov_activities', traceIds)).filter(inSelection)),
    prov_relations: canonical((await reads.bundles.provOfTraces('prov_relations', traceIds)).filter(inSelection)),
    prov_artifacts: [...firstPerArtifact.values()],
  };
}
