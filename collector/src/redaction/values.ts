// Redaction of stored values of every kind: strings (and JSON held in them), attribute keys,
// ints and doubles that are card, phone or id numbers, bytes (UTF-8 or not), arrays and kvlists.
// Each replacement is noted as (rule, field) for the span's redaction report; field names are
// built from redacted keys, so the report never carries what it reports on.
import { isUtf8 } from 'node:buffer';
import type { AnyValue, AttrRow, KeyValue, RedactionRecord } from '@causeway/schemas';
import { jsonText, mapJson } from './json-text.ts';
import type { Redactor, Scope } from './redactor.ts';
import { KEY_RULE, type RuleId } from './types.ts';

export type Note = (rule: RuleId, field: string, n?: number) => void;

/** What was redacted in one span or log record; `drop` is raised when a rule in drop mode fired. */
export class Records {
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

/** One place to carry what every value needs: the redactor, where placeholders are scoped, how to note. */
export interface Ctx {
  redactor: Redactor;
  scope: Scope;
  note: Note;
}

/**
 * One string. Detectors run over the whole text (context across JSON structure counts: a
 * `"name": "…SECRET", "value": "…"` pair). JSON held in the string then gets the key rules
 * whatever the detectors found (`{"password":"483920"}`), applied to the redacted text when it
 * still parses, so its formatting survives; if redaction left it unparseable, it is redacted
 * structurally from the original instead.
 */
export function redactString(ctx: Ctx, s: string, field: string): string {
  const { redactor } = ctx;
  const r = redactor.redactText(s, ctx.scope);
  const json = looksLikeJson(s);
  if (json && (r.findings.length > 0 || redactor.keys.mayMatch(s))) {
    const redacted = r.findings.length > 0 ? parse(r.text) : parse(s);
    if (redacted !== undefined) {
      for (const f of r.findings) ctx.note(f.rule, field);
      const k = keyRulesOnly(ctx, redacted, field);
      return k.changed ? jsonText(k.value) : r.findings.length > 0 ? r.text : s;
    }
    const original = parse(s);
    if (original !== undefined) return jsonText(redactJson(ctx, original, field).value);
  }
  if (r.findings.length === 0) return s;
  for (const f of r.findings) ctx.note(f.rule, field);
  return r.text;
}

/** Detectors over a key (a card number in an attribute key); the key's rules use the key as it came. */
export function redactKey(ctx: Ctx, key: string, field: string): string {
  const r = ctx.redactor.redactText(key, ctx.scope);
  for (const f of r.findings) ctx.note(f.rule, `${field}.key`);
  return r.findings.length > 0 ? r.text : key;
}

/** Key rules over JSON whose text detectors already ran: values under sensitive keys, and JSON in its strings. */
function keyRulesOnly(ctx: Ctx, doc: unknown, field: string): { value: unknown; changed: boolean } {
  return mapJson(doc, field, (m) => {
    if (m.key !== undefined && m.value !== null && ctx.redactor.keys.sensitive(m.key) && !isOnePlaceholder(m.value)) return { value: keyPlaceholder(ctx, m.value, m.path) };
    if (typeof m.value === 'string' && looksLikeJson(m.value) && ctx.redactor.keys.mayMatch(m.value)) {
      const inner = parse(m.value);
      if (inner === undefined) return undefined;
      const k = keyRulesOnly(ctx, inner, m.path);
      return k.changed ? { value: jsonText(k.value) } : undefined;
    }
    return undefined;
  });
}

/** Everything over parsed JSON: key rules, detectors over keys, strings and numbers. */
function redactJson(ctx: Ctx, doc: unknown, field: string): { value: unknown; changed: boolean } {
  return mapJson(
    doc,
    field,
    (m) => {
      if (m.key !== undefined && m.value !== null && ctx.redactor.keys.sensitive(m.key)) return { value: keyPlaceholder(ctx, m.value, m.path) };
      if (typeof m.value === 'string') {
        const s = redactString(ctx, m.value, m.path);
        return s === m.value ? undefined : { value: s };
      }
      if (typeof m.value === 'number') {
        const s = redactNumber(ctx, m.value, m.path);
        return s === undefined ? undefined : { value: s };
      }
      return undefined;
    },
    (k) => redactKey(ctx, k, field),
  );
}

function keyPlaceholder(ctx: Ctx, value: unknown, field: string): string {
  ctx.note(KEY_RULE, field);
  return ctx.redactor.placeholder(KEY_RULE, typeof value === 'string' ? value : jsonText(value), ctx.scope);
}

/** A number that reads as a card, phone or id number, as its placeholder text; else undefined. */
function redactNumber(ctx: Ctx, n: number, field: string): string | undefined {
  if (!Number.isFinite(n) || Math.abs(n) < 1e5) return undefined;
  // Integer-valued doubles below 2^53 print exactly (4012888888881881, not 4.01e15).
  const text = Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? BigInt(n).toString() : String(n);
  return redactDigits(ctx, text, field);
}

function redactDigits(ctx: Ctx, text: string, field: string): string | undefined {
  const r = ctx.redactor.redactText(text, ctx.scope);
  if (r.findings.length === 0) return undefined;
  for (const f of r.findings) ctx.note(f.rule, field);
  return r.text;
}

/** Bytes as text: UTF-8 when they are, else one character per byte (an ASCII secret beside 0xFF stays findable). */
function redactBytes(ctx: Ctx, base64: string, field: string): string | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 6) return undefined;
  return redactDigits(ctx, bytes.toString(isUtf8(bytes) ? 'utf8' : 'latin1'), field);
}

/** An attribute list as it may be stored: keys and values redacted, attributes in drop mode removed. */
export function redactAttrs(ctx: Ctx, attrs: AttrRow[], base: string, rec: Records): AttrRow[] {
  let out: AttrRow[] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    rec.drop = false;
    const next = redactAttr(ctx, a, base, rec);
    if (next !== a && !out) out = attrs.slice(0, i);
    if (out && next) out.push(next);
  }
  return out ?? attrs;
}

/** The attribute as it may be stored: itself, a redacted copy, or undefined when dropped. */
export function redactAttr(ctx: Ctx, a: AttrRow, base: string, rec: Records): AttrRow | undefined {
  const { redactor } = ctx;
  if (redactor.keys.allowed(a.key)) return a;
  const key = base === 'body' ? a.key : redactKey(ctx, a.key, base);
  const field = base === 'body' ? 'body' : `${base}[${JSON.stringify(key)}]`;
  if (a.type !== 'empty' && redactor.keys.sensitive(a.key)) {
    ctx.note(KEY_RULE, field);
    if (rec.drop) return undefined;
    return { key, type: 'string', str: redactor.placeholder(KEY_RULE, scalarText(a), ctx.scope) };
  }
  let next: AttrRow = key === a.key ? a : { ...a, key };
  switch (a.type) {
    case 'string': {
      const s = redactString(ctx, a.str ?? '', field);
      if (s !== a.str) next = { ...next, str: s };
      break;
    }
    case 'int': {
      const s = redactDigits(ctx, String(a.int ?? ''), field);
      if (s !== undefined) next = { key, type: 'string', str: s };
      break;
    }
    case 'double': {
      const s = typeof a.dbl === 'number' ? redactNumber(ctx, a.dbl, field) : undefined;
      if (s !== undefined) next = { key, type: 'string', str: s };
      break;
    }
    case 'bytes': {
      const s = redactBytes(ctx, a.str ?? '', field);
      if (s !== undefined) next = { key, type: 'string', str: s };
      break;
    }
    case 'array':
    case 'kvlist': {
      const v = JSON.parse(a.str ?? '{}') as AnyValue;
      const w = redactAnyValue(ctx, v, field);
      if (w !== v) next = { ...next, str: JSON.stringify(w) };
      break;
    }
    default:
      break;
  }
  return rec.drop ? undefined : next;
}

/** Inside arrays and kvlists. Recursion is bounded: the decoders refuse AnyValue nested deeper than 64. */
function redactAnyValue(ctx: Ctx, v: AnyValue, field: string): AnyValue {
  if ('stringValue' in v) {
    const s = redactString(ctx, v.stringValue, field);
    return s === v.stringValue ? v : { stringValue: s };
  }
  if ('intValue' in v) {
    const s = redactDigits(ctx, v.intValue, field);
    return s === undefined ? v : { stringValue: s };
  }
  if ('doubleValue' in v) {
    const s = typeof v.doubleValue === 'number' ? redactNumber(ctx, v.doubleValue, field) : undefined;
    return s === undefined ? v : { stringValue: s };
  }
  if ('bytesValue' in v) {
    const s = redactBytes(ctx, v.bytesValue, field);
    return s === undefined ? v : { stringValue: s };
  }
  if ('arrayValue' in v) {
    let changed = false;
    const values = v.arrayValue.values.map((x, i) => {
      const y = redactAnyValue(ctx, x, `${field}/${i}`);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? { arrayValue: { values } } : v;
  }
  if ('kvlistValue' in v) {
    let changed = false;
    const values: KeyValue[] = v.kvlistValue.values.map((kv) => {
      const key = redactKey(ctx, kv.key, field);
      const f = `${field}/${key}`;
      if (!ctx.redactor.keys.allowed(kv.key) && Object.keys(kv.value).length > 0 && ctx.redactor.keys.sensitive(kv.key)) {
        ctx.note(KEY_RULE, f);
        changed = true;
        const plain = 'stringValue' in kv.value ? kv.value.stringValue : JSON.stringify(kv.value);
        return { key, value: { stringValue: ctx.redactor.placeholder(KEY_RULE, plain, ctx.scope) } };
      }
      const y = ctx.redactor.keys.allowed(kv.key) ? kv.value : redactAnyValue(ctx, kv.value, f);
      if (y !== kv.value || key !== kv.key) changed = true;
      return y === kv.value && key === kv.key ? kv : { key, value: y };
    });
    return changed ? { kvlistValue: { values } } : v;
  }
  return v;
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

function isOnePlaceholder(v: unknown): boolean {
  return typeof v === 'string' && /^\[REDACTED:[a-z0-9_]{1,64}(?::[0-9a-f]{8})?\]$/.test(v);
}

function looksLikeJson(s: string): boolean {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  return s[i] === '{' || s[i] === '[';
}

/** JSON.parse, or undefined (also when the text nests deeper than the parser goes). */
function parse(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** Any parsed value (a string, or JSON already parsed): key rules, detectors over keys, strings and numbers. */
export function redactValue(ctx: Ctx, v: unknown, field: string): unknown {
  if (typeof v === 'string') return redactString(ctx, v, field);
  if (typeof v === 'number') return redactNumber(ctx, v, field) ?? v;
  if (v === null || typeof v !== 'object') return v;
  return redactJson(ctx, v, field).value;
}
