// The one trace search behind GET /api/traces (and its alias /api/search/traces): span filters
// over `spans`; provenance filters (agent, tool called, text over redacted content) joined as
// sub-queries only when asked, as is the findings filter (traces a detection finding names);
// the untrusted filter decided in code by the caller's trust test.
// Pages are newest first by the start of each trace's first span matching the span filters, and
// a cursor continues strictly after the last trace of a page in that order. Every scan is
// bounded; the answer says when a bound cut it short.
import type { ArtifactKind, RelationRow, Severity, TraceCursor, TraceQuery, TraceSearchHit, TraceSearchResponse } from '@causeway/schemas';
import type { ClickHouse, QueryParams } from '../clickhouse.ts';
import { producerNames } from '../../provenance/labels.ts';
import { APPEARANCES } from './provenance.ts';

/** Untrusted is decided by the trust rules in code: at most this many candidates are examined per page. */
export const UNTRUSTED_SCAN = 500;
/** Free text reads at most this many artifact rows ... */
export const TEXT_SCAN_ROWS = 2_000_000;
/** ... and keeps at most this many matching artifacts. */
export const TEXT_MATCHES = 5000;
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** What the trust policy looks at to call content untrusted. */
export interface UntrustedSubject {
  kind: ArtifactKind;
  /** names of what produced it: the generating tool, activity or data source */
  producers: string[];
  source: string;
  documentId: string;
}

/** Trust is policy, decided above the store: it says whether content so described is untrusted. */
export type UntrustedTest = (s: UntrustedSubject) => boolean;

/**
 * `start_time` (the partition and sort key of `spans`) is derived from start_time_unix_nano by
 * this expression in sql/001_spans.sql. A nanosecond bound is also written as a bound on
 * start_time through the same expression, so it selects exactly the same rows and ClickHouse
 * can skip partitions and granules by it. Change both together.
 */
const startTimeOf = (param: string): string => `fromUnixTimestamp64Micro(toInt64(intDiv({${param}:UInt64}, 1000)))`;

interface Candidate {
  trace_id: string;
  /** start of the trace's first span matching the span filters: the page order */
  first_start: string;
  total?: string;
}

interface SummaryRow {
  trace_id: string;
  start: string;
  end: string;
  span_count: string;
  error_count: string;
  root_name: string;
  root_service: string;
  services: string[];
}

/** An artifact whose content holds the text, with only the preview around the first match (not the content). */
interface Matched {
  artifact_id: string;
  kind: string;
  /** up to 60 characters before the match, the match, up to 80 after */
  around: string;
  cut_before: number;
  cut_after: number;
}

type ActivityBrief = { trace_id: string; span_id: string; kind: string; name: string; agent_name: string; tool_name: string; data_source: string };

export function encodeCursor(c: TraceCursor): string {
  return Buffer.from(`${c.startNs}:${c.traceId}`).toString('base64url');
}

export async function searchTraces(ch: ClickHouse, tenant: string, q: TraceQuery, isUntrusted: UntrustedTest): Promise<TraceSearchResponse> {
  const db = ch.database;
  const where = ['tenant = {tenant:String}'];
  const params: QueryParams = { tenant };
  spanFilters(q, where, params);
  if (q.agent) {
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND agent_name = {agent:String})`);
    params.agent = q.agent;
  }
  if (q.tool) {
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND kind = 'tool' AND tool_name = {tool:String})`);
    params.tool = q.tool;
  }
  if (q.findingsAtLeast) {
    // a finding names its traces in its body (traceIds: R7 spans many); the column holds the first.
    // A sub-query like the others, so the page and its total count exactly the traces that match.
    where.push(`trace_id IN (SELECT arrayJoin(arrayPushFront(JSONExtract(body, 'traceIds', 'Array(String)'), trace_id)) FROM ${db}.findings
      WHERE tenant = {tenant:String} AND severity IN {severities:Array(String)})`);
    params.severities = SEVERITIES.slice(SEVERITIES.indexOf(q.findingsAtLeast));
  }
  let matched: Matched[] = [];
  if (q.text) {
    // The preview is cut in the database: 5,000 matches hold ~1 MB, not up to 5,000 × 64 KiB of content.
    matched = await ch.query<Matched>(
      `SELECT artifact_id, kind,
         positionCaseInsensitiveUTF8(content, {text:String}) - 1 AS at,
         greatest(0, at - 60) AS from,
         at + lengthUTF8({text:String}) + 80 AS to,
         substringUTF8(content, from + 1, to - from) AS around,
         from > 0 AS cut_before,
         to < lengthUTF8(content) AS cut_after
       FROM ${db}.prov_artifacts
       WHERE tenant = {tenant:String} AND positionCaseInsensitiveUTF8(content, {text:String}) > 0
       LIMIT 1 BY artifact_id LIMIT ${TEXT_MATCHES}`,
      { tenant, text: q.text },
      { max_rows_to_read: String(TEXT_SCAN_ROWS), read_overflow_mode: 'break' },
    );
    if (matched.length === 0) return { traces: [], total: 0, scanned: 0, partial: false };
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.${APPEARANCES} WHERE tenant = {tenant:String} AND artifact_id IN {matched:Array(String)})`);
    params.matched = matched.map((m) => m.artifact_id);
  }

  // One more candidate than a page holds tells whether another page follows.
  const scan = q.untrusted ? Math.max(UNTRUSTED_SCAN, q.limit + 1) : q.limit + 1;
  const candidates = await page(ch, where, params, q.cursor, scan, !q.untrusted);
  const ids = candidates.map((c) => c.trace_id);
  const [summaries, acts] = await Promise.all([summariesOf(ch, tenant, ids), activitiesOf(ch, tenant, ids)]);
  const untrusted = q.untrusted ? await untrustedTraces(ch, tenant, ids, acts, isUntrusted) : undefined;

  // In page order: keep what passes the untrusted filter, up to `limit`.
  const kept: Candidate[] = [];
  let examined = 0;
  for (const c of candidates) {
    if (kept.length === q.limit) break;
    examined++;
    if (!untrusted || untrusted.has(c.trace_id)) kept.push(c);
  }
  const more = examined < candidates.length || candidates.length === scan;
  const last = more ? (kept.length === q.limit ? kept[kept.length - 1] : candidates[examined - 1]) : undefined;
  const bySummary = new Map(summaries.map((s) => [s.trace_id, s]));
  const agents = namesBy(acts, (a) => a.agent_name);
  const tools = namesBy(acts, (a) => (a.kind === 'tool' ? a.tool_name : ''));
  const hits: TraceSearchHit[] = kept.flatMap((c) => {
    const r = bySummary.get(c.trace_id);
    if (!r) return [];
    return [{
      traceId: r.trace_id,
      rootName: r.root_name,
      rootService: r.root_service,
      services: r.services,
      startTimeUnixNano: r.start,
      endTimeUnixNano: r.end,
      durationNano: (BigInt(r.end) > BigInt(r.start) ? BigInt(r.end) - BigInt(r.start) : 0n).toString(),
      spanCount: Number(r.span_count),
      errorCount: Number(r.error_count),
      agents: [...(agents.get(r.trace_id) ?? [])].sort(),
      tools: [...(tools.get(r.trace_id) ?? [])].sort(),
      ...(untrusted ? { untrusted: true } : {}),
    }];
  });
  // Within a page, shown by the traces' own start (newest first), as a trace list reads.
  hits.sort((a, b) => cmpDesc(a.startTimeUnixNano, b.startTimeUnixNano) || (a.traceId < b.traceId ? 1 : a.traceId > b.traceId ? -1 : 0));
  if (q.text && hits.length > 0) await addMatches(ch, tenant, hits, matched);

  const total = q.untrusted ? undefined : candidates[0]?.total !== undefined ? Number(candidates[0].total) : q.cursor ? undefined : 0;
  const body: TraceSearchResponse = {
    traces: hits,
    ...(total !== undefined ? { total } : {}),
    scanned: examined,
    partial: (kept.length < q.limit && more) || matched.length >= TEXT_MATCHES,
  };
  if (last) body.nextCursor = encodeCursor({ startNs: last.first_start, traceId: last.trace_id });
  return body;
}

function spanFilters(q: TraceQuery, where: string[], params: QueryParams): void {
  if (q.service) {
    where.push('service_name = {service:String}');
    params.service = q.service;
  }
  if (q.name) {
    where.push(q.nameMatch === 'exact' ? 'name = {name:String}' : 'positionCaseInsensitiveUTF8(name, {name:String}) > 0');
    params.name = q.name;
  }
  if (q.status) {
    where.push('status_code = {status:Int32}');
    params.status = STATUS_CODE[q.status];
  }
  if (q.startNs) {
    where.push(`start_time_unix_nano >= {startNs:UInt64} AND start_time >= ${startTimeOf('startNs')}`);
    params.startNs = q.startNs;
  }
  if (q.endNs) {
    where.push(`start_time_unix_nano <= {endNs:UInt64} AND start_time <= ${startTimeOf('endNs')}`);
    params.endNs = q.endNs;
  }
}

/**
 * The next `n` matching traces in page order after the cursor; with `withTotal`, each row
 * also carries how many traces match in all (counted in the same pass, before the cursor).
 */
function page(ch: ClickHouse, where: string[], params: QueryParams, cursor: TraceCursor | undefined, n: number, withTotal: boolean): Promise<Candidate[]> {
  const p: QueryParams = { ...params, n };
  if (cursor) {
    p.cursorStart = cursor.startNs;
    p.cursorTrace = cursor.traceId;
  }
  return ch.query<Candidate>(
    `SELECT trace_id, first_start${withTotal ? ', total' : ''} FROM (
       SELECT trace_id, min(start_time_unix_nano) AS first_start${withTotal ? ', count() OVER () AS total' : ''}
       FROM ${ch.database}.spans WHERE ${where.join(' AND ')}
       GROUP BY trace_id
     )
     ${cursor ? 'WHERE (first_start, trace_id) < ({cursorStart:UInt64}, {cursorTrace:String})' : ''}
     ORDER BY first_start DESC, trace_id DESC
     LIMIT {n:UInt32}`,
    p,
  );
}

/** Root, services, span and error counts of each trace, over all its spans. */
function summariesOf(ch: ClickHouse, tenant: string, ids: string[]): Promise<SummaryRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return ch.query<SummaryRow>(
    `SELECT trace_id, min(start_time_unix_nano) AS start, max(end_time_unix_nano) AS end, count() AS span_count,
       countIf(status_code = 2) AS error_count,
       argMinIf(name, start_time_unix_nano, parent_span_id = '') AS root_name,
       argMinIf(service_name, start_time_unix_nano, parent_span_id = '') AS root_service,
       arraySort(groupUniqArray(toString(service_name))) AS services
     FROM (
       SELECT trace_id, span_id, row_hash, start_time_unix_nano, end_time_unix_nano, status_code, name, parent_span_id, service_name
       FROM ${ch.database}.spans WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)}
       LIMIT 1 BY trace_id, span_id, row_hash
     )
     GROUP BY trace_id`,
    { tenant, ids },
  );
}

function activitiesOf(ch: ClickHouse, tenant: string, ids: string[]): Promise<ActivityBrief[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return ch.query<ActivityBrief>(
    `SELECT trace_id, span_id, kind, name, agent_name, tool_name, data_source FROM ${ch.database}.prov_activities
     WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} LIMIT 1 BY trace_id, span_id`,
    { tenant, ids },
  );
}

/** The traces in which some document or tool result is untrusted by `isUntrusted`. */
async function untrustedTraces(ch: ClickHouse, tenant: string, traceIds: string[], activities: ActivityBrief[], isUntrusted: UntrustedTest): Promise<Set<string>> {
  const out = new Set<string>();
  if (traceIds.length === 0) return out;
  const db = ch.database;
  const rels = await ch.query<{ trace_id: string; span_id: string; relation: string; artifact_id: string; container_id: string; tool_name: string }>(
    `SELECT trace_id, span_id, relation, artifact_id, container_id, tool_name FROM ${db}.prov_relations
     WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} AND artifact_kind IN ('document', 'tool_result')
     LIMIT 1 BY trace_id, span_id, relation, artifact_id`,
    { tenant, ids: traceIds },
  );
  const artIds = [...new Set(rels.map((r) => r.artifact_id))];
  const arts = artIds.length
    ? await ch.query<{ artifact_id: string; kind: ArtifactKind; source: string; document_id: string; tool_name: string }>(
        `SELECT artifact_id, kind, source, document_id, tool_name FROM ${db}.prov_artifacts
         WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)} LIMIT 1 BY artifact_id`,
        { tenant, ids: artIds },
      )
    : [];
  const artById = new Map(arts.map((a) => [a.artifact_id, a]));
  const actByKey = new Map(activities.map((a) => [`${a.trace_id}/${a.span_id}`, a]));
  // what produced each artifact in each trace: the generating activity (or, for a document
  // inside a result, the activity that generated the result), as the slice builder names it
  const producers = new Map<string, Set<string>>();
  for (const r of rels) {
    if (r.relation !== 'generated' && r.relation !== 'part_of') continue;
    const act = actByKey.get(`${r.trace_id}/${r.span_id}`);
    for (const n of act ? producerNames(act, r as Pick<RelationRow, 'relation' | 'tool_name'>) : [r.tool_name]) if (n) add(producers, `${r.trace_id}/${r.artifact_id}`, n);
  }
  for (const r of rels) {
    if (out.has(r.trace_id)) continue;
    const a = artById.get(r.artifact_id);
    if (!a) continue;
    const p = [...(producers.get(`${r.trace_id}/${r.artifact_id}`) ?? []), ...(a.tool_name ? [a.tool_name] : [])];
    if (isUntrusted({ kind: a.kind, producers: p, source: a.source, documentId: a.document_id })) out.add(r.trace_id);
  }
  return out;
}

/** Up to five previews per hit of the matching content it holds. */
async function addMatches(ch: ClickHouse, tenant: string, hits: TraceSearchHit[], matched: Matched[]): Promise<void> {
  const apps = await ch.query<{ trace_id: string; artifact_id: string }>(
    `SELECT DISTINCT trace_id, artifact_id FROM ${ch.database}.${APPEARANCES}
     WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} AND artifact_id IN {matched:Array(String)}
     ORDER BY trace_id, artifact_id`,
    { tenant, ids: hits.map((h) => h.traceId), matched: matched.map((m) => m.artifact_id) },
  );
  const byId = new Map(matched.map((m) => [m.artifact_id, m]));
  for (const h of hits) {
    h.matches = apps
      .filter((a) => a.trace_id === h.traceId)
      .slice(0, 5)
      .map((a) => {
        const m = byId.get(a.artifact_id)!;
        return { artifactId: m.artifact_id, kind: m.kind, snippet: `${Number(m.cut_before) ? '…' : ''}${m.around}${Number(m.cut_after) ? '…' : ''}` };
      });
  }
}

function namesBy(acts: ActivityBrief[], name: (a: ActivityBrief) => string): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const a of acts) {
    const n = name(a);
    if (n) add(m, a.trace_id, n);
  }
  return m;
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

function cmpDesc(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x > y ? -1 : x < y ? 1 : 0;
}
