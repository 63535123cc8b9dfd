// An in-memory provenance store for tests and the slice bench: OTLP/JSON requests go through
// the collector's own decoder and its real pipeline (provenance extractor, then redaction, with
// the keys server.ts derives), and the rows they yield are kept here instead of in ClickHouse.
// It reads them back as the store does (store/reads/provenance.ts): the same orders, the same
// "one row per key" collapses, the materialized views (appearances, conversations,
// fingerprints) derived from the rows as inserted. Every read is logged, so tests can count
// what a slice loads.
import { createHmac } from 'node:crypto';
import type { ActivityRow, Appearance, ArtifactRow, FingerprintHit, ProvenanceBatch, RelationRow } from '@causeway/schemas';
import { type IngestBatch, logsBatch, spansBatch } from '../collector/src/consumer.ts';
import { Pipeline } from '../collector/src/pipeline.ts';
import { ProvenanceExtractor, provenanceProcessor } from '../collector/src/processors/provenance.ts';
import { redactProcessor } from '../collector/src/processors/redact.ts';
import type { ProvenanceReader } from '../collector/src/provenance/slice/reader.ts';
import { decodeLogsJson, decodeTracesJson } from '../collector/src/receivers/otlp/decode-json.ts';
import { createRedactor } from '../collector/src/redaction/redactor.ts';

export const MEMORY_TENANT = 'default';
/** rows as sent with no credential (authentication off) */
const NO_SUBMITTER = { id: '', name: '' };
/** The tenant key the memory stores use (a collector given it as its key file stores the same ids). */
export const MEMORY_TENANT_KEY = Buffer.alloc(32, 0x5a);

/** One read the slice engine made: which method, how many keys (relations: `producing` when narrowed to those artifacts' producers). */
export interface ReadCall {
  method: keyof ProvenanceReader;
  keys: string[];
  producing?: string[];
}

const byKey = <T>(key: (x: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export class MemoryProvenanceStore implements ProvenanceReader {
  readonly calls: ReadCall[] = [];
  private readonly acts = new Map<string, ActivityRow>(); // `${tenant}/${trace}/${span}` → first row
  private readonly actsByTrace = new Map<string, ActivityRow[]>();
  private readonly rels = new Map<string, RelationRow[]>(); // `${tenant}/${trace}` → rows as inserted
  private readonly relSeen = new Set<string>();
  private readonly arts = new Map<string, ArtifactRow>(); // `${tenant}/${id}` → first row
  private readonly apps = new Map<string, Appearance[]>(); // `${tenant}/${artifact}` → rows as inserted
  private readonly convos = new Map<string, Map<string, bigint>>(); // `${tenant}/${conversation}` → trace → min start
  private readonly fps = new Map<string, Map<string, number>>(); // `${tenant}/${fp}` → artifact → min pos

  /** Keeps a batch's provenance rows, as the sink and the materialized views would. */
  add(p: ProvenanceBatch): void {
    for (const a of p.activities) {
      const k = `${a.tenant}/${a.trace_id}/${a.span_id}`;
      if (!this.acts.has(k)) {
        this.acts.set(k, a);
        push(this.actsByTrace, `${a.tenant}/${a.trace_id}`, a);
      }
      if (a.conversation_id !== '') {
        let m = this.convos.get(`${a.tenant}/${a.conversation_id}`);
        if (!m) this.convos.set(`${a.tenant}/${a.conversation_id}`, (m = new Map()));
        const t = BigInt(a.start_time_unix_nano);
        const was = m.get(a.trace_id);
        if (was === undefined || t < was) m.set(a.trace_id, t);
      }
    }
    for (const r of p.relations) {
      push(this.apps, `${r.tenant}/${r.artifact_id}`, { artifact_id: r.artifact_id, trace_id: r.trace_id, span_id: r.span_id, relation: r.relation, container_id: r.container_id });
      // repeats collapse by row_hash, a hash of the whole row
      const whole = JSON.stringify(r);
      if (this.relSeen.has(whole)) continue;
      this.relSeen.add(whole);
      push(this.rels, `${r.tenant}/${r.trace_id}`, r);
    }
    for (const a of p.artifacts) {
      const k = `${a.tenant}/${a.artifact_id}`;
      if (!this.arts.has(k)) this.arts.set(k, a);
      a.fingerprints.forEach((fp, i) => {
        let m = this.fps.get(`${a.tenant}/${fp}`);
        if (!m) this.fps.set(`${a.tenant}/${fp}`, (m = new Map()));
        const pos = a.fp_positions[i]!;
        const was = m.get(a.artifact_id);
        if (was === undefined || pos < was) m.set(a.artifact_id, pos);
      });
    }
  }

  async activities(tenant: string, traceIds: string[]): Promise<ActivityRow[]> {
    this.calls.push({ method: 'activities', keys: traceIds });
    const out = [...new Set(traceIds)].sort().flatMap((t) => this.actsByTrace.get(`${tenant}/${t}`) ?? []);
    return out.sort((a, b) => cmp(a.trace_id, b.trace_id) || Number(BigInt(a.start_time_unix_nano) - BigInt(b.start_time_unix_nano)) || cmp(a.span_id, b.span_id));
  }

  async activitiesAt(tenant: string, pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]> {
    const keys = [...new Set(pairs.map((p) => `${p.trace_id}/${p.span_id}`))].sort();
    this.calls.push({ method: 'activitiesAt', keys });
    return keys.flatMap((k) => this.acts.get(`${tenant}/${k}`) ?? []);
  }

  async relations(tenant: string, traceIds: string[], producing?: string[]): Promise<RelationRow[]> {
    this.calls.push({ method: 'relations', keys: traceIds, ...(producing ? { producing } : {}) });
    const only = producing && new Set(producing);
    const out = [...new Set(traceIds)]
      .sort()
      .flatMap((t) => this.rels.get(`${tenant}/${t}`) ?? [])
      .filter((r) => !only || (only.has(r.artifact_id) && (r.relation === 'generated' || r.relation === 'part_of')));
    return out.sort((a, b) => cmp(a.trace_id, b.trace_id) || cmp(a.span_id, b.span_id) || a.seq - b.seq);
  }

  async artifacts(tenant: string, ids: string[]): Promise<ArtifactRow[]> {
    this.calls.push({ method: 'artifacts', keys: ids });
    return [...new Set(ids)].sort().flatMap((id) => this.arts.get(`${tenant}/${id}`) ?? []);
  }

  async appearances(tenant: string, ids: string[], limit: number, relations?: string[]): Promise<Appearance[]> {
    this.calls.push({ method: 'appearances', keys: ids });
    const out: Appearance[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const seen = new Set<string>();
      const rows = (this.apps.get(`${tenant}/${id}`) ?? []).filter((a) => {
        if (relations && !relations.includes(a.relation)) return false;
        const k = JSON.stringify(a);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      out.push(...rows.sort(byKey((a: Appearance) => `${a.trace_id}/${a.span_id}`)).slice(0, limit));
    }
    return out;
  }

  async conversationTraces(tenant: string, conversationIds: string[], limit: number): Promise<{ conversation_id: string; trace_id: string }[]> {
    this.calls.push({ method: 'conversationTraces', keys: conversationIds });
    return [...new Set(conversationIds)].sort().flatMap((c) =>
      [...(this.convos.get(`${tenant}/${c}`) ?? new Map<string, bigint>())]
        .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
        .slice(0, limit)
        .map(([trace_id]) => ({ conversation_id: c, trace_id })),
    );
  }

  async fingerprintHits(tenant: string, fps: string[]): Promise<FingerprintHit[]> {
    this.calls.push({ method: 'fingerprintHits', keys: fps });
    const valid = [...new Set(fps.filter((f) => /^\d{1,20}$/.test(f)))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    return valid.flatMap((fp) =>
      [...(this.fps.get(`${tenant}/${fp}`) ?? new Map<string, number>())]
        .sort(byKey(([id]) => id))
        .slice(0, 64)
        .map(([artifact_id]) => ({ fp, artifact_id })),
    );
  }

  async artifactFacts(tenant: string, ids: string[]): Promise<Omit<ArtifactRow, 'content'>[]> {
    this.calls.push({ method: 'artifactFacts', keys: ids });
    return [...new Set(ids)].sort().flatMap((id) => this.arts.get(`${tenant}/${id}`) ?? []).map(({ content: _, ...facts }) => facts);
  }

  async artifactContents(tenant: string, ids: string[]): Promise<{ artifact_id: string; content: string }[]> {
    this.calls.push({ method: 'artifactContents', keys: ids });
    return [...new Set(ids)].sort().flatMap((id) => this.arts.get(`${tenant}/${id}`) ?? []).map(({ artifact_id, content }) => ({ artifact_id, content }));
  }

  /** Every trace stored, in id order. */
  traceIds(tenant = MEMORY_TENANT): string[] {
    return [...this.actsByTrace.keys()].filter((k) => k.startsWith(`${tenant}/`)).map((k) => k.slice(tenant.length + 1)).sort();
  }

  /** Every activity of a trace, as stored. */
  activitiesOf(traceId: string, tenant = MEMORY_TENANT): ActivityRow[] {
    return this.actsByTrace.get(`${tenant}/${traceId}`) ?? [];
  }

  /** Every relation of a trace, as stored. */
  relationsOf(traceId: string, tenant = MEMORY_TENANT): RelationRow[] {
    return this.rels.get(`${tenant}/${traceId}`) ?? [];
  }

  artifact(id: string, tenant = MEMORY_TENANT): ArtifactRow | undefined {
    return this.arts.get(`${tenant}/${id}`);
  }

  /** Forgets the read log. */
  resetCalls(): void {
    this.calls.length = 0;
  }
}

/**
 * Ingests OTLP/JSON export requests into a MemoryProvenanceStore through the collector's
 * pipeline: decode, provenance extraction, redaction, in request order, with a fixed tenant key
 * (so artifact ids and fingerprints are the same every run).
 */
export class MemoryIngest {
  readonly store = new MemoryProvenanceStore();
  private readonly pipeline: Pipeline;

  constructor(tenantKey: Buffer = MEMORY_TENANT_KEY) {
    const redactor = createRedactor({ key: tenantKey });
    // the same derivation as server.ts
    const provenanceKey = createHmac('sha256', tenantKey).update('causeway provenance v1').digest();
    const extractor = new ProvenanceExtractor(provenanceKey, redactor);
    const sink = {
      accepting: true,
      consume: async (b: IngestBatch): Promise<void> => this.store.add(b.provenance),
    };
    this.pipeline = new Pipeline(sink, [provenanceProcessor(extractor), redactProcessor(redactor)]);
  }

  /** One OTLP/JSON request body to /v1/traces or /v1/logs. */
  async post(path: string, body: unknown): Promise<void> {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    if (path.endsWith('/v1/logs')) await this.pipeline.consume(logsBatch(MEMORY_TENANT, NO_SUBMITTER, decodeLogsJson(bytes, MEMORY_TENANT)));
    else await this.pipeline.consume(spansBatch(MEMORY_TENANT, NO_SUBMITTER, decodeTracesJson(bytes, MEMORY_TENANT).rows));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
