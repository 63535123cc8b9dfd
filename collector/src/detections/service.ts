// Detections as the collector runs them: the policy and registry loaded once (a bad file stops
// start-up), one evaluator per tenant over that tenant's provenance reads, the monitor that
// evaluates traces as they go quiet, and the webhook. Built in server.ts; the CLI's `detect`
// uses the same evaluator over history.
import { readOrCreateSecretFile } from '../secret-file.ts';
import type { TrustRule } from '../provenance/trust.ts';
import type { Reads } from '../store/reads/index.ts';
import { Registry } from './agents.ts';
import { Evaluator } from './evaluate.ts';
import { DetectionMonitor } from './monitor.ts';
import { TenantRegistries } from './registry-versions.ts';
import { type DetectionPolicy, loadPolicy } from './policy.ts';
import { Webhook } from './webhook.ts';
import { reviseByApprovals } from './revise.ts';

export interface DetectionConfig {
  enabled?: boolean;
  policy?: string;
  quietMs?: number;
  webhookUrl?: string;
  webhookSecretFile?: string;
}

export const DEFAULT_QUIET_MS = 5000;

export interface Detections {
  policy: DetectionPolicy;
  /** per tenant: the policy file's agents overlaid by the versions written through the API */
  registries: TenantRegistries;
  monitor: DetectionMonitor;
  webhook?: Webhook;
  /** the tenant's evaluator, against its registry as it is now */
  evaluator(tenant: string): Promise<Evaluator>;
  stop(): Promise<void>;
}

export function startDetections(o: {
  config: DetectionConfig | undefined;
  readsFor(tenant: string): Reads;
  progress(): { inserted: number; pending: number };
  trustRules: TrustRule[];
  log: (msg: string) => void;
}): Detections {
  const policy = loadPolicy(o.config?.policy);
  const registries = new TenantRegistries(policy.agents, o.readsFor);
  const evaluators = new Map<string, Evaluator>();
  const evaluator = (tenant: string): Evaluator => {
    let e = evaluators.get(tenant);
    if (!e) {
      const reads = o.readsFor(tenant);
      evaluators.set(tenant, (e = new Evaluator(reads.provenance, tenant, policy, o.trustRules, new Registry(policy.agents), reads.findings, (_t, spans) => reads.traces.submitters(spans), reads.agentActions)));
    }
    return e;
  };
  // each evaluation against the tenant's registry as it is now
  const current = async (tenant: string): Promise<Evaluator> => {
    const e = evaluator(tenant);
    e.registry = await registries.of(tenant);
    return e;
  };
  let webhook: Webhook | undefined;
  if (o.config?.webhookUrl) {
    // the secret is shared with the receiver: made by the operator, never created here
    const secret = readOrCreateSecretFile(o.config.webhookSecretFile!, 'webhook secret file', () => {
      throw new Error(`webhook secret file ${o.config!.webhookSecretFile} does not exist`);
    });
    if (secret.length < 16) throw new Error('the webhook secret file must hold at least 16 bytes');
    webhook = new Webhook({ url: o.config.webhookUrl, secret, log: o.log });
  }
  const monitor = new DetectionMonitor({
    evaluate: async (tenant, trace) => (await current(tenant)).evaluateTrace(trace),
    record: (tenant, findings) => o.readsFor(tenant).findings.appendNew(findings),
    revise: (tenant, trace, approved) => reviseByApprovals(o.readsFor(tenant).findings, trace, approved),
    progress: o.progress,
    notify: webhook ? (_tenant, findings) => webhook.send(findings) : undefined,
    notifyRevised: webhook ? (_tenant, findings) => webhook.sendRevised(findings) : undefined,
    quietMs: o.config?.quietMs ?? DEFAULT_QUIET_MS,
    log: o.log,
  });
  if (o.config?.enabled !== false) monitor.start();
  return {
    policy,
    registries,
    monitor,
    ...(webhook ? { webhook } : {}),
    evaluator: current,
    async stop() {
      await monitor.stop();
      await webhook?.idle();
    },
  };
}
