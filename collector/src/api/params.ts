// The query API's parameters, parsed at the door: a bad value is an HttpError (400 with the
// reason, as JSON via api/app.ts), never a 500 from deeper down. Every route file parses with
// these; each function names the parameter in its message, so the client sees what to fix.
//
// Exports (kept stable for the route files, api/provenance.ts included):
//   HttpError(status, message)            thrown anywhere in a route; answered as {"error": message}
//   hexId(v, length, what)                lower-cased hex id of exactly `length` characters
//   traceIdParam / spanIdParam / artifactIdParam / incidentIdParam
//   boundedInt(v, {name, min?, max, def}) integer in [min, max]; absent or '' is `def`
//   timeNs(v, name)                       unix nanoseconds (digits) or ISO 8601 → decimal ns string, 1970..2554
//   timeRange(start, end)                 both, checked start <= end
//   oneOf(v, values, name, def?)          one of a fixed set
//   statusParam(v)                        unset | ok | error
//   flag(v, name)                         1/true/0/false
//   text(v, max, name)                    a string of at most `max` characters
//   cursorParam(v)                        a trace-search cursor this API returned
//   jsonBody(c, hint)                     the request body as a JSON object
import type { SpanStatusName, TraceCursor } from '@causeway/schemas';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A client-facing failure: the status and a reason the client can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const bad = (message: string): HttpError => new HttpError(400, message);

/** A hex id of exactly `length` characters, upper case accepted, returned lower-cased. */
export function hexId(v: string | undefined, length: number, what: string): string {
  const id = (v ?? '').toLowerCase();
  if (id.length !== length || !/^[0-9a-f]+$/.test(id)) throw bad(`${what} must be ${length} hex characters${v ? `, got "${clip(v)}"` : ''}`);
  return id;
}

export const traceIdParam = (v: string | undefined, what = 'trace id'): string => hexId(v, 32, what);
export const spanIdParam = (v: string | undefined, what = 'span id'): string => hexId(v, 16, what);
export const artifactIdParam = (v: string | undefined, what = 'artifact id'): string => hexId(v, 32, what);
export const incidentIdParam = (v: string | undefined, what = 'incident id'): string => hexId(v, 16, what);

/** An integer in [min, max] (min defaults to 1); absent or empty is `def`. */
export function boundedInt(v: string | undefined, o: { name: string; min?: number; max: number; def: number }): number {
  if (v === undefined || v === '') return o.def;
  const min = o.min ?? 1;
  const n = /^-?\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > o.max) throw bad(`${o.name} must be an integer from ${min} to ${o.max}, got "${clip(v)}"`);
  return n;
}

const UINT64_MAX = 18_446_744_073_709_551_615n;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A point in time as unix nanoseconds (a decimal string): either digits (nanoseconds) or an
 * ISO 8601 / RFC 3339 date or date-time (fractions to the nanosecond; no offset means UTC).
 * Times before 1970 or after 2554 (the stored UInt64 nanoseconds) are refused.
 */
export function timeNs(v: string, name: string): string {
  let ns: bigint;
  if (/^\d{1,20}$/.test(v)) ns = BigInt(v);
  else {
    const m = ISO.exec(v.trim());
    const ms = m && realDate(m[1]!) ? Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}${zone(m[4])}`) : NaN;
    if (!m || Number.isNaN(ms)) throw bad(`${name} must be unix nanoseconds or an ISO 8601 time (e.g. 2026-01-31T12:00:00Z), got "${clip(v)}"`);
    ns = BigInt(ms) * 1_000_000n + BigInt((m[3] ?? '').padEnd(9, '0') || '0');
  }
  if (ns < 0n) throw bad(`${name} must not be before 1970-01-01T00:00:00Z, got "${clip(v)}"`);
  if (ns > UINT64_MAX) throw bad(`${name} must not be after 2554-07-21T23:34:33Z (unix nanoseconds fit 64 bits), got "${clip(v)}"`);
  return ns.toString();
}

/** A calendar date that exists (Date.parse would turn 2026-02-31 into March 3rd). */
function realDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return m >= 1 && m <= 12 && t.getUTCFullYear() === y && t.getUTCDate() === d;
}

function zone(z: string | undefined): string {
  if (!z || z.toUpperCase() === 'Z') return 'Z';
  return z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`;
}

/** `start` and `end` (either may be absent), with start <= end. */
export function timeRange(start: string | undefined, end: string | undefined): { startNs?: string; endNs?: string } {
  const out: { startNs?: string; endNs?: string } = {};
  if (start) out.startNs = timeNs(start, 'start');
  if (end) out.endNs = timeNs(end, 'end');
  if (out.startNs && out.endNs && BigInt(out.startNs) > BigInt(out.endNs)) throw bad('start must not be after end');
  return out;
}

/** One of `values`; absent or empty is `def` (or a 400 when there is none). */
export function oneOf<T extends string>(v: string | undefined, values: readonly T[], name: string, def?: T): T {
  if ((v === undefined || v === '') && def !== undefined) return def;
  if (!values.includes(v as T)) throw bad(`${name} must be one of ${values.join(', ')}${v ? `, got "${clip(v)}"` : ''}`);
  return v as T;
}

export const SPAN_STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error'];

export const statusParam = (v: string): SpanStatusName => oneOf(v, SPAN_STATUSES, 'status');

/** `1`/`true` or `0`/`false`; absent or empty is false. */
export function flag(v: string | undefined, name: string): boolean {
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw bad(`${name} must be 1 or 0 (true or false), got "${clip(v)}"`);
}

export function text(v: string, max: number, name: string): string {
  if (v.length > max) throw bad(`${name} must be at most ${max} characters`);
  return v;
}

/** A trace-search cursor: base64url of `<start ns>:<trace id>`, as `nextCursor` gave it. */
export function cursorParam(v: string): TraceCursor {
  const [startNs, traceId, extra] = Buffer.from(v, 'base64url').toString('latin1').split(':');
  if (extra !== undefined || !startNs || !/^\d{1,20}$/.test(startNs) || BigInt(startNs) > UINT64_MAX || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) {
    throw bad('cursor is not one this API returned (pass nextCursor unchanged)');
  }
  return { startNs, traceId };
}

/** The request body, which must be a JSON object; `hint` shows the expected shape. */
export async function jsonBody<T extends object>(c: Context, hint: string): Promise<Partial<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw bad(`body must be JSON: ${hint}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad(`body must be a JSON object: ${hint}`);
  return body as Partial<T>;
}

function clip(v: string): string {
  return v.length > 80 ? `${v.slice(0, 80)}…` : v;
}
