import type { StoredCall, StoredMassAction } from '@causeway/schemas';

// What the anomaly rules read beyond one trace: an agent's tool calls counted per time window,
// store-wide. The store's reads meet this interface structurally (store/reads/findings.ts).
export interface BaselineReader {
  /**
   * Tool calls of the agent (`agent` = its gen_ai.agent.id or name, on any activity of the call's
   * trace) in `service`, per window of `windowNs` starting at multiples of it, for windows in
   * [fromNs, toNs); windows without calls are absent. Keys: window index (start / windowNs).
   */
  toolCallsPerWindow(tenant: string, service: string, agent: string, fromNs: bigint, toNs: bigint, windowNs: bigint): Promise<Map<bigint, number>>;
  /** The stored requests (redacted canonical content) of the agent's latest `limit` tool calls that started before `beforeNs`. */
  requestsBefore(tenant: string, service: string, agent: string, beforeNs: bigint, limit: number): Promise<string[]>;
}

/** Median and median absolute deviation. */
export function medianMad(xs: number[]): { median: number; mad: number } {
  const s = [...xs].sort((a, b) => a - b);
  const med = (v: number[]): number => (v.length === 0 ? 0 : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2);
  const median = med(s);
  return { median, mad: med(s.map((x) => Math.abs(x - median)).sort((a, b) => a - b)) };
}

/** What R7 reads beyond one trace: the agent's calls of one tool across its traces, and the mass actions already raised on them. */
export interface AgentActionReader {
  /**
   * Calls of `tool` in `service` that started in [fromNs, toNs), in the traces in which some
   * activity names the agent (its gen_ai.agent.id or name), except calls whose own span names
   * another agent; oldest first, at most `limit`.
   */
  toolCalls(tenant: string, service: string, agent: string, tool: string, fromNs: bigint, toNs: bigint, limit: number): Promise<StoredCall[]>;
  /** Stored R7 findings of the agent (its key) about `tool` whose first call started in [fromNs, toNs), newest first, at most `limit`. */
  massActions(tenant: string, agentKey: string, tool: string, fromNs: bigint, toNs: bigint, limit: number): Promise<StoredMassAction[]>;
}
