// One canonical text per piece of content, whatever convention carried it: JSON text, JSON
// text inside a JSON string (double-encoded tool output), an already-parsed object, a
// one-field argument object some libraries collapse to its bare value. The canonical text is
// what artifact ids are computed over, so the same tool result seen on the tool span and again
// in the next prompt is one artifact.
import { jsonText } from '../redaction/json-text.ts';

/** Parses JSON text that holds an object, array or string; anything else stays as it is. */
export function unwrapJson(v: unknown, depth = 0): unknown {
  if (typeof v !== 'string' || depth > 3) return v;
  const t = v.trim();
  const c = t[0];
  if (c !== '{' && c !== '[' && c !== '"') return v;
  try {
    return unwrapJson(JSON.parse(t), depth + 1);
  } catch {
    return v;
  }
}

/**
 * JSON with object keys sorted, so key order never changes an identity. Iterative: a tool
 * result nested 100,000 levels deep is canonicalized like any other (its recursive form threw
 * "Maximum call stack size exceeded" at ~2,500 and took the whole export down with it).
 */
export function stableJson(v: unknown): string {
  return jsonText(v, { sortKeys: true });
}

/**
 * Deep-unwraps JSON text held in strings (tool outputs nest JSON text in JSON), down to depth 8;
 * deeper values are returned as they are (recursion here is bounded by that depth).
 */
export function deepUnwrap(v: unknown, depth = 0): unknown {
  const u = unwrapJson(v);
  if (depth > 8 || u === null || typeof u !== 'object') return u;
  if (Array.isArray(u)) return u.map((x) => deepUnwrap(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(u as Record<string, unknown>)) out[k] = deepUnwrap(x, depth + 1);
  return out;
}

/** Canonical text of a content value: text trimmed with `\n` line ends, or stable JSON. */
export function canonicalContent(v: unknown): string {
  const u = deepUnwrap(v);
  if (typeof u === 'string') return u.replace(/\r\n?/g, '\n').trim();
  if (u === undefined) return '';
  return stableJson(u);
}

/**
 * Canonical tool arguments: a one-field object whose value is a scalar is read as that value
 * (LangChain's OpenInference spans record `{"ticket_id":"OPS-4821"}` as `OPS-4821`), and an
 * empty argument list equals no arguments.
 */
export function canonicalArguments(v: unknown): string {
  let u = deepUnwrap(v);
  if (u && typeof u === 'object' && !Array.isArray(u)) {
    const entries = Object.entries(u as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 1 && (typeof entries[0]![1] !== 'object' || entries[0]![1] === null)) u = entries[0]![1];
    else if (entries.length === 0) u = '';
  }
  if (u === null || u === undefined) return '';
  if (typeof u === 'string') return u.trim();
  if (typeof u === 'number' || typeof u === 'boolean') return String(u);
  return stableJson(u);
}

/** The string leaves of a value, in document order: what content flow is measured over (keys and JSON punctuation are not content). Iterative, any depth. */
export function textLeaves(v: unknown, out: string[] = []): string[] {
  const stack: unknown[] = [deepUnwrap(v)];
  while (stack.length > 0) {
    const u = stack.pop();
    if (typeof u === 'string') out.push(u);
    else if (typeof u === 'number' || typeof u === 'boolean') out.push(String(u));
    else if (u && typeof u === 'object') {
      const xs = Array.isArray(u) ? u : Object.values(u);
      for (let i = xs.length - 1; i >= 0; i--) stack.push(xs[i]);
    }
  }
  return out;
}

export interface SplitDocument {
  value: unknown;
  documentId: string;
  source?: string;
}

const ID_KEYS = ['id', 'doc_id', 'document_id', 'documentId', 'message_id', 'messageId', 'uuid', 'key', 'url', 'uri'];
const SOURCE_KEYS = ['source', 'url', 'uri', 'link', 'href', 'from', 'sender', 'path', 'file'];
const LIST_KEYS = ['documents', 'docs', 'results', 'items', 'messages', 'emails', 'hits', 'records', 'data', 'entries'];

/**
 * The documents inside a tool result: a list of records that each carry an id (a mailbox
 * search, a knowledge-base search, a ticket), directly or under a list key such as
 * `documents` or `results`. A single record with an id and some text is one document too.
 * Each becomes its own artifact, so the one injected email among three is its own node.
 */
export function splitDocuments(v: unknown): SplitDocument[] {
  const u = deepUnwrap(v);
  const list = recordList(u);
  if (list) return list.flatMap((x) => docOf(x) ?? []);
  if (u && typeof u === 'object' && !Array.isArray(u)) {
    const d = docOf(u as Record<string, unknown>);
    if (d && textLeaves(u).some((t) => t.length >= 40)) return [d];
  }
  return [];
}

function recordList(u: unknown): Record<string, unknown>[] | undefined {
  const isRecords = (a: unknown): a is Record<string, unknown>[] =>
    Array.isArray(a) && a.length > 0 && a.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
  if (isRecords(u)) return u;
  if (u && typeof u === 'object' && !Array.isArray(u)) {
    const o = u as Record<string, unknown>;
    for (const k of LIST_KEYS) if (isRecords(o[k])) return o[k];
  }
  return undefined;
}

function docOf(o: Record<string, unknown>): SplitDocument | undefined {
  const meta = o.metadata && typeof o.metadata === 'object' ? (o.metadata as Record<string, unknown>) : {};
  const pick = (keys: string[]): string | undefined => {
    for (const k of keys) {
      const x = o[k] ?? meta[k];
      if (typeof x === 'string' && x !== '') return x;
      if (typeof x === 'number') return String(x);
    }
    return undefined;
  };
  const documentId = pick(ID_KEYS);
  if (documentId === undefined) return undefined;
  const source = pick(SOURCE_KEYS);
  return { value: o, documentId, ...(source !== undefined ? { source } : {}) };
}
