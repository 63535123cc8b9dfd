// The setup the detection end-to-end tests share: a webhook receiver that keeps every alert,
// and a collector process with the detection policy and that webhook (signed with a fresh
// secret), its quiet period short so a trace is evaluated soon after its last span.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type CollectorProcess, startCollector } from '@causeway/testkit/collector-process.ts';
import { POLICY } from '../../fixtures/detections/stories.ts';

export interface ReceivedAlert {
  headers: IncomingMessage['headers'];
  body: string;
}

export interface DetectingCollector {
  cw: CollectorProcess;
  /** every alert the webhook received, in order */
  received: ReceivedAlert[];
  /** the webhook's signing secret */
  secret: Buffer;
  policyFile: string;
  dataDir: string;
  /** stops the collector and the webhook receiver */
  stop(): Promise<void>;
}

/** Polls `f` every 100 ms until it gives a value (not a fixed sleep: the machine may be loaded). */
export async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDetectingCollector(dir: string): Promise<DetectingCollector> {
  const policyFile = join(dir, 'policy.json');
  const secretFile = join(dir, 'webhook.secret');
  const secret = randomBytes(32);
  writeFileSync(policyFile, JSON.stringify(POLICY));
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const received: ReceivedAlert[] = [];
  const hook: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const dataDir = join(dir, 'data');
  const cw = await startCollector({
    dataDir,
    env: {
      CAUSEWAY_DETECTION_POLICY: policyFile,
      CAUSEWAY_DETECT_QUIET_MS: '1500',
      CAUSEWAY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
      CAUSEWAY_WEBHOOK_SECRET_FILE: secretFile,
    },
  });
  return {
    cw,
    received,
    secret,
    policyFile,
    dataDir,
    async stop() {
      await cw.stop();
      hook.close();
    },
  };
}
