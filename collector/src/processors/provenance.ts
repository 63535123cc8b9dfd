// Provenance extraction: reads each span (and each correlated log record) through its
// convention adapter and emits activity, relation and artifact rows. Runs on content as it
// arrived, before the redaction processor, and redacts each artifact's content itself, three
// ways (redaction/redactor.ts):
//  - the artifact id is keyed over the content with low-entropy values as their class
//    (`[REDACTED:email]`), so the same email is one artifact in every trace, and no guessed
//    value can produce (or miss) a given id;
//  - content-flow fingerprints are taken over the content with low-entropy values as
//    tenant-wide tags whose grams are marked (fingerprint.ts), which slices match only within a
//    trace: the address copied from an email into send_email links them, a guess from another
//    trace links nothing;
//  - stored content carries the trace's placeholders, as its spans do.
import type { ActivityRow, ArtifactKind, ArtifactRow, LogRow, ProvenanceBatch, RelationRow, SpanRow } from '@causeway/schemas';
import { adaptLog, adaptSpan } from '../provenance/adapters/index.ts';
import type { ActivityDraft, ArtifactDraft } from '../provenance/adapters/types.ts';
import { artifactId, toolRequestContent } from '../provenance/artifact-id.ts';
import { canonicalArguments, canonicalContent, deepUnwrap, splitDocuments, textLeaves } from '../provenance/content.ts';
import { fingerprint } from '../provenance/fingerprint.ts';
import type { Processor } from '../consumer.ts';
import { CLASS_SCOPE, type Redactor, type Scope, TAG_SCOPE } from '../redaction/redactor.ts';
import { redactString, redactValue } from '../redaction/values.ts';
import { jsonText } from '../redaction/json-text.ts';
import { scopeOf } from './redact.ts';
import { RecentIds } from './recent-ids.ts';

/** Stored content per artifact is capped; the full text stays in the span it came from. */
export const CONTENT_LIMIT = 64 * 1024;
/**
 * Artifacts already written by this process (repeats in later prompts are not written again):
 * the ids most recently met, 16 bytes each outside the V8 heap (RecentIds: at most 1,000,000 ids
 * in two tables growing to 2^20 slots, 36 MB; the Set cleared when full it replaces held 200,000
 * in ~23 MB).
 */
const MEMO_LIMIT = 1_000_000;
/**
 * Tool results whose documents were split out: ~350 bytes of heap each (measured over 120,000
 * agent spans), so 50,000 is ~18 MB; a result seen after a clear is split again (same ids).
 */
const PARTS_MEMO_LIMIT = 50_000;
/**
 * Content ids of contents already seen, by kind and text as it came: agents re-send the
 * whole conversation in every LLM call, and each repeated message would be unwrapped, redacted
 * and hashed again for the same id. Bounded by the characters its keys hold; a text longer
 * than ID_MEMO_MAX_ENTRY is never kept. When full it starts over (one recomputation per text).
 */
const ID_MEMO_MAX_CHARS = 8 << 20;
const ID_MEMO_MAX_ENTRY = 64 << 10;
/**
 * The extractor's redactions are not counted (the span's own are). One function, not a closure per
 * call: tsx keeps function names by a defineProperty on each closure made, and a closure per
 * string cost ~2% of the ingest worker. The same holds for the helpers below.
 */
const UNCOUNTED = (): undefined => undefined;

/** The pipeline step: adds what the batch's spans and log records say to `batch.provenance`. */
export function provenanceProcessor(extractor: ProvenanceExtractor): Processor {
  return {
    name: 'provenance',
    process(batch) {
      const fromSpans = extractor.fromSpans(batch.spans);
      const fromLogs = extractor.fromLogs(batch.logs);
      const p = batch.provenance;
      for (const b of [fromSpans, fromLogs]) {
        p.activities.push(...b.activities);
        p.relations.push(...b.relations);
        p.artifacts.push(...b.artifacts);
      }
      return batch;
    },
    committed: (batch) => extractor.stored(batch.provenance),
  };
}

export class ProvenanceExtractor {
  private readonly written: RecentIds;
  /** documents found in each tool result seen (by result artifact id) */
  private readonly parts = new Map<string, { id: string; documentId: string }[]>();

  constructor(
    private readonly key: Buffer,
    private readonly redactor: Redactor,
    memoLimit = MEMO_LIMIT,
  ) {
    this.written = new RecentIds(memoLimit);
  }

  /** A string as stored, or as an id or fingerprint input (scope: see the header). */
  private text(s: string, scope: Scope): string {
    return s.length < 6 ? s : redactString({ redactor: this.redactor, scope, note: UNCOUNTED }, s, 'provenance');
  }

  /** text() in one scope (made by a method: see UNCOUNTED). */
  private textIn(scope: Scope): (s: string) => string {
    return (s) => this.text(s, scope);
  }

  /** A content value (parsed), redacted for one use. */
  private value(v: unknown, scope: Scope): unknown {
    return redactValue({ redactor: this.redactor, scope, note: UNCOUNTED }, v, 'provenance');
  }

  fromSpans(spans: SpanRow[]): ProvenanceBatch {
    const out: ProvenanceBatch = { activities: [], relations: [], artifacts: [] };
    const pending = new Set<string>();
    for (const span of spans) {
      let draft: ActivityDraft;
      try {
        draft = adaptSpan(span);
      } catch {
        // An adapter bug must never cost a span: keep it as an `other` activity.
        draft = { kind: 'other', convention: 'other', operation: span.name, artifacts: [] };
      }
      out.activities.push(this.activity(span, draft));
      draft.artifacts.forEach((a, i) => this.safely(() => this.artifact(out, pending, span.tenant, span.trace_id, span.span_id, a, i, 'span')));
    }
    return out;
  }

  fromLogs(logs: LogRow[]): ProvenanceBatch {
    const out: ProvenanceBatch = { activities: [], relations: [], artifacts: [] };
    const pending = new Set<string>();
    for (const log of logs) {
      if (!log.trace_id || !log.span_id) continue;
      let drafts: ArtifactDraft[];
      try {
        drafts = adaptLog(log);
      } catch {
        drafts = [];
      }
      // The offset keeps a span's log-carried content after the content read from the span itself.
      const base = 1_000_000;
      drafts.forEach((a, i) => this.safely(() => this.artifact(out, pending, log.tenant, log.trace_id, log.span_id, a, base + i, 'log')));
    }
    return out;
  }

  /**
   * Content that cannot be read into an artifact costs that artifact, never the span or its
   * batch: the span is stored (and redacted) whatever its content. Canonical forms are iterative,
   * so this is a last line of defence, not the way deep content is handled.
   */
  private safely(f: () => void): void {
    try {
      f();
    } catch {
      this.skipped++;
    }
  }

  /** artifacts whose content could not be read (see safely) */
  skipped = 0;

  /** A tool request's id: name and canonical arguments, low-entropy values as their class (before a one-field object collapses, so key rules see the key). */
  private requestId(toolName: string, args: unknown): string {
    return this.memoId(`tool_request\u0000${toolName}`, args, () => artifactId(this.key, 'tool_request', toolRequestContent(this.text(toolName, CLASS_SCOPE), canonicalArguments(this.value(deepUnwrap(args), CLASS_SCOPE)))))!;
  }

  /** A content artifact's id over its redacted canonical text, or undefined when it has none. */
  private contentId(kind: ArtifactKind, unwrapped: unknown): string | undefined {
    const canonical = canonicalContent(this.value(unwrapped, CLASS_SCOPE));
    return canonical === '' ? undefined : artifactId(this.key, kind, canonical);
  }

  private readonly ids = new Map<string, string | undefined>();
  private idChars = 0;

  /** contentId of a value as it came (`unwrap` gives it unwrapped), from the memo when it was seen before. */
  private contentIdOf(kind: ArtifactKind, value: unknown, unwrap: () => unknown): string | undefined {
    return this.memoId(kind, value, () => this.contentId(kind, unwrap()));
  }

  /** An id computed from a value as it came, by `what` it is the id of and the value's text (see ID_MEMO_MAX_CHARS). */
  private memoId(what: string, value: unknown, compute: () => string | undefined): string | undefined {
    // a parsed value (a tool result, arguments) by its JSON text: keys in their own order, so equal texts as sent are one key
    const text = typeof value === 'string' ? value : value !== null && typeof value === 'object' ? jsonText(value) : undefined;
    if (text === undefined || text.length > ID_MEMO_MAX_ENTRY) return compute();
    const k = `${what}\u0000${typeof value === 'string' ? 's' : 'j'}${text}`;
    if (this.ids.has(k)) return this.ids.get(k);
    const id = compute();
    if (this.idChars + k.length > ID_MEMO_MAX_CHARS) {
      this.ids.clear();
      this.idChars = 0;
    }
    this.ids.set(k, id);
    this.idChars += k.length;
    return id;
  }

  /** Called once the batch is durable: its artifacts need not be written again by this process. */
  stored(batch: ProvenanceBatch): void {
    // this extractor is its tenant's own (tenants.ts): the id alone names the artifact
    for (const a of batch.artifacts) this.written.add(a.artifact_id);
  }

  private activity(span: SpanRow, d: ActivityDraft): ActivityRow {
    const scope = scopeOf(span.trace_id);
    const r = this.textIn(scope);
    const requestId = d.kind === 'tool' && d.toolName ? this.requestId(d.toolName, d.toolArguments) : '';
    return {
      tenant: span.tenant,
      trace_id: span.trace_id,
      span_id: span.span_id,
      parent_span_id: span.parent_span_id,
      start_time_unix_nano: span.start_time_unix_nano,
      end_time_unix_nano: span.end_time_unix_nano,
      kind: d.kind,
      convention: d.convention,
      operation: r(d.operation ?? ''),
      name: r(span.name),
      service_name: r(span.service_name),
      agent_name: r(d.agentName ?? ''),
      agent_id: r(d.agentId ?? ''),
      conversation_id: r(d.conversationId ?? ''),
      tool_name: r(d.toolName ?? ''),
      call_id: r(d.callId ?? ''),
      request_id: requestId,
      data_source: r(d.dataSource ?? ''),
      model: r(d.model ?? ''),
      status_code: span.status_code,
      links: span.links.map((l) => `${l.trace_id}/${l.span_id}`),
    };
  }

  private artifact(
    out: ProvenanceBatch,
    pending: Set<string>,
    tenant: string,
    traceId: string,
    spanId: string,
    a: ArtifactDraft,
    seq: number,
    origin: 'span' | 'log',
  ): void {
    const isRequest = a.kind === 'tool_request';
    if (isRequest && !a.toolName) return;
    const unwrap = unwrapOnce(a.value);
    // a request's id from its arguments as they came, as its tool activity's request_id is
    const id = isRequest ? this.requestId(a.toolName!, a.value) : this.contentIdOf(a.kind, a.value, unwrap);
    if (id === undefined) return;
    const scope = scopeOf(traceId);
    const r = this.textIn(scope);
    out.relations.push({
      tenant,
      trace_id: traceId,
      span_id: spanId,
      relation: a.relation,
      artifact_id: id,
      artifact_kind: a.kind,
      container_id: '',
      call_id: r(a.callId ?? ''),
      tool_name: r(a.toolName ?? ''),
      role: r(a.role),
      origin,
      seq,
    });
    // ids are keyed by the tenant's key: the id alone names the artifact (pending is this batch's)
    const known = this.written.has(id) || pending.has(id);
    // Documents inside a result are indexed wherever the result appears, so each trace that
    // retrieved the same email lists it; their content is written once.
    let parts = this.parts.get(id);
    if (parts === undefined && a.kind === 'tool_result') parts = this.split(out, pending, tenant, traceId, spanId, a, id, scope);
    if (parts) {
      for (const p of parts) {
        out.relations.push({ tenant, trace_id: traceId, span_id: spanId, relation: 'part_of', artifact_id: p.id, artifact_kind: 'document', container_id: id, call_id: '', tool_name: r(a.toolName ?? ''), role: r(`${a.role}/${p.documentId}`), origin, seq });
      }
    }
    if (known) return;
    pending.add(id);
    const stored = this.value(unwrap(), scope);
    const shown = isRequest ? `${r(a.toolName!)}(${canonicalArguments(stored)})` : canonicalContent(stored);
    const row = this.artifactRow(tenant, traceId, spanId, id, a.kind, shown, unwrap(), a, scope);
    row.parts = (parts ?? []).map((p) => p.id);
    out.artifacts.push(row);
  }

  /** The documents in a tool result, written as artifacts of their own (once). */
  private split(out: ProvenanceBatch, pending: Set<string>, tenant: string, traceId: string, spanId: string, a: ArtifactDraft, containerId: string, scope: Scope): { id: string; documentId: string }[] {
    const parts: { id: string; documentId: string }[] = [];
    for (const d of splitDocuments(a.value)) {
      const docId = this.contentIdOf('document', d.value, () => d.value);
      if (docId === undefined) continue;
      parts.push({ id: docId, documentId: this.text(d.documentId, scope) });
      if (this.written.has(docId) || pending.has(docId)) continue;
      pending.add(docId);
      const shown = canonicalContent(this.value(d.value, scope));
      out.artifacts.push(this.artifactRow(tenant, traceId, spanId, docId, 'document', shown, d.value, { documentId: d.documentId, source: d.source, toolName: a.toolName }, scope));
    }
    if (this.parts.size > PARTS_MEMO_LIMIT) this.parts.clear();
    this.parts.set(containerId, parts);
    return parts;
  }

  private artifactRow(
    tenant: string,
    traceId: string,
    spanId: string,
    id: string,
    kind: ArtifactKind,
    shown: string,
    value: unknown,
    meta: { documentId?: string | undefined; source?: string | undefined; toolName?: string | undefined },
    scope: Scope,
  ): ArtifactRow {
    const fp = fingerprint(this.key, textLeaves(this.value(value, TAG_SCOPE)));
    // `shown` is redacted whole, then cut: a cut first could leave half a secret no detector recognizes.
    const content = shown.length > CONTENT_LIMIT ? shown.slice(0, CONTENT_LIMIT) : shown;
    return {
      tenant,
      trace_id: traceId,
      span_id: spanId,
      artifact_id: id,
      kind,
      content,
      content_length: shown.length,
      tool_name: this.text(meta.toolName ?? '', scope),
      document_id: this.text(meta.documentId ?? '', scope),
      source: this.text(meta.source ?? '', scope),
      fingerprints: fp.values,
      fp_positions: fp.positions,
      normalized_length: fp.length,
      parts: [],
    };
  }
}

/** deepUnwrap(value), computed at the first call (made by a function: see UNCOUNTED). */
function unwrapOnce(value: unknown): () => unknown {
  let unwrapped: unknown;
  let done = false;
  return () => {
    if (!done) {
      unwrapped = deepUnwrap(value);
      done = true;
    }
    return unwrapped;
  };
}
