// Evidence bundle export: one zip with the selected rows as stored (redacted, canonical form),
// an inclusion proof per row against a signed checkpoint, a consistency proof from the previous
// checkpoint, the causal graph (PROV-JSON), the redaction report, a README for the recipient,
// the access-audit events of the traces (chain of custody), the detection findings on them
// (findings-part.ts), and a DSSE-signed in-toto Statement
// listing every file's SHA-256. The route records the export once it was delivered. Same
// selection, same log state → same files but for the manifest's time and signature.
import { SLICE_DEFAULTS, type SliceResponse, type SliceSelection, TRACE_GRAPH_LIMITS } from '@causeway/schemas';
import { zipSync } from 'fflate';
import { logIdOf } from '../ledger/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../ledger/merkle.ts';
import { canonicalLogRow, canonicalRow, rowLeafHash } from '../format/canonical-row.ts';
import { PROV_TABLES, type ProvTable, canonicalProvRow } from '../format/prov-lines.ts';
import { SliceBuilder } from '../provenance/slice/index.ts';
import { markSubmitters } from '../provenance/submitters.ts';
import { canonicalAuditRow } from '../format/audit-line.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { Reads } from '../store/reads/index.ts';
import type { StoredProvRow } from '../store/reads/bundle-rows.ts';
import type { ExportEntry } from '../store/reads/exports.ts';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse.ts';
import { provJson } from './prov.ts';
import { PREDICATE_TYPE, sha256 } from '../format/bundle-format.ts';
import { BUNDLE_README } from './readme.ts';
import { findingsPart } from './findings-part.ts';

/** Fixed zip timestamps: the archive's bytes depend only on its contents. */
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

/** What an export reads: the tenant's stored rows, and the ledger that proves them. */
export interface BundleSource {
  reads: Reads;
  ledger: LedgerStore;
  /** resolves when rows written so far (the access audit's last reads) are in the store and the log */
  settle?: () => Promise<void>;
}

/** How long an export waits for audit events still on their way to the log (chain of custody). */
const CUSTODY_WAIT_MS = 5000;

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
}

export interface Bundle {
  zip: Buffer;
  sha256: string;
  rows: number;
  checkpointSize: number;
  /** the `exports` entry to record once the client has the bundle (api/bundles.ts) */
  record: ExportEntry;
}

export async function exportBundle(src: BundleSource, req: ExportRequest): Promise<Bundle> {
  const { reads, ledger } = src;
  const tenant = reads.tenant;
  const graph = await markSubmitters(await causalGraph(reads, req), tenant, (_t, spans) => reads.traces.submitters(spans), (t, ids, limit) => reads.provenance.appearances(t, ids, limit));
  const slicedSpans = req.slice ? new Set(graph.nodes.flatMap((n) => (n.type === 'activity' ? [`${n.traceId}/${n.spanId}`] : []))) : undefined;
  const traceIds = req.slice
    ? [...new Set([...slicedSpans!].map((k) => k.split('/')[0]!))].sort()
    : [...new Set(req.traceIds.map((t) => t.toLowerCase()))].sort();
  const inSelection = (r: { trace_id: string; span_id: string }): boolean => !slicedSpans || slicedSpans.has(`${r.trace_id}/${r.span_id}`);
  // Whole traces: read no more spans than may be exported (a slice's spans are picked from its traces').
  const rows = (await reads.bundles.spans(traceIds, req.slice ? undefined : req.maxRows + 1)).filter(inSelection);
  if (rows.length > req.maxRows) throw tooMany(req.maxRows);
  if (rows.length === 0) throw new ExportError(404, req.slice ? 'the slice holds no stored spans' : 'no stored spans for the selected traces');
  const lines = rows.map((r) => canonicalRow(r));
  const hashes = lines.map((l) => rowLeafHash(l));
  const logs = (await Promise.all(traceIds.map((t) => reads.traces.logs(t)))).flat().filter(inSelection);
  const logLines = logs.map((r) => canonicalLogRow(r));
  const logHashes = logLines.map((l) => rowLeafHash(l));
  const artifactIds = graph.nodes.flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
  const prov = await provRowsOf(reads, traceIds, artifactIds, inSelection);
  const provHashes = PROV_TABLES.flatMap((t) => prov[t].map((l) => rowLeafHash(l)));
  if (rows.length + logs.length + provHashes.length > req.maxRows) throw tooMany(req.maxRows);

  // Chain of custody: who read these traces before this export. Events just written are let
  // reach the log first (bounded wait); the bundle carries those the checkpoint covers.
  if (src.settle) await Promise.race([src.settle(), new Promise((r) => setTimeout(r, CUSTODY_WAIT_MS).unref())]);
  const custodyRows = await reads.audit.ofTraces(traceIds);
  const custody = custodyRows.map((r) => canonicalAuditRow(r));
  const custodyHashes = custody.map((l) => rowLeafHash(l));

  const checkpoint = await ledger.checkpoint();
  if (!checkpoint) throw new ExportError(409, 'the log is empty');
  const size = Number(checkpoint.size);
  const selected = [...hashes, ...logHashes, ...provHashes];
  // Every row's leaf is found among the leaves of the traces it names (an artifact row, of the
  // trace where it was first written; an audit event, of the trace it was about, or none).
  const rowTraces = new Set([...traceIds, ...prov.prov_artifacts.map((l) => /"trace_id":"([0-9a-f]*)"/.exec(l)?.[1] ?? ''), ...custodyRows.map((r) => r.trace_id)]);
  const leafIndex = await ledger.firstLeafIndices([...new Set([...selected, ...custodyHashes])], [...rowTraces]);
  const missing = selected.filter((h) => !(leafIndex.get(h)! < size));
  if (missing.length > 0) throw new ExportError(409, `${missing.length} selected row(s) are not in the log yet; retry in a moment`);
  const custodyLines = custody.filter((_, i) => leafIndex.get(custodyHashes[i]!)! < size);
  const distinct = [...new Set([...selected, ...custodyLines.map((l) => rowLeafHash(l))])];
  const proofs = new Map<string, Buffer[]>();
  const read = await ledger.log.inclusionProofs(
    distinct.map((h) => leafIndex.get(h)!),
    size,
  );
  distinct.forEach((h, i) => proofs.set(h, read[i]!));
  // Proofs come from stored tiles: check each against the signed root before handing it out.
  const broken = distinct.find((h) => !verifyInclusion(BigInt(leafIndex.get(h)!), checkpoint.size, Buffer.from(h, 'hex'), proofs.get(h)!, checkpoint.root));
  if (broken) throw new ExportError(409, `the stored log does not prove leaf ${leafIndex.get(broken)} against checkpoint ${size}: its tiles were changed; run \`causeway verify\``);

  const previous = await ledger.previousCheckpointSize(size);
  const consistency = previous > 0 ? { root: await ledger.log.root(previous), proof: await ledger.log.consistencyProof(previous, size) } : undefined;
  if (consistency && !verifyConsistency(BigInt(previous), checkpoint.size, consistency.root, checkpoint.root, consistency.proof)) {
    throw new ExportError(409, `the stored log does not prove checkpoint ${previous} consistent with checkpoint ${size}: its tiles were changed; run \`causeway verify\``);
  }
  // The detection findings on these traces and their status events, with their proofs.
  const findings = await findingsPart(reads, ledger, traceIds, checkpoint).catch((e: Error) => {
    throw new ExportError(409, e.message);
  });
  const b64 = (h: Buffer): string => h.toString('base64');
  const inclusion = (h: string): string => JSON.stringify({ leafIndex: String(leafIndex.get(h)), leafHash: b64(Buffer.from(h, 'hex')), proof: proofs.get(h)!.map(b64) });
  const files: Record<string, Buffer> = {
    'README.md': Buffer.from(BUNDLE_README),
    'checkpoint.note': Buffer.from(checkpoint.note),
    'log.json': json({ logId: logIdOf(ledger.key), origin: ledger.key.name, verifierKey: ledger.verifierKey, publicKey: b64(ledger.key.publicKey) }),
    'rows/spans.jsonl': Buffer.from(lines.map((l) => `${l}\n`).join('')),
    'proofs/inclusion.jsonl': Buffer.from(hashes.map((h) => `${inclusion(h)}\n`).join('')),
    'rows/logs.jsonl': Buffer.from(logLines.map((l) => `${l}\n`).join('')),
    'proofs/logs-inclusion.jsonl': Buffer.from(logHashes.map((h) => `${inclusion(h)}\n`).join('')),
    'proofs/consistency.json': json(
      consistency
        ? { from: { size: String(previous), root: b64(consistency.root) }, to: { size: String(size), root: b64(checkpoint.root) }, proof: consistency.proof.map(b64) }
        : { from: null, to: { size: String(size), root: b64(checkpoint.root) }, proof: [] },
    ),
    ...Object.fromEntries(
      PROV_TABLES.flatMap((t) => [
        [`rows/${t}.jsonl`, Buffer.from(prov[t].map((l) => `${l}\n`).join(''))],
        [`proofs/${t}-inclusion.jsonl`, Buffer.from(prov[t].map((l) => `${inclusion(rowLeafHash(l))}\n`).join(''))],
      ]),
    ),
    'audit/events.jsonl': Buffer.from(custodyLines.map((l) => `${l}\n`).join('')),
    'proofs/audit-inclusion.jsonl': Buffer.from(custodyLines.map((l) => `${inclusion(rowLeafHash(l))}\n`).join('')),
    ...findings.files,
    'graph.json': json(graph),
    'prov.json': json(provJson(rows, graph)),
    'redaction-report.json': json({
      policySha256: req.redactionPolicySha256,
      spans: rows.filter((r) => r.redactions.length > 0).map((r) => ({ traceId: r.trace_id, spanId: r.span_id, redactions: r.redactions })),
    }),
  };

  const exportedAt = new Date().toISOString();
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: Object.keys(files)
      .sort()
      .map((name) => ({ name, digest: { sha256: sha256(files[name]!) } })),
    predicateType: PREDICATE_TYPE,
    predicate: {
      query: req.slice ? { tenant, slice: req.slice, traceIds } : { tenant, traceIds },
      exporter: req.exporter,
      exportedAt,
      redactionPolicySha256: req.redactionPolicySha256,
      rows: rows.length,
      logRecords: logs.length,
      provenanceRows: Object.fromEntries(PROV_TABLES.map((t) => [t, prov[t].length])),
      auditEvents: custodyLines.length,
      findings: findings.findings,
      findingEvents: findings.events,
      log: { logId: ledger.logId, origin: ledger.key.name },
      checkpoint: { size: String(size), root: b64(checkpoint.root) },
    },
  };
  const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), ledger.key.privateKey, ledger.logId);
  files['manifest.dsse.json'] = json(envelope);

  const zip = Buffer.from(zipSync(Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]!])), { mtime: ZIP_TIME, level: 6 }));
  const digest = sha256(zip);
  const record: ExportEntry = { exporter: req.exporter, query: JSON.stringify(statement.predicate.query), bundleSha256: digest, rows: rows.length, checkpointSize: size };
  return { zip, sha256: digest, rows: rows.length, checkpointSize: size, record };
}

const tooMany = (max: number): ExportError =>
  new ExportError(413, `the selection holds more than ${max} rows (spans, log records and provenance rows together): export fewer traces, or a causal slice`);

export class ExportError extends Error {
  constructor(
    readonly status: 404 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
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
  const canonical = (t: ProvTable, rows: StoredProvRow[]): string[] => rows.map((r) => canonicalProvRow(t, r));
  // one row per artifact (where it was first written may lie outside the selection), chosen by
  // row hash so the same selection exports the same bytes
  const firstPerArtifact = new Map<string, string>();
  for (const l of canonical('prov_artifacts', await reads.bundles.artifacts(artifactIds))) {
    const id = (JSON.parse(l) as { artifact_id: string }).artifact_id;
    if (!firstPerArtifact.has(id)) firstPerArtifact.set(id, l);
  }
  return {
    prov_activities: canonical('prov_activities', (await reads.bundles.provOfTraces('prov_activities', traceIds)).filter(inSelection)),
    prov_relations: canonical('prov_relations', (await reads.bundles.provOfTraces('prov_relations', traceIds)).filter(inSelection)),
    prov_artifacts: [...firstPerArtifact.values()],
  };
}

function json(v: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(v, null, 2)}\n`);
}

