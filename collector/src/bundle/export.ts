// Evidence bundle export: one zip with the selected rows as stored (redacted, canonical form),
// an inclusion proof per row against a signed checkpoint, a consistency proof from the previous
// checkpoint, the causal graph (PROV-JSON), the redaction report, a README for the recipient,
// the access-audit events of the traces (chain of custody), the detection findings on them and
// their status events (findings-part.ts), the incident it was exported from (incident-part.ts),
// a report for a person (report.ts: the chain in words and drawn), and a DSSE-signed in-toto Statement
// listing every file's SHA-256. The route records the export once it was delivered.
//
// Memory stays bounded whatever the bundle's size: what to carry is planned first from row keys
// (plan.ts), then the bundle is written as an ordered list of parts, each one zip entry, rows
// read from the store a page at a time and deflated into a spool file as they come. The
// manifest, which needs every other file's digest, is the last entry. Same selection, same log
// state → same files but for the manifest's time and signature.
import type { SpanRow } from '@causeway/schemas';
import { logIdOf } from '../ledger/checkpoint.ts';
import { verifyInclusion } from '../ledger/merkle.ts';
import { canonicalLogRow, canonicalRow, rowLeafHash } from '../format/canonical-row.ts';
import { PROV_TABLES } from '../format/prov-lines.ts';
import { PREDICATE_TYPE } from '../format/bundle-format.ts';
import type { RowKey } from '../store/reads/bundle-rows.ts';
import type { ExportEntry } from '../store/reads/exports.ts';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse.ts';
import { type BundlePlan, type BundleSource, ExportError, type ExportRequest, planBundle } from './plan.ts';
import { provJson } from './prov.ts';
import { BUNDLE_README } from './readme.ts';
import { INCIDENT_FILE } from './incident-part.ts';
import { REPORT_FILE, nodeWords, reportHtml } from './report.ts';
import { type FindingsPart, findingsPart } from './findings-part.ts';
import { Spool } from './spool.ts';
import { type EntryWriter, ZipStream } from './zip-stream.ts';

export { type BundleSource, ExportError, type ExportRequest } from './plan.ts';

/** Rows read from the store at once while a bundle is written at most (and inclusion proofs computed at once). */
export const BUNDLE_PAGE_ROWS = 500;
/** Bytes of rows (ClickHouse's estimate) read at once at most; a larger row is read alone. */
export const BUNDLE_PAGE_BYTES = 1 << 20;
/** Text gathered before it is handed to the zip (fewer, larger deflate calls). */
const PUT_BYTES = 64 * 1024;

export interface Bundle {
  /** the archive's bytes, to be read once (spool.body) or dropped (spool.close) */
  spool: Spool;
  sha256: string;
  size: number;
  rows: number;
  checkpointSize: number;
  /** how rows were read: pages, and the largest page's row bytes (at most BUNDLE_PAGE_BYTES unless one row is larger) */
  reads: ReadStats;
  /** the `exports` entry to record once the client has the bundle (api/bundles.ts) */
  record: ExportEntry;
}

export interface ReadStats {
  pages: number;
  largestPageBytes: number;
}

/** One file of the bundle: its name and what writes its contents. The parts are written in order. */
export interface BundlePart {
  name: string;
  write: EntryWriter;
}

export interface ExportOptions {
  /** where the archive is spooled (a private directory under the data dir) */
  spoolDir: string;
  /** aborting stops the export between pages (the client went away); the spool is dropped */
  signal?: AbortSignal;
}

export async function exportBundle(src: BundleSource, req: ExportRequest, opt: ExportOptions): Promise<Bundle> {
  const { signal } = opt;
  const plan = await planBundle(src, req, signal);
  const spool = await Spool.open(opt.spoolDir);
  try {
    const zip = new ZipStream(async (chunk) => {
      signal?.throwIfAborted();
      await spool.write(chunk);
    });
    // the findings on these traces and their events with their proofs (a few per trace: built whole)
    const findings = await findingsPart(src.reads, src.ledger, plan.traceIds, plan.checkpoint).catch((e: Error) => {
      throw new ExportError(409, e.message);
    });
    const w = new BundleWriter(src, req, plan, signal, findings);
    const digests = new Map<string, string>();
    for (const part of w.parts()) digests.set(part.name, await zip.entry(part.name, part.write));
    const statement = w.statement(digests);
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), src.ledger.key.privateKey, src.ledger.logId);
    await zip.entry('manifest.dsse.json', (put) => put(json(envelope)));
    await zip.end();
    const sha256 = spool.sha256();
    const record: ExportEntry = { exporter: req.exporter, query: JSON.stringify(statement.predicate.query), bundleSha256: sha256, rows: plan.spanKeys.length, checkpointSize: plan.size, incidentId: req.incident?.id ?? '' };
    return { spool, sha256, size: spool.size, rows: plan.spanKeys.length, checkpointSize: plan.size, reads: w.reads, record };
  } catch (e) {
    await spool.close();
    throw e;
  }
}

/** Writes the parts of one planned bundle; what the rows teach on the way (PROV, redactions) is kept small. */
class BundleWriter {
  /** each span's PROV-relevant fields only (not its attributes' contents) */
  readonly #provSpans: SpanRow[] = [];
  readonly #redacted: { traceId: string; spanId: string; redactions: SpanRow['redactions'] }[] = [];
  readonly reads: ReadStats = { pages: 0, largestPageBytes: 0 };

  constructor(
    private readonly src: BundleSource,
    private readonly req: ExportRequest,
    private readonly plan: BundlePlan,
    private readonly signal: AbortSignal | undefined,
    private readonly findings: FindingsPart,
  ) {}

  /** The bundle's files in the order they are written (the manifest follows them). */
  parts(): BundlePart[] {
    const { plan, src } = this;
    const { ledger } = src;
    const cp = plan.checkpoint;
    const b64 = (h: Buffer): string => h.toString('base64');
    const fixed = (name: string, bytes: () => string): BundlePart => ({ name, write: (put) => put(bytes()) });
    const lines = (name: string, list: string[]): BundlePart => ({ name, write: (put) => this.#lines(put, list) });
    const proofs = (name: string, hashes: () => string[]): BundlePart => ({ name, write: (put) => this.#proofs(put, hashes()) });
    const c = plan.consistency;
    return [
      fixed('README.md', () => BUNDLE_README),
      ...(this.req.incident ? [fixed(INCIDENT_FILE, () => json(this.req.incident))] : []),
      fixed('checkpoint.note', () => cp.note),
      fixed('log.json', () => json({ logId: logIdOf(ledger.key), origin: ledger.key.name, verifierKey: ledger.verifierKey, publicKey: b64(ledger.key.publicKey) })),
      fixed('proofs/consistency.json', () =>
        json(c ? { from: { size: String(c.size), root: b64(c.root) }, to: { size: String(plan.size), root: b64(cp.root) }, proof: c.proof.map(b64) } : { from: null, to: { size: String(plan.size), root: b64(cp.root) }, proof: [] }),
      ),
      fixed('graph.json', () => json(plan.graph)),
      fixed(REPORT_FILE, () => reportHtml(plan.graph, this.#selectionWords(), this.req.incident)),
      lines('audit/events.jsonl', plan.custody),
      proofs('proofs/audit-inclusion.jsonl', () => plan.custody.map((l) => rowLeafHash(l))),
      ...Object.entries(this.findings.files).map(([name, bytes]): BundlePart => ({ name, write: (put) => put(bytes.toString('utf8')) })),
      ...PROV_TABLES.flatMap((t) => [lines(`rows/${t}.jsonl`, plan.prov[t]), proofs(`proofs/${t}-inclusion.jsonl`, () => plan.prov[t].map((l) => rowLeafHash(l)))]),
      proofs('proofs/logs-inclusion.jsonl', () => plan.logKeys.map((k) => k.row_hash)),
      { name: 'rows/logs.jsonl', write: (put) => this.#rows(put, plan.logKeys, (h) => src.reads.bundles.logsByHash(plan.traceIds, h, this.signal), (r) => canonicalLogRow(r)) },
      proofs('proofs/inclusion.jsonl', () => plan.spanKeys.map((k) => k.row_hash)),
      { name: 'rows/spans.jsonl', write: (put) => this.#rows(put, plan.spanKeys, (h) => src.reads.bundles.spansByHash(plan.traceIds, h, this.signal), (r) => this.#span(r)) },
      // from what the span rows taught on their way (written above)
      fixed('prov.json', () => json(provJson(this.#provSpans, plan.graph))),
      fixed('redaction-report.json', () => json({ policySha256: this.req.redactionPolicySha256, spans: this.#redacted })),
    ];
  }

  /** The in-toto Statement: every written file's digest, and what was exported from which log state. */
  statement(digests: Map<string, string>) {
    const { plan, req, src } = this;
    const tenant = src.reads.tenant;
    return {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [...digests.keys()].sort().map((name) => ({ name, digest: { sha256: digests.get(name)! } })),
      predicateType: PREDICATE_TYPE,
      predicate: {
        query: req.slice ? { tenant, slice: req.slice, traceIds: plan.traceIds } : { tenant, traceIds: plan.traceIds },
        exporter: req.exporter,
        ...(req.incident ? { incident: { id: req.incident.id, title: req.incident.title } } : {}),
        exportedAt: new Date().toISOString(),
        redactionPolicySha256: req.redactionPolicySha256,
        rows: plan.spanKeys.length,
        logRecords: plan.logKeys.length,
        provenanceRows: Object.fromEntries(PROV_TABLES.map((t) => [t, plan.prov[t].length])),
        auditEvents: plan.custody.length,
        findings: this.findings.findings,
        findingEvents: this.findings.events,
        log: { logId: src.ledger.logId, origin: src.ledger.key.name },
        checkpoint: { size: String(plan.size), root: plan.checkpoint.root.toString('base64') },
      },
    };
  }

  /** What was selected, in words (the report's "what was exported"). */
  #selectionWords(): string {
    const { slice } = this.req;
    const g = this.plan.graph;
    if (!slice) return `${this.plan.traceIds.length} whole trace(s): ${this.plan.traceIds.join(', ')}`;
    return `the ${slice.direction} causal slice (depth ${slice.depth}) from ${nodeWords(g.nodes.find((n) => n.id === g.seed), g.seed)} in trace ${slice.traceId}`;
  }

  /** A span row's canonical line; its PROV fields and redactions are kept for the files after the rows. */
  #span(r: SpanRow): string {
    const keep = (a: SpanRow['attributes'][number]): boolean => a.key === 'gen_ai.operation.name' || a.key === 'gen_ai.agent.name';
    this.#provSpans.push({ ...r, attributes: r.attributes.filter(keep), events: [], links: r.links.map((l) => ({ ...l, attributes: [] })), resource_attributes: [], scope_attributes: [] });
    if (r.redactions.length > 0) this.#redacted.push({ traceId: r.trace_id, spanId: r.span_id, redactions: r.redactions });
    return canonicalRow(r);
  }

  /** Stored rows in key order, read a page of row hashes at a time (by count and size); each must hash to its key. */
  async #rows<R>(put: (d: string) => Promise<void>, keys: RowKey[], read: (hashes: string[]) => Promise<R[]>, line: (r: R) => string): Promise<void> {
    for (let i = 0; i < keys.length; ) {
      this.signal?.throwIfAborted();
      const page: string[] = [];
      let bytes = 0;
      for (; i < keys.length && page.length < BUNDLE_PAGE_ROWS && (page.length === 0 || bytes + Number(keys[i]!.bytes) <= BUNDLE_PAGE_BYTES); i++) {
        bytes += Number(keys[i]!.bytes);
        page.push(keys[i]!.row_hash);
      }
      this.reads.pages++;
      this.reads.largestPageBytes = Math.max(this.reads.largestPageBytes, bytes);
      const byHash = new Map<string, string>();
      for (const r of await read(page)) {
        const l = line(r);
        byHash.set(rowLeafHash(l), l);
      }
      let text = '';
      for (const h of page) {
        const l = byHash.get(h);
        if (l === undefined) throw new ExportError(409, `stored row ${h} no longer reads back as the row its hash names: run \`causeway verify\``);
        byHash.delete(h);
        text += `${l}\n`;
        if (text.length >= PUT_BYTES) {
          await put(text);
          text = '';
        }
      }
      await put(text);
    }
  }

  async #lines(put: (d: string) => Promise<void>, list: string[]): Promise<void> {
    let text = '';
    for (const l of list) {
      text += `${l}\n`;
      if (text.length >= PUT_BYTES) {
        await put(text);
        text = '';
      }
    }
    await put(text);
  }

  /** One inclusion proof line per row hash, computed a page at a time and checked against the signed root before it is handed out. */
  async #proofs(put: (d: string) => Promise<void>, hashes: string[]): Promise<void> {
    const { plan } = this;
    const b64 = (h: Buffer): string => h.toString('base64');
    for (let i = 0; i < hashes.length; i += BUNDLE_PAGE_ROWS) {
      this.signal?.throwIfAborted();
      const page = hashes.slice(i, i + BUNDLE_PAGE_ROWS);
      const proofs = await this.src.ledger.log.inclusionProofs(
        page.map((h) => plan.leafIndex.get(h)!),
        plan.size,
      );
      let text = '';
      page.forEach((h, j) => {
        const index = plan.leafIndex.get(h)!;
        const leaf = Buffer.from(h, 'hex');
        if (!verifyInclusion(BigInt(index), plan.checkpoint.size, leaf, proofs[j]!, plan.checkpoint.root)) {
          throw new ExportError(409, `the stored log does not prove leaf ${index} against checkpoint ${plan.size}: its tiles were changed; run \`causeway verify\``);
        }
        text += `${JSON.stringify({ leafIndex: String(index), leafHash: b64(leaf), proof: proofs[j]!.map(b64) })}\n`;
      });
      await put(text);
    }
  }
}

function json(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}
