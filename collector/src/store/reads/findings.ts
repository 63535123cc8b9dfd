// Findings of one tenant (sql/012_findings.sql): appended once per id, never updated; their
// status is the fold of their events (acknowledged, false positive, escalated, reopened).
// Like incidents, the one kind of read that also appends: findings are Causeway's own records.
import { randomBytes } from 'node:crypto';
import type { Finding, FindingEvent, FindingEventBody, FindingStatus, FindingView } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';
import type { RegistryRow } from '../../format/registry-lines.ts';
import { FINDING_EVENT_SELECT, FINDING_SELECT, type FindingEventRow, type FindingRow, chTime, findingRow } from '../../format/finding-lines.ts';

export interface FindingFilter {
  /** detected at or after, ISO */
  since?: string;
  rule?: string;
  severity?: string;
  status?: FindingStatus;
  agent?: string;
  trace?: string;
  limit: number;
}

interface EventRow {
  finding_id: string;
  event_id: string;
  at: string;
  type: string;
  actor: string;
  payload: string;
}

const isoTime = (t: string): string => `${t.replace(' ', 'T')}${t.endsWith('Z') ? '' : 'Z'}`;

/** Where Causeway's own records (findings, their events, registry versions) are written: the spool and the ledger (store/span-store.ts). */
export interface FindingSink {
  /** resolve once the rows are durable (fsynced to the spool), in ClickHouse and in the log: they are read right after */
  appendFindings(rows: FindingRow[]): Promise<void>;
  appendFindingEvents(rows: FindingEventRow[]): Promise<void>;
  appendRegistryVersions(rows: RegistryRow[]): Promise<void>;
}

export class FindingReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
    private readonly sink: FindingSink,
  ) {}

  /** Which of these finding ids are stored already. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.ch.query<{ finding_id: string }>(
      `SELECT DISTINCT finding_id FROM ${this.ch.database}.findings WHERE tenant = {tenant:String} AND finding_id IN {ids:Array(String)}`,
      { tenant: this.tenant, ids },
    );
    return new Set(rows.map((r) => r.finding_id));
  }

  /** Appends the findings not stored yet (through the spool and the ledger); returns those it wrote. */
  async appendNew(findings: Finding[]): Promise<Finding[]> {
    const unique = [...new Map(findings.map((f) => [f.id, f])).values()];
    const have = await this.existing(unique.map((f) => f.id));
    const fresh = unique.filter((f) => !have.has(f.id));
    if (fresh.length === 0) return [];
    await this.sink.appendFindings(fresh.map((f) => findingRow(this.tenant, f)));
    return fresh;
  }

  /** Appends a status event (through the spool and the ledger); resolves once it is readable. */
  async appendEvent(finding: Pick<Finding, 'id' | 'traceIds'>, body: FindingEventBody, actor: string): Promise<FindingEvent> {
    const eventId = randomBytes(8).toString('hex');
    const at = new Date().toISOString();
    const { type, ...rest } = body;
    const trace = finding.traceIds[0] ?? '';
    const row: FindingEventRow = {
      tenant: this.tenant,
      trace_id: /^[0-9a-f]{32}$/.test(trace) ? trace : '',
      span_id: '',
      finding_id: finding.id,
      event_id: eventId,
      at: chTime(at),
      type,
      actor,
      payload: JSON.stringify(rest),
    };
    await this.sink.appendFindingEvents([row]);
    return { ...rest, type, eventId, at, actor } as FindingEvent;
  }

  /** The stored rows (as written: canonical columns) of the findings on these traces, and of their events, oldest first. */
  async rowsOfTraces(traceIds: string[], limit = 10_000): Promise<{ findings: FindingRow[]; events: FindingEventRow[] }> {
    if (traceIds.length === 0) return { findings: [], events: [] };
    const db = this.ch.database;
    const findings = await this.ch.query<FindingRow>(
      `SELECT ${FINDING_SELECT} FROM ${db}.findings WHERE tenant = {tenant:String} AND trace_id IN {ids:Array(String)} AND row_hash != ''
       ORDER BY detected_at, finding_id LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      { tenant: this.tenant, ids: traceIds, limit },
    );
    if (findings.length === 0) return { findings, events: [] };
    const events = await this.ch.query<FindingEventRow>(
      `SELECT ${FINDING_EVENT_SELECT} FROM ${db}.finding_events
       WHERE tenant = {tenant:String} AND finding_id IN {fids:Array(String)} AND row_hash != ''
       ORDER BY at, event_id LIMIT 1 BY row_hash LIMIT {limit:UInt32}`,
      { tenant: this.tenant, fids: [...new Set(findings.map((f) => f.finding_id))], limit },
    );
    return { findings, events };
  }

  async get(id: string): Promise<FindingView | undefined> {
    return (await this.select(`finding_id = {id:String}`, { id }, 1))[0];
  }

  async list(f: FindingFilter): Promise<FindingView[]> {
    const where: string[] = ['1'];
    const params: Record<string, unknown> = {};
    if (f.since) {
      where.push(`detected_at >= parseDateTime64BestEffort({since:String}, 3)`);
      params.since = f.since;
    }
    if (f.rule) {
      where.push('rule_id = {rule:String}');
      params.rule = f.rule;
    }
    if (f.severity) {
      where.push('severity = {severity:String}');
      params.severity = f.severity;
    }
    if (f.agent) {
      where.push('agent_key = {agent:String}');
      params.agent = f.agent;
    }
    if (f.trace) {
      // exact: one of the finding's traceIds (the first is a column; the substring test only spares parsing bodies that cannot match)
      where.push(`(trace_id = {trace:String} OR (position(body, {trace:String}) > 0 AND has(JSONExtract(body, 'traceIds', 'Array(String)'), {trace:String})))`);
      params.trace = f.trace;
    }
    if (f.status) {
      // the status is the fold of the events (statusOf): the last status event's type decides, in the store, so a page is exact
      const lastType = `SELECT finding_id FROM ${this.ch.database}.finding_events WHERE tenant = {tenant:String} AND type IN {statusTypes:Array(String)}
        GROUP BY finding_id HAVING argMax(type, (at, event_id))`;
      params.statusTypes = Object.keys(STATUS_OF_EVENT);
      params.lastTypes = Object.keys(STATUS_OF_EVENT).filter((t) => STATUS_OF_EVENT[t] === f.status);
      // open: no status event yet, or the last one reopened it
      where.push(f.status === 'open' ? `finding_id NOT IN (${lastType} NOT IN {lastTypes:Array(String)})` : `finding_id IN (${lastType} IN {lastTypes:Array(String)})`);
    }
    return this.select(where.join(' AND '), params, f.limit);
  }

  private async select(where: string, params: Record<string, unknown>, limit: number): Promise<FindingView[]> {
    const db = this.ch.database;
    const rows = await this.ch.query<{ body: string }>(
      `SELECT body FROM ${db}.findings WHERE tenant = {tenant:String} AND ${where}
       ORDER BY detected_at DESC, finding_id LIMIT 1 BY finding_id LIMIT {limit:UInt32}`,
      { tenant: this.tenant, limit, ...params },
    );
    const findings = rows.map((r) => JSON.parse(r.body) as Finding);
    if (findings.length === 0) return [];
    const events = await this.ch.query<EventRow>(
      `SELECT finding_id, event_id, toString(at) AS at, type, actor, payload FROM ${db}.finding_events
       WHERE tenant = {tenant:String} AND finding_id IN {ids:Array(String)}
       ORDER BY finding_id, at, event_id LIMIT 1 BY finding_id, event_id`,
      { tenant: this.tenant, ids: findings.map((f) => f.id) },
    );
    const byId = new Map<string, FindingEvent[]>();
    for (const e of events) {
      const l = byId.get(e.finding_id) ?? [];
      l.push(toEvent(e));
      byId.set(e.finding_id, l);
    }
    return findings.map((f) => {
      const ev = byId.get(f.id) ?? [];
      return { ...f, status: statusOf(ev), events: ev };
    });
  }

  agentsSeen(limit = 1000): Promise<SeenAgent[]> {
    return agentsSeen(this.ch, this.tenant, limit);
  }

  /** An agent's tool calls per window (detections/baseline.ts): calls of the traces in which some activity names the agent. */
  async toolCallsPerWindow(tenant: string, service: string, agent: string, fromNs: bigint, toNs: bigint, windowNs: bigint): Promise<Map<bigint, number>> {
    if (tenant !== this.tenant) throw new Error('baseline read for another tenant');
    const db = this.ch.database;
    // the agent's traces may start up to an hour before the range (a long run)
    const rows = await this.ch.query<{ w: string; n: string }>(
      `SELECT intDiv(start_time_unix_nano, {window:UInt64}) AS w, uniqExact(trace_id, span_id) AS n
       FROM ${db}.prov_activities
       WHERE tenant = {tenant:String} AND kind = 'tool' AND service_name = {service:String}
         AND start_time_unix_nano >= {from:UInt64} AND start_time_unix_nano < {to:UInt64}
         AND trace_id IN (SELECT trace_id FROM ${db}.prov_activities
           WHERE tenant = {tenant:String} AND service_name = {service:String} AND (agent_id = {agent:String} OR agent_name = {agent:String})
             AND start_time_unix_nano >= {fromWide:UInt64} AND start_time_unix_nano < {to:UInt64})
       GROUP BY w`,
      { tenant: this.tenant, service, agent, window: windowNs.toString(), from: fromNs.toString(), to: toNs.toString(), fromWide: (fromNs > 3_600_000_000_000n ? fromNs - 3_600_000_000_000n : 0n).toString() },
    );
    return new Map(rows.map((r) => [BigInt(r.w), Number(r.n)]));
  }

  /** The stored requests of the agent's latest `limit` tool calls before `beforeNs` (detections/baseline.ts). */
  async requestsBefore(tenant: string, service: string, agent: string, beforeNs: bigint, limit: number): Promise<string[]> {
    if (tenant !== this.tenant) throw new Error('baseline read for another tenant');
    const db = this.ch.database;
    const rows = await this.ch.query<{ content: string }>(
      `SELECT content FROM ${db}.prov_artifacts
       WHERE tenant = {tenant:String} AND artifact_id IN (
         SELECT request_id FROM ${db}.prov_activities
         WHERE tenant = {tenant:String} AND kind = 'tool' AND request_id != '' AND service_name = {service:String} AND start_time_unix_nano < {before:UInt64}
           AND trace_id IN (SELECT trace_id FROM ${db}.prov_activities WHERE tenant = {tenant:String} AND service_name = {service:String}
             AND (agent_id = {agent:String} OR agent_name = {agent:String}) AND start_time_unix_nano < {before:UInt64})
         ORDER BY start_time_unix_nano DESC LIMIT {limit:UInt32})
       LIMIT 1 BY artifact_id`,
      { tenant: this.tenant, service, agent, before: beforeNs.toString(), limit },
    );
    return rows.map((r) => r.content);
  }

  /** Traces with activities that started at or after `sinceNs` (unix ns), oldest first: what `causeway detect --since` evaluates. */
  async tracesSince(sinceNs: bigint, limit: number): Promise<string[]> {
    const rows = await this.ch.query<{ trace_id: string }>(
      `SELECT trace_id FROM ${this.ch.database}.prov_activities WHERE tenant = {tenant:String} AND start_time_unix_nano >= {since:UInt64}
       GROUP BY trace_id ORDER BY min(start_time_unix_nano), trace_id LIMIT {limit:UInt32}`,
      { tenant: this.tenant, since: sinceNs.toString(), limit },
    );
    return rows.map((r) => r.trace_id);
  }
}

function toEvent(r: EventRow): FindingEvent {
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(r.payload) as Record<string, unknown>;
  } catch {
    // a row written by something else: keep the event without its body
  }
  return { ...payload, type: r.type, eventId: r.event_id, at: isoTime(r.at), actor: r.actor } as FindingEvent;
}

/** The status each kind of event sets; other events leave it as it was. */
const STATUS_OF_EVENT: Record<string, FindingStatus> = {
  acknowledged: 'acknowledged',
  false_positive: 'false_positive',
  escalated: 'escalated',
  reopened: 'open',
  resolved: 'resolved',
  resolved_by_approval: 'resolved',
};

/** The status after these events, in order. */
export function statusOf(events: FindingEvent[]): FindingStatus {
  let s: FindingStatus = 'open';
  for (const e of events) s = STATUS_OF_EVENT[e.type] ?? s;
  return s;
}

export interface SeenAgent {
  service: string;
  id: string;
  name: string;
  activities: number;
  firstSeen: string;
  lastSeen: string;
  /** the ingest credentials that sent spans naming the agent, and how many each ('' id: stored before credentials) */
  credentials: { id: string; name: string; spans: number }[];
}

/** Agents seen in traces (an agent id or name on some activity), most active first, with the credentials that sent them. */
export async function agentsSeen(ch: ClickHouse, tenant: string, limit = 1000): Promise<SeenAgent[]> {
  const rows = await ch.query<{ service_name: string; agent_id: string; agent_name: string; n: string; first: string; last: string }>(
    `SELECT service_name, agent_id, agent_name, count() AS n, toString(min(start_time)) AS first, toString(max(start_time)) AS last
     FROM ${ch.database}.prov_activities WHERE tenant = {tenant:String} AND (agent_id != '' OR agent_name != '')
     GROUP BY service_name, agent_id, agent_name ORDER BY n DESC LIMIT {limit:UInt32}`,
    { tenant, limit },
  );
  const creds = await ch.query<{ service_name: string; agent_id: string; agent_name: string; credential_id: string; credential_name: string; n: string }>(
    `SELECT a.service_name AS service_name, a.agent_id AS agent_id, a.agent_name AS agent_name, s.credential_id AS credential_id, any(s.credential_name) AS credential_name, count() AS n
     FROM (SELECT trace_id, span_id, service_name, agent_id, agent_name FROM ${ch.database}.prov_activities
           WHERE tenant = {tenant:String} AND (agent_id != '' OR agent_name != '') LIMIT 1 BY trace_id, span_id) AS a
     INNER JOIN (SELECT DISTINCT trace_id, span_id, credential_id, credential_name FROM ${ch.database}.spans
           WHERE tenant = {tenant:String} AND (trace_id, span_id) IN (SELECT trace_id, span_id FROM ${ch.database}.prov_activities
             WHERE tenant = {tenant:String} AND (agent_id != '' OR agent_name != ''))) AS s
     ON a.trace_id = s.trace_id AND a.span_id = s.span_id
     GROUP BY service_name, agent_id, agent_name, credential_id ORDER BY n DESC LIMIT {limit:UInt32}`,
    { tenant, limit: limit * 20 },
  );
  const byAgent = new Map<string, SeenAgent['credentials']>();
  for (const c of creds) {
    const k = `${c.service_name}\u0000${c.agent_id}\u0000${c.agent_name}`;
    byAgent.set(k, [...(byAgent.get(k) ?? []), { id: c.credential_id, name: c.credential_name, spans: Number(c.n) }]);
  }
  return rows.map((r) => ({
    service: r.service_name,
    id: r.agent_id,
    name: r.agent_name,
    activities: Number(r.n),
    firstSeen: isoTime(r.first),
    lastSeen: isoTime(r.last),
    credentials: byAgent.get(`${r.service_name}\u0000${r.agent_id}\u0000${r.agent_name}`) ?? [],
  }));
}
