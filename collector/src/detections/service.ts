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
import { type DetectionPolicy, loadPolicy } from './policy.ts';
import { Webhook } from './webhook.ts';

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
  registry: Registry;
  monitor: DetectionMonitor;
  webhook?: Webhook;
  evaluator(tenant: string): Evaluator;
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
  const registry = new Registry(policy.agents);
  const evaluators = new Map<string, Evaluator>();
  const evaluator = (tenant: string): Evaluator => {
    let e = evaluators.get(tenant);
    if (!e) {
      const reads = o.readsFor(tenant);
      evaluators.set(tenant, (e = new Evaluator(reads.provenance, tenant, policy, o.trustRules, registry, reads.findings)));
    }
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
    evaluate: (tenant, trace) => evaluator(tenant).evaluate(trace),
    record: (tenant, findings) => o.readsFor(tenant).findings.appendNew(findings),
    progress: o.progress,
    notify: webhook ? (_tenant, findings) => webhook.send(findings) : undefined,
    quietMs: o.config?.quietMs ?? DEFAULT_QUIET_MS,
    log: o.log,
  });
  if (o.config?.enabled !== false) monitor.start();
  return {
    policy,
    registry,
    monitor,
    ...(webhook ? { webhook } : {}),
    evaluator,
    async stop() {
      await monitor.stop();
      await webhook?.idle();
    },
  };
}
