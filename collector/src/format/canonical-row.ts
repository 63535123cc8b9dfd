// The canonical byte form of a stored span row: JSON with a fixed field order, every attribute
// tuple fully populated, 64-bit integers as decimal strings, doubles in one spelling. It is
// computed the same way from a row about to be written and from a row read back from
// ClickHouse, so its hash, SHA-256(0x00 ‖ bytes), is both the row's identity (row_hash) and its
// Merkle leaf in the ledger. Stable across versions: changing it changes every leaf.
import { hash } from 'node:crypto';
import type { AttrRow, EnvelopeColumns, LogRow, SpanRow } from '@causeway/schemas';

/**
 * Written out field by field rather than by JSON.stringify of a fresh object: it is on the ingest
 * hot path. The bytes are pinned by canonical-row.test.ts. `shared` caches the text of attribute
 * lists shared by many rows (resource, scope) within one call.
 */
export function canonicalRow(r: SpanRow, shared?: Map<AttrRow[], string>): string {
  const s = JSON.stringify;
  let out = `{"tenant":${s(r.tenant)},"trace_id":${s(r.trace_id)},"span_id":${s(r.span_id)},"parent_span_id":${s(r.parent_span_id)},"trace_state":${s(r.trace_state)}`;
  out += `,"flags":${Number(r.flags)},"name":${s(r.name)},"kind":${Number(r.kind)},"start_time_unix_nano":${s(String(r.start_time_unix_nano))},"end_time_unix_nano":${s(String(r.end_time_unix_nano))}`;
  out += `,"attributes":${attrs(r.attributes)},"dropped_attributes_count":${Number(r.dropped_attributes_count)},"events":[`;
  r.events.forEach((e, i) => {
    out += `${i ? ',' : ''}{"time_unix_nano":${s(String(e.time_unix_nano))},"name":${s(e.name)},"attributes":${attrs(e.attributes)},"dropped_attributes_count":${Number(e.dropped_attributes_count)}}`;
  });
  out += `],"dropped_events_count":${Number(r.dropped_events_count)},"links":[`;
  r.links.forEach((l, i) => {
    out += `${i ? ',' : ''}{"trace_id":${s(l.trace_id)},"span_id":${s(l.span_id)},"trace_state":${s(l.trace_state)},"attributes":${attrs(l.attributes)},"dropped_attributes_count":${Number(l.dropped_attributes_count)},"flags":${Number(l.flags)}}`;
  });
  out += `],"dropped_links_count":${Number(r.dropped_links_count)},"status_code":${Number(r.status_code)},"status_message":${s(r.status_message)},"service_name":${s(r.service_name)}`;
  return out + envelopeTail(r, shared);
}

/** The same for a log record row (`logs` table); the body is one attribute tuple. */
export function canonicalLogRow(r: LogRow, shared?: Map<AttrRow[], string>): string {
  const s = JSON.stringify;
  let out = `{"tenant":${s(r.tenant)},"trace_id":${s(r.trace_id)},"span_id":${s(r.span_id)},"time_unix_nano":${s(String(r.time_unix_nano))},"observed_time_unix_nano":${s(String(r.observed_time_unix_nano))}`;
  out += `,"severity_number":${Number(r.severity_number)},"severity_text":${s(r.severity_text)},"event_name":${s(r.event_name)},"body":${attrs([r.body]).slice(1, -1)}`;
  out += `,"attributes":${attrs(r.attributes)},"dropped_attributes_count":${Number(r.dropped_attributes_count)},"flags":${Number(r.flags)},"service_name":${s(r.service_name)}`;
  return out + envelopeTail(r, shared);
}

/** SHA-256(0x00 ‖ canonical bytes), hex: the RFC 6962 leaf hash of the row. */
export function rowLeafHash(canonical: string | Buffer): string {
  // One-shot hash (2x a Hash object); a leading NUL char is the 0x00 byte in UTF-8.
  return typeof canonical === 'string' ? hash('sha256', `\u0000${canonical}`, 'hex') : hash('sha256', Buffer.concat([LEAF_PREFIX, canonical]), 'hex');
}

const LEAF_PREFIX = Buffer.from([0]);

/** The columns every signal ends with (resource, scope, redactions) and the closing brace. */
function envelopeTail(r: EnvelopeColumns, shared: Map<AttrRow[], string> | undefined): string {
  const s = JSON.stringify;
  let out = `,"resource_attributes":${cached(r.resource_attributes, shared)},"resource_dropped_attributes_count":${Number(r.resource_dropped_attributes_count)},"resource_schema_url":${s(r.resource_schema_url)}`;
  out += `,"scope_name":${s(r.scope_name)},"scope_version":${s(r.scope_version)},"scope_attributes":${cached(r.scope_attributes, shared)},"scope_dropped_attributes_count":${Number(r.scope_dropped_attributes_count)},"scope_schema_url":${s(r.scope_schema_url)}`;
  out += ',"redactions":[';
  r.redactions.forEach((x, i) => {
    out += `${i ? ',' : ''}{"rule":${s(x.rule)},"field":${s(x.field)},"count":${Number(x.count)}}`;
  });
  // Who sent the row: only when known, so rows stored before credentials keep their bytes (and leaves).
  if (r.credential_id) return `${out}],"credential_id":${s(r.credential_id)},"credential_name":${s(r.credential_name ?? '')}}`;
  return `${out}]}`;
}

function cached(list: AttrRow[], shared: Map<AttrRow[], string> | undefined): string {
  if (!shared) return attrs(list);
  let t = shared.get(list);
  if (t === undefined) shared.set(list, (t = attrs(list)));
  return t;
}

function attrs(list: AttrRow[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    // The same bytes as JSON.stringify of each field; the usual values (a known key, an absent
    // int or double) come from HEADS and constants: this runs for every attribute of every row.
    const int = a.int == null || a.int === '0' ? '"0"' : JSON.stringify(String(a.int));
    const dbl = a.dbl === undefined || Object.is(a.dbl, 0) ? '0' : JSON.stringify(canonicalDouble(a.dbl));
    out += `${i ? ',' : ''}${head(a.key, a.type)}${JSON.stringify(a.str ?? '')},"int":${int},"dbl":${dbl},"bool":${a.bool ? 'true' : 'false'}}`;
  }
  return `${out}]`;
}

/** `{"key":…,"type":…,"str":` by type, then key, for the keys seen most (bounded: keys come from clients). */
const HEADS = new Map<string, Map<string, string>>();
const MAX_HEADS = 4096;
let heads = 0;

function head(key: string, type: string): string {
  let byKey = HEADS.get(type);
  let h = byKey?.get(key);
  if (h === undefined) {
    h = `{"key":${JSON.stringify(key)},"type":${JSON.stringify(type)},"str":`;
    if (key.length <= 256) {
      if (heads >= MAX_HEADS) {
        HEADS.clear();
        heads = 0;
        byKey = undefined;
      }
      if (!byKey) HEADS.set(type, (byKey = new Map()));
      byKey.set(key, h);
      heads++;
    }
  }
  return h;
}

/** One spelling per double: finite as a JSON number, -0 and the non-finite ones as ClickHouse reads them. */
function canonicalDouble(d: number | string | undefined | null): number | string {
  if (d === undefined || d === null) return 0;
  if (typeof d === 'string') {
    if (d === '-nan' || d === 'nan' || d === 'NaN') return 'nan';
    if (d === '+inf' || d === 'inf' || d === 'Infinity') return 'inf';
    if (d === '-inf' || d === '-Infinity') return '-inf';
    if (d === '-0') return '-0';
    return canonicalDouble(Number(d));
  }
  if (Object.is(d, -0)) return '-0';
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  return d;
}
