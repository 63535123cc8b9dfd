// Small readers over stored attributes. Adapters see content as the decoder stored it: scalars in
// typed slots, arrays and kvlists as canonical OTLP JSON text. None of these throw: telemetry is
// written by other people's code, and a malformed value must only mean less provenance.
import type { AttrRow } from '@causeway/schemas';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** JSON text that holds an object or array, parsed; anything else as it is (plain text stays text). */
export function structured(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const c = v.trimStart()[0];
  if (c !== '{' && c !== '[') return v;
  const p = parseJson(v);
  return p === undefined ? v : p;
}

/** An OTLP/JSON AnyValue (`{"stringValue":…}`, `{"arrayValue":{"values":[…]}}`, …) as a plain JS value. */
export function fromAnyValue(v: unknown, depth = 0): unknown {
  if (!isObj(v) || depth > 64) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return intOf(v.intValue);
  if ('doubleValue' in v) return typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) {
    const values = isObj(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map((x) => fromAnyValue(x, depth + 1));
  }
  if ('kvlistValue' in v) {
    const values = isObj(v.kvlistValue) && Array.isArray(v.kvlistValue.values) ? v.kvlistValue.values : [];
    const out: Obj = {};
    for (const kv of values) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = fromAnyValue(kv.value, depth + 1);
    return out;
  }
  return undefined;
}

/** int64 is stored as decimal text; a number when exact, else the text. */
function intOf(v: unknown): unknown {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** A stored attribute's value as a JS value (arrays and kvlists decoded; empty → undefined). */
export function attrValue(a: AttrRow | undefined): unknown {
  if (!a) return undefined;
  switch (a.type) {
    case 'string':
    case 'bytes':
      return a.str;
    case 'int':
      return intOf(a.int);
    case 'double':
      return typeof a.dbl === 'string' ? Number(a.dbl.replace('inf', 'Infinity')) : a.dbl;
    case 'bool':
      return a.bool;
    case 'array':
    case 'kvlist':
      return fromAnyValue(parseJson(a.str));
    default:
      return undefined;
  }
}

export function findAttr(attrs: AttrRow[], key: string): AttrRow | undefined {
  for (const a of attrs) if (a.key === key) return a;
  return undefined;
}

/** The value under `key`, decoded. */
export function get(attrs: AttrRow[], key: string): unknown {
  return attrValue(findAttr(attrs, key));
}

/** The value under `key` when it is non-empty text (numbers are given as text). */
export function text(attrs: AttrRow[], key: string): string | undefined {
  const v = get(attrs, key);
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The first key present (attribute keys differ between versions of one convention). */
export function firstText(attrs: AttrRow[], keys: string[]): string | undefined {
  for (const k of keys) {
    const v = text(attrs, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Flattened indexed keys (`<prefix>.<i>.<rest>`, as OpenInference and OpenLLMetry write lists)
 * grouped by index, in index order: `[[0, Map{rest → value}], …]`. Works on any key/value pairs,
 * so a group's own nested lists (`tool_calls.<j>.…`) are grouped the same way.
 */
export function groupIndexed<T>(entries: Iterable<readonly [string, T]>, prefix: string): Array<[number, Map<string, T>]> {
  const groups = new Map<number, Map<string, T>>();
  const head = `${prefix}.`;
  for (const [key, value] of entries) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const idx = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^\d+$/.test(idx)) continue;
    const i = Number(idx);
    let g = groups.get(i);
    if (!g) groups.set(i, (g = new Map()));
    g.set(dot < 0 ? '' : rest.slice(dot + 1), value);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]);
}

/** Attributes as decoded key/value pairs, for groupIndexed. */
export function entries(attrs: AttrRow[]): Array<[string, unknown]> {
  return attrs.map((a) => [a.key, attrValue(a)]);
}
