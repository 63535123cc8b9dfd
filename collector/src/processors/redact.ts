// Redaction processor: every string bound for storage passes through the redactor first (the
// table in README.md "Redaction" lists each field): span, resource, scope, event and link
// attributes (keys and values of every AnyValue kind, inside arrays and kvlists, inside JSON
// held in strings), span and event names, status messages, trace states, service and scope
// names and versions, schema URLs; for log records the body, severity text, event name and the
// same envelope. Low-entropy placeholders are scoped to the row's trace (redaction/redactor.ts).
// Each row records what was redacted (rule, field, count), never the value.
import type { AttrRow, LogRow, RedactionCounts, RedactionRecord, SpanRow } from '@causeway/schemas';
import type { Processor } from '../consumer.ts';
import type { Redactor, Scope } from '../redaction/redactor.ts';
import { type Ctx, Records, redactAttr, redactAttrs, redactString } from '../redaction/values.ts';

/** What redaction replaced since start, as /healthz shows it: read-only, a copy per call. */
export interface RedactionStatsView {
  snapshot(): RedactionCounts;
}

/** The counts behind the view; only the redaction that made the records adds to them. */
export class RedactionTally implements RedactionStatsView {
  private spans = 0;
  private readonly rules = new Map<string, number>();

  /** Counts one span's (or log record's) redactions; nothing when there are none. */
  add(records: RedactionRecord[]): void {
    if (records.length === 0) return;
    this.spans++;
    for (const r of records) this.rules.set(r.rule, (this.rules.get(r.rule) ?? 0) + r.count);
  }

  /** Adds counts taken elsewhere (an ingest worker's, for one batch). */
  merge(c: RedactionCounts): void {
    this.spans += c.spansRedacted;
    for (const [rule, n] of Object.entries(c.byRule)) this.rules.set(rule, (this.rules.get(rule) ?? 0) + n);
  }

  snapshot(): RedactionCounts {
    return { spansRedacted: this.spans, byRule: Object.fromEntries(this.rules) };
  }
}

/**
 * Where a row's low-entropy placeholders are valid: its trace. A record without a trace id gets a
 * scope of its own. Once ingest is authenticated (issue 13) the submitting credential's id joins it.
 */
export function scopeOf(traceId: string, credential = ''): Scope {
  return traceId ? `${traceId}${credential ? `/${credential}` : ''}` : `record/${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/** Redacts every span and log record of a batch, in place; owns the counts it shows as `stats`. */
export function redactProcessor(redactor: Redactor): Processor & { readonly stats: RedactionStatsView } {
  const tally = new RedactionTally();
  const spans = redactSpans(redactor, tally);
  const logs = redactLogs(redactor, tally);
  return {
    name: 'redact',
    stats: { snapshot: () => tally.snapshot() },
    process(batch) {
      spans(batch.spans);
      logs(batch.logs);
      return batch;
    },
  };
}

export function redactSpans(redactor: Redactor, tally = new RedactionTally()): (rows: SpanRow[]) => SpanRow[] {
  return (rows) => {
    const shared = sharedLists(redactor);
    for (const row of rows) {
      const rec = new Records(redactor);
      const ctx: Ctx = { redactor, scope: scopeOf(row.trace_id), note: rec.note };
      const str = (s: string, field: string): string => redactString(ctx, s, field);
      row.name = str(row.name, 'name');
      row.trace_state = str(row.trace_state, 'trace_state');
      row.status_message = str(row.status_message, 'status.message');
      row.attributes = redactAttrs(ctx, row.attributes, 'attributes', rec);
      row.events = row.events.map((e, i) => ({
        ...e,
        name: str(e.name, `events[${i}].name`),
        attributes: redactAttrs(ctx, e.attributes, `events[${i}].attributes`, rec),
      }));
      row.links = row.links.map((l, i) => ({
        ...l,
        trace_state: str(l.trace_state, `links[${i}].trace_state`),
        attributes: redactAttrs(ctx, l.attributes, `links[${i}].attributes`, rec),
      }));
      envelope(ctx, row, rec, shared);
      finish(row, rec, tally);
    }
    return rows;
  };
}

/** The same for OTLP log records: body (any AnyValue), attributes, severity text, event name, and the envelope. */
export function redactLogs(redactor: Redactor, tally = new RedactionTally()): (rows: LogRow[]) => LogRow[] {
  return (rows) => {
    const shared = sharedLists(redactor);
    for (const row of rows) {
      const rec = new Records(redactor);
      const ctx: Ctx = { redactor, scope: scopeOf(row.trace_id), note: rec.note };
      rec.drop = false;
      row.body = redactAttr(ctx, row.body, 'body', rec) ?? { key: '', type: 'empty' };
      row.attributes = redactAttrs(ctx, row.attributes, 'attributes', rec);
      row.severity_text = redactString(ctx, row.severity_text, 'severity_text');
      row.event_name = redactString(ctx, row.event_name, 'event_name');
      envelope(ctx, row, rec, shared);
      finish(row, rec, tally);
    }
    return rows;
  };
}

type Shared = (list: AttrRow[], field: string, ctx: Ctx) => { attrs: AttrRow[]; records: RedactionRecord[] };

/** Resource and scope attribute lists are shared by every row decoded from them: redacted once per list and scope. */
function sharedLists(redactor: Redactor): Shared {
  const done = new Map<AttrRow[], Map<Scope, { attrs: AttrRow[]; records: RedactionRecord[] }>>();
  return (list, field, ctx) => {
    let byScope = done.get(list);
    if (!byScope) done.set(list, (byScope = new Map()));
    let r = byScope.get(ctx.scope);
    if (!r) {
      const rec = new Records(redactor);
      r = { attrs: redactAttrs({ ...ctx, note: rec.note }, list, field, rec), records: rec.list() };
      byScope.set(ctx.scope, r);
    }
    return r;
  };
}

/** Where a row came from: resource and scope attributes, service and scope names, versions, schema URLs. */
function envelope(ctx: Ctx, row: SpanRow | LogRow, rec: Records, shared: Shared): void {
  const str = (s: string, field: string): string => redactString(ctx, s, field);
  const res = shared(row.resource_attributes, 'resource.attributes', ctx);
  const scope = shared(row.scope_attributes, 'scope.attributes', ctx);
  row.resource_attributes = res.attrs;
  row.scope_attributes = scope.attrs;
  for (const r of [...res.records, ...scope.records]) rec.note(r.rule, r.field, r.count);
  // service.name is copied out of the resource attributes at decode: redacted the same way
  row.service_name = str(row.service_name, 'service_name');
  row.resource_schema_url = str(row.resource_schema_url, 'resource.schema_url');
  row.scope_schema_url = str(row.scope_schema_url, 'scope.schema_url');
  row.scope_name = str(row.scope_name, 'scope.name');
  row.scope_version = str(row.scope_version, 'scope.version');
}

function finish(row: SpanRow | LogRow, rec: Records, tally: RedactionTally): void {
  row.redactions = rec.list();
  tally.add(row.redactions);
}
