// R7: mass action. One agent runs one destructive tool on at least `minResources` (5) distinct
// resources (distinct stored requests: the tool's canonical arguments) within `windowSeconds`
// (300), in one trace or across many (an agent that runs one trace per ticket). For each
// destructive tool of the trace's agents, the agent's calls of that tool within a window either
// side are read from the store; qualifying windows (≥ minResources distinct in windowSeconds)
// chained by gaps of at most windowSeconds are one burst, and each burst this trace takes part
// in is one finding. Its id is stable however the traces arrive: a burst that continues a stored
// R7 finding (within windowSeconds of its calls) is that finding (`sameAs`); else its key is
// agent + tool + the window-sized bucket of its first call, so evaluations that see the same
// burst name it alike, and a re-run over history finds the stored one.
import { resourcesOf } from '../resources.ts';
import { type ToolCall, impactOf } from '../trace-facts.ts';
import type { FindingDraft, Rule, RuleContext } from './types.ts';

/** Calls of one tool read around a trace's calls, at most: beyond, the burst is plain anyway. */
const MAX_CALLS_READ = 5_000;
const MAX_EVIDENCE_NODES = 200;
const MAX_EVIDENCE_TRACES = 200;
/** How far back a stored finding this burst continues may have started (a burst running longer is raised again). */
const CONTINUES_LOOKBACK_NS = 86_400_000_000_000n;

interface Call {
  node: string;
  traceId: string;
  startNs: bigint;
  /** what makes two calls touch the same resource: the stored request's id (tool and canonical arguments) */
  resource: string;
  request: string;
}

export const massAction: Rule = async (ctx) => {
  const s = ctx.policy.rules.R7;
  const min = s.minResources ?? 5;
  const windowNs = BigInt(s.windowSeconds ?? 300) * 1_000_000_000n;
  const groups = new Map<string, ToolCall[]>();
  for (const c of ctx.facts.calls) {
    if (c.impact !== 'destructive') continue;
    const k = `${c.agent.key}\u0000${c.tool}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const out = new Map<string, FindingDraft>();
  for (const own of groups.values()) {
    const first = own[0]!;
    const calls = [...(await storedCalls(ctx, own, windowNs)), ...own.map(fromTrace)];
    calls.sort((x, y) => (x.startNs < y.startNs ? -1 : x.startNs > y.startNs ? 1 : x.node < y.node ? -1 : x.node > y.node ? 1 : 0));
    const ownNodes = new Set(own.map((c) => c.node));
    for (const burst of bursts(calls, windowNs, min)) {
      if (!burst.some((c) => ownNodes.has(c.node))) continue; // another trace's burst: raised when that trace is evaluated
      const d = await draft(ctx, first, burst, windowNs);
      out.set(d.sameAs ?? d.key, d);
    }
  }
  return [...out.values()];
};

const fromTrace = (c: ToolCall): Call => ({ node: c.node, traceId: c.act.trace_id, startNs: BigInt(c.act.start_time_unix_nano), resource: c.act.request_id || c.args, request: c.args });

/** The agent's destructive calls of the group's tool in other traces, a window either side of the group's calls. */
async function storedCalls(ctx: RuleContext, own: ToolCall[], windowNs: bigint): Promise<Call[]> {
  const a = own[0]!.agent;
  if (!ctx.actions || (!a.id && !a.name)) return []; // an agent without a name is only known within its trace
  const starts = own.map((c) => BigInt(c.act.start_time_unix_nano));
  const lo = starts.reduce((m, x) => (x < m ? x : m));
  const hi = starts.reduce((m, x) => (x > m ? x : m));
  const tool = own[0]!.tool;
  const rows = await ctx.actions.toolCalls(ctx.tenant, a.service, a.id || a.name, tool, lo > windowNs ? lo - windowNs : 0n, hi + windowNs + 1n, MAX_CALLS_READ);
  const out: Call[] = [];
  for (const r of rows) {
    if (r.traceId === ctx.facts.traceId) continue; // this trace's own calls come from its facts, with their exact agent
    // the same class as a call in the trace would get (an SQL tool: by its statement)
    if (impactOf(tool, ctx.policy, ctx.registry, a, r.request) !== 'destructive') continue;
    out.push({ node: `act:${r.traceId}/${r.spanId}`, traceId: r.traceId, startNs: BigInt(r.startNs), resource: r.requestId || r.request, request: r.request });
  }
  return out;
}

/**
 * The bursts among calls sorted by start: windows of `windowNs` ending at each call that hold
 * at least `min` distinct resources, chained while the gap between one and the next is at most
 * `windowNs`. Linear in the calls (a sliding window).
 */
export function bursts(calls: Call[], windowNs: bigint, min: number): Call[][] {
  const inWin = new Map<string, number>();
  const spans: { lo: number; hi: number }[] = [];
  let lo = 0;
  for (let hi = 0; hi < calls.length; hi++) {
    inWin.set(calls[hi]!.resource, (inWin.get(calls[hi]!.resource) ?? 0) + 1);
    while (calls[hi]!.startNs - calls[lo]!.startNs > windowNs) {
      const k = calls[lo]!.resource;
      const n = inWin.get(k)! - 1;
      if (n === 0) inWin.delete(k);
      else inWin.set(k, n);
      lo++;
    }
    if (inWin.size < min) continue;
    const cur = spans.at(-1);
    if (cur && (lo <= cur.hi || calls[lo]!.startNs - calls[cur.hi]!.startNs <= windowNs)) cur.hi = hi;
    else spans.push({ lo, hi });
  }
  return spans.map((s) => calls.slice(s.lo, s.hi + 1));
}

async function draft(ctx: RuleContext, call: ToolCall, burst: Call[], windowNs: bigint): Promise<FindingDraft> {
  const a = call.agent;
  const first = burst[0]!;
  const last = burst.at(-1)!;
  const distinct = new Set(burst.map((c) => c.resource)).size;
  const traces = [...new Set(burst.map((c) => c.traceId))];
  let sameAs: string | undefined;
  if (ctx.actions) {
    // a stored finding whose calls this burst continues (more calls arrived, or a re-run): that finding
    const stored = await ctx.actions.massActions(ctx.tenant, a.key, call.tool, first.startNs > CONTINUES_LOOKBACK_NS ? first.startNs - CONTINUES_LOOKBACK_NS : 0n, last.startNs + windowNs + 1n, 100);
    const continued = stored.filter((f) => f.firstNs <= last.startNs + windowNs && (f.lastNs ?? f.firstNs + windowNs) + windowNs >= first.startNs);
    sameAs = continued.sort((x, y) => (x.firstNs < y.firstNs ? -1 : x.firstNs > y.firstNs ? 1 : x.id < y.id ? -1 : 1))[0]?.id;
  }
  const seconds = Number((last.startNs - first.startNs) / 1_000_000n) / 1000;
  return {
    rule: 'R7',
    key: `${a.key}/${call.tool}/${(first.startNs / windowNs) * windowNs}`,
    ...(sameAs ? { sameAs } : {}),
    title: `${call.tool} run on ${distinct} different resources ${traces.length > 1 ? `across ${traces.length} traces ` : ''}in ${seconds} s (window ${windowNs / 1_000_000_000n} s)`,
    agent: a,
    traceIds: traces.slice(0, MAX_EVIDENCE_TRACES),
    evidence: {
      seed: first.node,
      nodes: burst.slice(0, MAX_EVIDENCE_NODES).map((c) => c.node),
      taintPaths: [],
      approvals: [],
      detail: {
        tool: call.tool,
        calls: burst.length,
        distinctResources: distinct,
        traces: traces.length,
        windowSeconds: Number(windowNs / 1_000_000_000n),
        firstCallNs: first.startNs.toString(),
        lastCallNs: last.startNs.toString(),
        arguments: [...new Set(burst.map((c) => c.request))].slice(0, 50).map((x) => x.slice(0, 300)),
        resources: [...new Set(burst.flatMap((c) => resourcesOf(c.request)))].slice(0, 50),
      },
    },
    occurredAtNs: first.startNs.toString(),
  };
}
