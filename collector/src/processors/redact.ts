// Redaction processor: every string bound for storage passes through the redactor first —
// span, resource, scope, event and link attributes (all AnyValue kinds, inside arrays and
// kvlists, inside JSON held in strings), span and event names, status messages, trace states,
// schema URLs. Each span records what was redacted (rule, field, count), never the value.
import { isUtf8 } from 'node:buffer';
import type { AnyValue, AttrRow, KeyValue, LogRow, RedactionCounts, RedactionRecord, SpanRow } from '@causeway/schemas';
import type { Processor } from '../consumer.ts';
import type { Redactor } from '../redaction/redactor.ts';
import { KEY_RULE, type RuleId } from '../redaction/types.ts';

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

  snapshot(): RedactionCounts {
    return { spansRedacted: this.spans, byRule: Object.fromEntries(this.rules) };
  }
}

type Note = (rule: RuleId, field: string, n?: number) => void;

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
    // Resource and scope attribute lists are shared by every span decoded from them: redact each once.
    const shared = new Map<AttrRow[], { attrs: AttrRow[]; records: RedactionRecord[] }>();
    const sharedAttrs = (list: AttrRow[], field: string): { attrs: AttrRow[]; records: RedactionRecord[] } => {
      let r = shared.get(list);
      if (!r) {
        const rec = new Records(redactor);
        r = { attrs: redactAttrs(redactor, list, field, rec), records: rec.list() };
        shared.set(list, r);
      }
      return r;
    };
    for (const row of rows) {
      const rec = new Records(redactor);
      const note = rec.note;
      const str = (s: string, field: string): string => redactString(redactor, s, field, note);
      row.name = str(row.name, 'name');
      row.trace_state = str(row.trace_state, 'trace_state');
      row.status_message = str(row.status_message, 'status.message');
      row.attributes = redactAttrs(redactor, row.attributes, 'attributes', rec);
      row.events = row.events.map((e, i) => ({
        ...e,
        name: str(e.name, `events[${i}].name`),
        attributes: redactAttrs(redactor, e.attributes, `events[${i}].attributes`, rec),
      }));
      row.links = row.links.map((l, i) => ({
        ...l,
        trace_state: str(l.trace_state, `links[${i}].trace_state`),
        attributes: redactAttrs(redactor, l.attributes, `links[${i}].attributes`, rec),
      }));
      const res = sharedAttrs(row.resource_attributes, 'resource.attributes');
      const scope = sharedAttrs(row.scope_attributes, 'scope.attributes');
      row.resource_attributes = res.attrs;
      row.scope_attributes = scope.attrs;
      for (const r of [...res.records, ...scope.records]) note(r.rule, r.field, r.count);
      row.resource_schema_url = str(row.resource_schema_url, 'resource.schema_url');
      row.scope_schema_url = str(row.scope_schema_url, 'scope.schema_url');
      row.scope_name = str(row.scope_name, 'scope.name');
      row.scope_version = str(row.scope_version, 'scope.version');
      row.redactions = rec.list();
      tally.add(row.redactions);
    }
    return rows;
  };
}

/** The same for OTLP log records: body (any AnyValue), attributes, event name, resource and scope. */
export function redactLogs(redactor: Redactor, tally = new RedactionTally()): (rows: LogRow[]) => LogRow[] {
  return (rows) => {
    for (const row of rows) {
      const rec = new Records(redactor);
      row.body = redactAttr(redactor, row.body, 'body', rec) ?? { key: '', type: 'empty' };
      row.attributes = redactAttrs(redactor, row.attributes, 'attributes', rec);
      row.event_name = redactString(redactor, row.event_name, 'event_name', rec.note);
      row.resource_attributes = redactAttrs(redactor, row.resource_attributes, 'resource.attributes', rec);
      row.scope_attributes = redactAttrs(redactor, row.scope_attributes, 'scope.attributes', rec);
      row.redactions = rec.list();
      tally.add(row.redactions);
    }
    return rows;
  };
}

/** What was redacted in one span; `drop` is raised when a rule in drop mode fired. */
class Records {
  private readonly m = new Map<string, RedactionRecord>();
  drop = false;
  readonly note: Note;

  constructor(redactor: Redactor) {
    this.note = (rule, field, n = 1) => {
      const k = `${rule}\u0000${field}`;
      const r = this.m.get(k);
      if (r) r.count += n;
      else this.m.set(k, { rule, field, count: n });
      if (redactor.modeOf(rule) === 'drop') this.drop = true;
    };
  }

  list(): RedactionRecord[] {
    return [...this.m.values()];
  }
}

function redactAttrs(redactor: Redactor, attrs: AttrRow[], base: string, rec: Records): AttrRow[] {
  let out: AttrRow[] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    rec.drop = false;
    const next = redactAttr(redactor, a, `${base}[${JSON.stringify(a.key)}]`, rec);
    if (next !== a && !out) out = attrs.slice(0, i);
    if (out && next) out.push(next);
  }
  return out ?? attrs;
}

/** The attribute as it may be stored: itself, a redacted copy, or undefined when dropped. */
function redactAttr(redactor: Redactor, a: AttrRow, field: string, rec: Records): AttrRow | undefined {
  if (redactor.keys.allowed(a.key)) return a;
  const noteDrop = rec.note;
  if (a.type !== 'empty' && redactor.keys.sensitive(a.key)) {
    noteDrop(KEY_RULE, field);
    if (rec.drop) return undefined;
    return { key: a.key, type: 'string', str: redactor.placeholder(KEY_RULE, scalarText(a)) };
  }
  let next: AttrRow = a;
  switch (a.type) {
    case 'string': {
      const s = redactString(redactor, a.str ?? '', field, noteDrop);
      if (s !== a.str) next = { ...a, str: s };
      break;
    }
    case 'int': {
      // A phone or card number sent as an integer.
      const s = String(a.int ?? '');
      const r = redactor.redactText(s);
      if (r.findings.length > 0) {
        for (const f of r.findings) noteDrop(f.rule, field);
        next = { key: a.key, type: 'string', str: r.text };
      }
      break;
    }
    case 'bytes': {
      const bytes = Buffer.from(a.str ?? '', 'base64');
      if (bytes.length >= 6 && isUtf8(bytes)) {
        const r = redactor.redactText(bytes.toString('utf8'));
        if (r.findings.length > 0) {
          for (const f of r.findings) noteDrop(f.rule, field);
          next = { key: a.key, type: 'string', str: r.text };
        }
      }
      break;
    }
    case 'array':
    case 'kvlist': {
      const v = JSON.parse(a.str ?? '{}') as AnyValue;
      const w = redactAnyValue(redactor, v, field, noteDrop);
      if (w !== v) next = { ...a, str: JSON.stringify(w) };
      break;
    }
    default:
      break;
  }
  return rec.drop ? undefined : next;
}

function redactAnyValue(redactor: Redactor, v: AnyValue, field: string, note: Note): AnyValue {
  if ('stringValue' in v) {
    const s = redactString(redactor, v.stringValue, field, note);
    return s === v.stringValue ? v : { stringValue: s };
  }
  if ('arrayValue' in v) {
    let changed = false;
    const values = v.arrayValue.values.map((x, i) => {
      const y = redactAnyValue(redactor, x, `${field}/${i}`, note);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? { arrayValue: { values } } : v;
  }
  if ('kvlistValue' in v) {
    let changed = false;
    const values: KeyValue[] = v.kvlistValue.values.map((kv) => {
      const f = `${field}/${kv.key}`;
      if (!redactor.keys.allowed(kv.key) && !('kvlistValue' in kv.value || 'arrayValue' in kv.value) && Object.keys(kv.value).length > 0 && redactor.keys.sensitive(kv.key)) {
        note(KEY_RULE, f);
        changed = true;
        return { key: kv.key, value: { stringValue: redactor.placeholder(KEY_RULE, JSON.stringify(kv.value)) } };
      }
      const y = redactAnyValue(redactor, kv.value, f, note);
      if (y !== kv.value) changed = true;
      return y === kv.value ? kv : { key: kv.key, value: y };
    });
    return changed ? { kvlistValue: { values } } : v;
  }
  return v;
}

/**
 * One string. JSON held in a string is redacted as text, so its formatting survives; if that
 * ever left it unparseable, it is redacted structurally instead (parse, walk, serialize).
 */
export function redactString(redactor: Redactor, s: string, field: string, note: Note): string {
  if (s.length < 6) return s;
  const r = redactor.redactText(s);
  if (r.findings.length === 0) return s;
  if (looksLikeJson(s) && !parses(r.text) && parses(s)) return redactJson(redactor, JSON.parse(s), field, note);
  for (const f of r.findings) note(f.rule, field);
  return r.text;
}

function redactJson(redactor: Redactor, doc: unknown, field: string, note: Note): string {
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return redactString(redactor, v, path, note);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}/${i}`));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (redactor.keys.sensitive(k) && x !== null && typeof x !== 'object') {
          note(KEY_RULE, `${path}/${k}`);
          out[k] = redactor.placeholder(KEY_RULE, String(x));
        } else out[k] = walk(x, `${path}/${k}`);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(doc, field));
}

function scalarText(a: AttrRow): string {
  switch (a.type) {
    case 'int':
      return String(a.int ?? '');
    case 'double':
      return String(a.dbl ?? '');
    case 'bool':
      return String(a.bool ?? '');
    default:
      return a.str ?? '';
  }
}

function looksLikeJson(s: string): boolean {
  const c = s.trimStart()[0];
  return c === '{' || c === '[';
}

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
