// Evidence bundle export: one zip with the selected rows as stored (redacted, canonical form),
// an inclusion proof per row against a signed checkpoint, a consistency proof from the previous
// checkpoint, the causal graph (PROV-JSON), the redaction report, a README for the recipient,
// and a DSSE-signed in-toto Statement listing every file's SHA-256. Every export is recorded
// in the store (chain of custody). Same selection, same log state → same files but for the
// manifest's time and signature.
import type { SliceResponse, SpanRow } from '@causeway/schemas';
import { zipSync } from 'fflate';
import { logIdOf } from '../ledger/checkpoint.ts';
import { canonicalLogRow, canonicalRow, rowLeafHash } from '../format/canonical-row.ts';
import { READ_SETTINGS } from '../store/clickhouse.ts';
import { PROV_COLUMNS, PROV_TABLES, type ProvTable, canonicalProvRow } from '../format/prov-lines.ts';
import { ProvenanceQueries } from '../store/provenance-queries.ts';
import { SliceBuilder } from '../provenance/slice.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { SpanStore } from '../store/span-store.ts';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse.ts';
import { provJson } from './prov.ts';
import { PREDICATE_TYPE, sha256 } from '../format/bundle-format.ts';
import { BUNDLE_README } from './readme.ts';

/** Fixed zip timestamps: the archive's bytes depend only on its contents. */
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

export interface SliceSelection {
  traceId: string;
  spanId?: string;
  artifactId?: string;
  direction: 'backward' | 'forward';
  depth: number;
}

export interface ExportRequest {
  tenant: string;
  /** whole traces; or, with `slice`, nothing: the slice decides */
  traceIds: string[];
  /** a causal slice: its activities' spans and log records, and its provenance rows */
  slice?: SliceSelection;
  exporter: string;
  redactionPolicySha256: string;
  trustRules: TrustRule[];
}

export interface Bundle {
  zip: Buffer;
  sha256: string;
  rows: number;
  checkpointSize: number;
}

export async function exportBundle(store: SpanStore, req: ExportRequest): Promise<Bundle> {
  const ledger = store.ledger;
  const q = new ProvenanceQueries(store.ch);
  const graph = await causalGraph(q, req);
  const slicedSpans = req.slice ? new Set(graph.nodes.flatMap((n) => (n.type === 'activity' ? [`${n.traceId}/${n.spanId}`] : []))) : undefined;
  const traceIds = req.slice
    ? [...new Set([...slicedSpans!].map((k) => k.split('/')[0]!))].sort()
    : [...new Set(req.traceIds.map((t) => t.toLowerCase()))].sort();
  const inSelection = (r: { trace_id: string; span_id: string }): boolean => !slicedSpans || slicedSpans.has(`${r.trace_id}/${r.span_id}`);
  const rows = (await rowsOf(store, req.tenant, traceIds)).filter(inSelection);
  if (rows.length === 0) throw new ExportError(404, req.slice ? 'the slice holds no stored spans' : 'no stored spans for the selected traces');
  const lines = rows.map((r) => canonicalRow(r));
  const hashes = lines.map((l) => rowLeafHash(l));
  const logs = (await Promise.all(traceIds.map((t) => store.queries.logs(req.tenant, t)))).flat().filter(inSelection);
  const logLines = logs.map((r) => canonicalLogRow(r));
  const logHashes = logLines.map((l) => rowLeafHash(l));
  const artifactIds = graph.nodes.flatMap((n) => (n.type === 'artifact' ? [n.artifactId] : []));
  const prov = await provRowsOf(store, req.tenant, traceIds, artifactIds, inSelection);
  const provHashes = PROV_TABLES.flatMap((t) => prov[t].map((l) => rowLeafHash(l)));

  const checkpoint = await ledger.checkpoint();
  if (!checkpoint) throw new ExportError(409, 'the log is empty');
  const size = Number(checkpoint.size);
  const leafIndex = await firstLeafIndices(store, ledger.logId, [...hashes, ...logHashes, ...provHashes]);
  const missing = [...hashes, ...logHashes, ...provHashes].filter((h) => !(leafIndex.get(h)! < size));
  if (missing.length > 0) throw new ExportError(409, `${missing.length} selected row(s) are not in the log yet; retry in a moment`);

  const previous = await previousCheckpointSize(store, ledger.logId, size);
  const b64 = (h: Buffer): string => h.toString('base64');
  const inclusion = (h: string): string =>
    JSON.stringify({ leafIndex: String(leafIndex.get(h)), leafHash: b64(Buffer.from(h, 'hex')), proof: ledger.log.inclusionProof(leafIndex.get(h)!, size).map(b64) });
  const files: Record<string, Buffer> = {
    'README.md': Buffer.from(BUNDLE_README),
    'checkpoint.note': Buffer.from(checkpoint.note),
    'log.json': json({ logId: logIdOf(ledger.key), origin: ledger.key.name, verifierKey: ledger.verifierKey, publicKey: b64(ledger.key.publicKey) }),
    'rows/spans.jsonl': Buffer.from(lines.map((l) => `${l}\n`).join('')),
    'proofs/inclusion.jsonl': Buffer.from(hashes.map((h) => `${inclusion(h)}\n`).join('')),
    'rows/logs.jsonl': Buffer.from(logLines.map((l) => `${l}\n`).join('')),
    'proofs/logs-inclusion.jsonl': Buffer.from(logHashes.map((h) => `${inclusion(h)}\n`).join('')),
    'proofs/consistency.json': json(
      previous > 0
        ? { from: { size: String(previous), root: b64(ledger.log.root(previous)) }, to: { size: String(size), root: b64(checkpoint.root) }, proof: ledger.log.consistencyProof(previous, size).map(b64) }
        : { from: null, to: { size: String(size), root: b64(checkpoint.root) }, proof: [] },
    ),
    ...Object.fromEntries(
      PROV_TABLES.flatMap((t) => [
        [`rows/${t}.jsonl`, Buffer.from(prov[t].map((l) => `${l}\n`).join(''))],
        [`proofs/${t}-inclusion.jsonl`, Buffer.from(prov[t].map((l) => `${inclusion(rowLeafHash(l))}\n`).join(''))],
      ]),
    ),
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
      query: req.slice ? { tenant: req.tenant, slice: req.slice, traceIds } : { tenant: req.tenant, traceIds },
      exporter: req.exporter,
      exportedAt,
      redactionPolicySha256: req.redactionPolicySha256,
      rows: rows.length,
      logRecords: logs.length,
      provenanceRows: Object.fromEntries(PROV_TABLES.map((t) => [t, prov[t].length])),
      log: { logId: ledger.logId, origin: ledger.key.name },
      checkpoint: { size: String(size), root: b64(checkpoint.root) },
    },
  };
  const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), ledger.key.privateKey, ledger.logId);
  files['manifest.dsse.json'] = json(envelope);

  const zip = Buffer.from(zipSync(Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]!])), { mtime: ZIP_TIME, level: 6 }));
  const digest = sha256(zip);
  await store.ch.insertJsonEachRow(
    'exports',
    [Buffer.from(`${JSON.stringify({ tenant: req.tenant, exporter: req.exporter, query: JSON.stringify(statement.predicate.query), bundle_sha256: digest, rows: rows.length, checkpoint_size: String(size) })}\n`)],
    {},
  );
  return { zip, sha256: digest, rows: rows.length, checkpointSize: size };
}

export class ExportError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

async function rowsOf(store: SpanStore, tenant: string, traceIds: string[]): Promise<SpanRow[]> {
  const rs = await store.ch.client.query({
    query: `SELECT * EXCEPT (ingested_at) FROM ${store.ch.database}.spans
            WHERE tenant = {tenant:String} AND trace_id IN {traceIds:Array(String)}
            ORDER BY trace_id, start_time_unix_nano, span_id, row_hash
            LIMIT 1 BY trace_id, span_id, row_hash`,
    query_params: { tenant, traceIds },
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  });
  return rs.json<SpanRow>();
}

/** The causal graph of the selection: the slice, or the union of the traces' graphs. */
async function causalGraph(q: ProvenanceQueries, req: ExportRequest): Promise<SliceResponse> {
  const o = { tenant: req.tenant, trustRules: req.trustRules };
  if (req.slice) {
    const { traceId, spanId, artifactId, direction, depth } = req.slice;
    const seed = artifactId ? { artifactId, traceId } : { traceId, spanId: spanId ?? '' };
    const s = await new SliceBuilder(q, { ...o, direction, depth, maxNodes: 5000 }).slice(seed);
    if (!s) throw new ExportError(404, 'the slice seed has no provenance');
    return s;
  }
  const merged: SliceResponse = { seed: 'traces', direction: 'trace', depth: 1, nodes: [], edges: [], taintPaths: [], truncated: false };
  for (const t of [...new Set(req.traceIds.map((x) => x.toLowerCase()))].sort()) {
    const g = await new SliceBuilder(q, { ...o, direction: 'backward', depth: 1, maxNodes: 20_000 }).traceGraph(t);
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
  store: SpanStore,
  tenant: string,
  traceIds: string[],
  artifactIds: string[],
  inSelection: (r: { trace_id: string; span_id: string }) => boolean,
): Promise<Record<ProvTable, string[]>> {
  const read = async (t: ProvTable, where: string, params: Record<string, unknown>, by: string, keep = inSelection): Promise<string[]> => {
    const rs = await store.ch.client.query({
      query: `SELECT ${Object.keys(PROV_COLUMNS[t]).join(', ')}, row_hash FROM ${store.ch.database}.${t}
              WHERE tenant = {tenant:String} AND ${where} ORDER BY ${by}, row_hash LIMIT 1 BY row_hash`,
      query_params: { tenant, ...params },
      format: 'JSONEachRow',
      clickhouse_settings: READ_SETTINGS,
    });
    return (await rs.json<Record<string, unknown> & { trace_id: string; span_id: string }>()).filter(keep).map((r) => canonicalProvRow(t, r));
  };
  const byTrace = 'trace_id IN {traceIds:Array(String)}';
  // one row per artifact (where it was first written may lie outside the selection), chosen by
  // row hash so the same selection exports the same bytes
  const artifacts = await read('prov_artifacts', 'artifact_id IN {ids:Array(String)}', { ids: artifactIds }, 'artifact_id', () => true);
  const firstPerArtifact = new Map<string, string>();
  for (const l of artifacts) {
    const id = (JSON.parse(l) as { artifact_id: string }).artifact_id;
    if (!firstPerArtifact.has(id)) firstPerArtifact.set(id, l);
  }
  return {
    prov_activities: await read('prov_activities', byTrace, { traceIds }, 'trace_id, span_id'),
    prov_relations: await read('prov_relations', byTrace, { traceIds }, 'trace_id, span_id, seq'),
    prov_artifacts: [...firstPerArtifact.values()],
  };
}

async function firstLeafIndices(store: SpanStore, logId: string, hashes: string[]): Promise<Map<string, number>> {
  const rs = await store.ch.client.query({
    query: `SELECT leaf_hash, min(leaf_index) AS i FROM ${store.ch.database}.ledger_leaves
            WHERE log_id = {logId:String} AND leaf_hash IN {hashes:Array(String)} GROUP BY leaf_hash`,
    query_params: { logId, hashes },
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  });
  return new Map((await rs.json<{ leaf_hash: string; i: string }>()).map((r) => [r.leaf_hash, Number(r.i)]));
}

async function previousCheckpointSize(store: SpanStore, logId: string, size: number): Promise<number> {
  const rs = await store.ch.client.query({
    query: `SELECT max(tree_size) AS s FROM ${store.ch.database}.checkpoints WHERE log_id = {logId:String} AND tree_size < {size:UInt64}`,
    query_params: { logId, size },
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  });
  return Number((await rs.json<{ s: string }>())[0]?.s ?? 0);
}

function json(v: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(v, null, 2)}\n`);
}

