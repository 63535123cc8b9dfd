// The explorer's trace search: the span filters of GET /api/traces plus filters over the
// provenance model (agent, tool called, untrusted content touched) and free text over the
// redacted artifact content as stored. Every scan is bounded; the answer says when a bound hit.
import type { ArtifactKind, TraceSearchHit } from '@causeway/schemas';
import { type ClickHouse, READ_SETTINGS } from './clickhouse.ts';
import type { TraceSummaryRow } from './queries.ts';

export interface SearchFilter {
  tenant: string;
  service?: string;
  agent?: string;
  tool?: string;
  spanName?: string;
  status?: 'unset' | 'ok' | 'error';
  startNs?: string;
  endNs?: string;
  /** free text, case-insensitive, over redacted artifact content */
  text?: string;
  untrusted?: boolean;
  limit: number;
}

/** Untrusted is decided by the trust rules in code: at most this many newest candidates are examined. */
export const UNTRUSTED_SCAN = 500;
/** Free text reads at most this many artifact rows. */
export const TEXT_SCAN_ROWS = 2_000_000;
const TEXT_MATCHES = 5000;
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/** Trust is policy, decided above the store: it says whether content so described is untrusted. */
export type UntrustedTest = (s: { kind: ArtifactKind; producers: string[]; source: string; documentId: string }) => boolean;

export async function searchTraces(ch: ClickHouse, f: SearchFilter, isUntrusted: UntrustedTest): Promise<{ traces: TraceSearchHit[]; scanned: number; partial: boolean }> {
  const db = ch.database;
  const rows = async <T>(query: string, params: Record<string, unknown>, settings = {}): Promise<T[]> =>
    (await ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { ...READ_SETTINGS, ...settings } })).json<T>();

  const where = ['tenant = {tenant:String}'];
  const params: Record<string, unknown> = { tenant: f.tenant };
  if (f.service) {
    where.push('service_name = {service:String}');
    params.service = f.service;
  }
  if (f.spanName) {
    where.push('positionCaseInsensitiveUTF8(name, {spanName:String}) > 0');
    params.spanName = f.spanName;
  }
  if (f.status) {
    where.push('status_code = {status:Int32}');
    params.status = STATUS_CODE[f.status];
  }
  if (f.startNs) {
    where.push('start_time_unix_nano >= {startNs:UInt64}');
    params.startNs = f.startNs;
  }
  if (f.endNs) {
    where.push('start_time_unix_nano <= {endNs:UInt64}');
    params.endNs = f.endNs;
  }
  if (f.agent) {
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND agent_name = {agent:String})`);
    params.agent = f.agent;
  }
  if (f.tool) {
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND kind = 'tool' AND tool_name = {tool:String})`);
    params.tool = f.tool;
  }
  let matched: { artifact_id: string; kind: string; content: string }[] = [];
  if (f.text) {
    matched = await rows<{ artifact_id: string; kind: string; content: string }>(
      `SELECT artifact_id, kind, content FROM ${db}.prov_artifacts
       WHERE tenant = {tenant:String} AND positionCaseInsensitiveUTF8(content, {text:String}) > 0
       LIMIT 1 BY artifact_id LIMIT ${TEXT_MATCHES}`,
      { tenant: f.tenant, text: f.text },
      { max_rows_to_read: TEXT_SCAN_ROWS, read_overflow_mode: 'break' },
    );
    if (matched.length === 0) return { traces: [], scanned: 0, partial: false };
    where.push(`trace_id IN (SELECT trace_id FROM ${db}.prov_appearances WHERE tenant = {tenant:String} AND artifact_id IN {matched:Array(String)})`);
    params.matched = matched.map((m) => m.artifact_id);
  }
  const take = f.untrusted ? UNTRUSTED_SCAN : f.limit;
  params.limit = take;
  const summaries = await rows<TraceSummaryRow>(
    `WITH page AS (
        SELECT trace_id FROM ${db}.spans WHERE ${where.join(' AND ')}
        GROUP BY trace_id ORDER BY min(start_time_unix_nano) DESC, trace_id DESC LIMIT {limit:UInt32}
      )
      SELECT trace_id, min(start_time_unix_nano) AS start, max(end_time_unix_nano) AS end, count() AS span_count,
        countIf(status_code = 2) AS error_count,
        argMinIf(name, start_time_unix_nano, parent_span_id = '') AS root_name,
        argMinIf(service_name, start_time_unix_nano, parent_span_id = '') AS root_service,
        arraySort(groupUniqArray(toString(service_name))) AS services
      FROM (
        SELECT trace_id, span_id, row_hash, start_time_unix_nano, end_time_unix_nano, status_code, name, parent_span_id, service_name
        FROM ${db}.spans WHERE tenant = {tenant:String} AND trace_id IN (SELECT trace_id FROM page)
        LIMIT 1 BY trace_id, span_id, row_hash
      )
      GROUP BY trace_id ORDER BY start DESC, trace_id DESC`,
    params,
  );
  const ids = summaries.map((s) => s.trace_id);
  const acts = ids.length
    ? await rows<{ trace_id: string; span_id: string; kind: string; name: string; agent_name: string; tool_name: string; data_source: string }>(
        `SELECT trace_id, span_id, kind, name, agent_name, tool_name, data_source FROM ${db}.prov_activities
         WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} LIMIT 1 BY trace_id, span_id`,
        { tenant: f.tenant, ids },
      )
    : [];
  const agents = new Map<string, Set<string>>();
  const tools = new Map<string, Set<string>>();
  for (const a of acts) {
    if (a.agent_name) add(agents, a.trace_id, a.agent_name);
    if (a.kind === 'tool' && a.tool_name) add(tools, a.trace_id, a.tool_name);
  }
  const untrusted = f.untrusted ? await untrustedTraces(ids, acts) : undefined;
  let hits: TraceSearchHit[] = summaries.map((r) => ({
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
    ...(untrusted ? { untrusted: untrusted.has(r.trace_id) } : {}),
  }));
  if (untrusted) hits = hits.filter((h) => h.untrusted);
  const partial = f.untrusted ? summaries.length === take && hits.length < f.limit : false;
  hits = hits.slice(0, f.limit);
  if (f.text && hits.length > 0) {
    const apps = await rows<{ trace_id: string; artifact_id: string }>(
      `SELECT DISTINCT trace_id, artifact_id FROM ${db}.prov_appearances
       WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} AND artifact_id IN {matched:Array(String)}`,
      { tenant: f.tenant, ids: hits.map((h) => h.traceId), matched: matched.map((m) => m.artifact_id) },
    );
    const byId = new Map(matched.map((m) => [m.artifact_id, m]));
    for (const h of hits) {
      h.matches = apps
        .filter((a) => a.trace_id === h.traceId)
        .slice(0, 5)
        .map((a) => {
          const m = byId.get(a.artifact_id)!;
          return { artifactId: m.artifact_id, kind: m.kind, snippet: snippet(m.content, f.text!) };
        });
    }
  }
  return { traces: hits, scanned: summaries.length, partial };

  async function untrustedTraces(traceIds: string[], activities: typeof acts): Promise<Set<string>> {
    const out = new Set<string>();
    if (traceIds.length === 0) return out;
    const rels = await rows<{ trace_id: string; span_id: string; relation: string; artifact_id: string; container_id: string; tool_name: string }>(
      `SELECT trace_id, span_id, relation, artifact_id, container_id, tool_name FROM ${db}.prov_relations
       WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} AND artifact_kind IN ('document', 'tool_result')
       LIMIT 1 BY trace_id, span_id, relation, artifact_id`,
      { tenant: f.tenant, ids: traceIds },
    );
    const artIds = [...new Set(rels.map((r) => r.artifact_id))];
    const arts = artIds.length
      ? await rows<{ artifact_id: string; kind: ArtifactKind; source: string; document_id: string; tool_name: string }>(
          `SELECT artifact_id, kind, source, document_id, tool_name FROM ${db}.prov_artifacts
           WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)} LIMIT 1 BY artifact_id`,
          { tenant: f.tenant, ids: artIds },
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
      for (const n of [act?.tool_name, act?.name, act?.data_source, r.tool_name]) if (n) add(producers, `${r.trace_id}/${r.artifact_id}`, n);
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
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

function snippet(content: string, text: string): string {
  const i = content.toLowerCase().indexOf(text.toLowerCase());
  if (i < 0) return content.slice(0, 160);
  const from = Math.max(0, i - 60);
  return `${from > 0 ? '…' : ''}${content.slice(from, i + text.length + 80)}${i + text.length + 80 < content.length ? '…' : ''}`;
}
