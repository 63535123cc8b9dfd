// What an agent did beyond one trace, for rule R7: its calls of one tool across its traces in a
// time range, with their stored requests, and the mass-action findings already raised on them.
// Both reads are bounded by a time range and a limit. Meets detections/baseline.ts's
// AgentActionReader structurally (the store does not import the detections).
import type { StoredCall, StoredMassAction } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';

/** Longest request text read per call: enough for the impact of an SQL statement and the evidence. */
const MAX_REQUEST_CHARS = 65_536;

export class AgentActionReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  async toolCalls(tenant: string, service: string, agent: string, tool: string, fromNs: bigint, toNs: bigint, limit: number): Promise<StoredCall[]> {
    if (tenant !== this.tenant) throw new Error('agent actions read for another tenant');
    const db = this.ch.database;
    // the tool's calls in the range (the tool_name set index skips the rest), then which of their
    // traces name the agent: by trace id, the table's key, instead of a second scan of the range
    const rows = await this.ch.query<{ trace_id: string; span_id: string; start: string; request_id: string }>(
      `SELECT trace_id, span_id, toString(start_time_unix_nano) AS start, request_id
       FROM ${db}.prov_activities
       WHERE tenant = {tenant:String} AND kind = 'tool' AND tool_name = {tool:String} AND service_name = {service:String}
         AND start_time_unix_nano >= {from:UInt64} AND start_time_unix_nano < {to:UInt64}
         AND ((agent_id = '' AND agent_name = '') OR agent_id = {agent:String} OR agent_name = {agent:String})
       ORDER BY start_time_unix_nano, trace_id, span_id LIMIT 1 BY trace_id, span_id LIMIT {limit:UInt32}`,
      { tenant, service, agent, tool, from: fromNs.toString(), to: toNs.toString(), limit },
    );
    if (rows.length === 0) return [];
    const named = new Set(
      (
        await this.ch.query<{ trace_id: string }>(
          `SELECT DISTINCT trace_id FROM ${db}.prov_activities
           WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)} AND service_name = {service:String} AND (agent_id = {agent:String} OR agent_name = {agent:String})`,
          { tenant, service, agent, traces: [...new Set(rows.map((r) => r.trace_id))] },
        )
      ).map((r) => r.trace_id),
    );
    const calls = rows.filter((r) => named.has(r.trace_id));
    const ids = [...new Set(calls.map((c) => c.request_id).filter(Boolean))];
    const content = new Map<string, string>();
    if (ids.length > 0) {
      const arts = await this.ch.query<{ artifact_id: string; content: string }>(
        `SELECT artifact_id, substring(content, 1, {max:UInt32}) AS content FROM ${db}.prov_artifacts
         WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)} ORDER BY artifact_id, ingested_at LIMIT 1 BY artifact_id`,
        { tenant, ids, max: MAX_REQUEST_CHARS },
      );
      for (const r of arts) content.set(r.artifact_id, r.content);
    }
    return calls.map((c) => ({ traceId: c.trace_id, spanId: c.span_id, startNs: c.start, requestId: c.request_id, request: content.get(c.request_id) ?? '' }));
  }

  async massActions(tenant: string, agentKey: string, tool: string, fromNs: bigint, toNs: bigint, limit: number): Promise<StoredMassAction[]> {
    if (tenant !== this.tenant) throw new Error('agent actions read for another tenant');
    const rows = await this.ch.query<{ finding_id: string; first: string; last: string; occurred_ms: string }>(
      `SELECT finding_id, any(JSONExtractString(body, 'evidence', 'detail', 'firstCallNs')) AS first,
              any(JSONExtractString(body, 'evidence', 'detail', 'lastCallNs')) AS last,
              toString(toUnixTimestamp64Milli(any(occurred_at))) AS occurred_ms
       FROM ${this.ch.database}.findings
       WHERE tenant = {tenant:String} AND rule_id = 'R7' AND agent_key = {agentKey:String}
         AND toUnixTimestamp64Milli(occurred_at) >= {fromMs:Int64} AND toUnixTimestamp64Milli(occurred_at) < {toMs:Int64}
         AND JSONExtractString(body, 'evidence', 'detail', 'tool') = {tool:String}
       GROUP BY finding_id ORDER BY max(occurred_at) DESC, finding_id LIMIT {limit:UInt32}`,
      // occurred_at is the first call's start in ms: the range widened to whole ms, then exact below
      { tenant, agentKey, tool, fromMs: (fromNs / 1_000_000n).toString(), toMs: (toNs / 1_000_000n + 1n).toString(), limit },
    );
    const out: StoredMassAction[] = [];
    for (const r of rows) {
      // findings stored before R7 recorded its calls' times: the occurrence (ms) is the first call
      const first = /^\d+$/.test(r.first) ? BigInt(r.first) : BigInt(r.occurred_ms) * 1_000_000n;
      if (first < fromNs || first >= toNs) continue;
      out.push({ id: r.finding_id, firstNs: first, ...(/^\d+$/.test(r.last) ? { lastNs: BigInt(r.last) } : {}) });
    }
    return out;
  }
}
