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
