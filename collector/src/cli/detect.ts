// `causeway detect --since <time> [--limit <traces>] [--dry-run]`: evaluates the detection rules
// over the traces stored since then (after a rule or the registry changed) and appends the
// findings not stored yet; the same ids as live evaluation, so nothing is raised twice. Prints
// one line per new finding and a count per rule. Findings are written through the spool and the
// ledger, and a checkpoint is signed on close. Same configuration as `start`; on embedded
// chDB stop the collector first (chDB binds one data directory per process). No webhook alerts.
import { loadConfig } from '../config.ts';
import { Evaluator } from '../detections/evaluate.ts';
import { loadPolicy } from '../detections/policy.ts';
import { reviseByApprovals } from '../detections/revise.ts';
import { TenantRegistries } from '../detections/registry-versions.ts';
import { loadTrustRules } from '../provenance/trust.ts';
import { logKeyFor } from '../ledger/log-key.ts';
import { SpanStore } from '../store/span-store.ts';
import { timeNs } from '../api/params.ts';
import { log, parseArgs } from './args.ts';

export async function detectCommand(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const since = a.since?.[0];
  if (!since) {
    process.stderr.write('usage: causeway detect --since <ISO time | unix ns> [--limit <traces, default 100000>] [--dry-run]\n');
    return 2;
  }
  const sinceNs = BigInt(timeNs(since, '--since'));
  const limit = Number(a.limit?.[0] ?? 100_000);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a positive integer');
  const dry = 'dry-run' in a;
  const config = loadConfig();
  const policy = loadPolicy(config.detection?.policy);
  const trustRules = loadTrustRules(config.trustRules);
  // The store with its spool and ledger: new findings are evidence, leaves of the log like any row.
  const store = await SpanStore.open({ ...config.clickhouse, dataDir: config.dataDir, ...config.writer, log, logKey: logKeyFor(config) });
  try {
    const reads = store.readsFor(config.tenant);
    // the registry as the collector has it: the file's agents overlaid by the API's versions
    const registry = await new TenantRegistries(policy.agents, (t) => store.readsFor(t)).of(config.tenant);
    const evaluator = new Evaluator(reads.provenance, config.tenant, policy, trustRules, registry, reads.findings, (_t, spans) => reads.traces.submitters(spans), reads.agentActions);
    const traces = await reads.findings.tracesSince(sinceNs, limit);
    log(`evaluating ${traces.length} trace(s) since ${since}${dry ? ' (dry run: nothing stored)' : ''}`);
    let revised = 0;
    const perRule = new Map<string, { found: number; fresh: number }>();
    for (const t of traces) {
      const { findings: found, approvedCalls } = await evaluator.evaluateTrace(t);
      const fresh = dry ? found : await reads.findings.appendNew(found);
      if (!dry) revised += (await reviseByApprovals(reads.findings, t, approvedCalls)).length;
      const freshIds = new Set(fresh.map((f) => f.id));
      for (const f of found) {
        const r = perRule.get(f.ruleId) ?? { found: 0, fresh: 0 };
        r.found++;
        if (freshIds.has(f.id)) {
          r.fresh++;
          process.stdout.write(`${f.id} ${f.ruleId} ${f.severity} trace ${t}: ${f.title}\n`);
        }
        perRule.set(f.ruleId, r);
      }
    }
    for (const [rule, r] of [...perRule].sort()) process.stdout.write(`${rule}: ${r.found} found, ${r.fresh} new\n`);
    process.stdout.write(`${traces.length} trace(s) evaluated, ${revised} finding(s) resolved by a later approval\n`);
    return 0;
  } finally {
    await store.close();
  }
}
