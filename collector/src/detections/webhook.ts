// Alerts to a webhook: each new finding as an OCSF Detection Finding, POSTed as JSON with an
// HMAC-SHA256 signature over `<timestamp>.<body>` (X-Causeway-Timestamp, X-Causeway-Signature:
// `sha256=<hex>`), so the receiver checks who sent it and refuses replays. Delivery is retried
// (3 attempts, backoff) from a bounded queue; a full queue drops the oldest alert, loudly (the
// finding itself is stored either way: GET /api/findings).
import { createHmac } from 'node:crypto';
import type { Finding, FindingView } from '@causeway/schemas';
import { type FindingUpdate, ocsfDetectionFinding } from './ocsf.ts';

export interface WebhookOptions {
  url: string;
  secret: Buffer;
  log: (msg: string) => void;
  maxQueue?: number;
  timeoutMs?: number;
}

export function signature(secret: Buffer, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class Webhook {
  private readonly queue: { finding: Finding; update?: FindingUpdate }[] = [];
  private sending: Promise<void> | undefined;
  delivered = 0;
  failed = 0;

  constructor(private readonly o: WebhookOptions) {}

  send(findings: Finding[]): void {
    this.enqueue(findings.map((finding) => ({ finding })));
  }

  /** Findings Causeway resolved (an approval that arrived after them): each sent as its Close, with the resolving event. */
  sendRevised(findings: FindingView[]): void {
    this.enqueue(
      findings.flatMap((f) => {
        const event = f.events.at(-1);
        if (!event || f.status !== 'resolved') return [];
        const { status: _s, events: _e, ...finding } = f;
        return [{ finding, update: { event, status: 'resolved' as const } }];
      }),
    );
  }

  private enqueue(items: { finding: Finding; update?: FindingUpdate }[]): void {
    for (const item of items) {
      if (this.queue.length >= (this.o.maxQueue ?? 1000)) {
        const dropped = this.queue.shift()!;
        this.o.log(`webhook: queue full, alert for finding ${dropped.finding.id} dropped (the finding is stored)`);
      }
      this.queue.push(item);
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const { finding: f, update } = this.queue.shift()!;
      const body = JSON.stringify(ocsfDetectionFinding(f, undefined, update));
      let ok = false;
      for (let attempt = 0; attempt < 3 && !ok; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        const ts = String(Math.floor(Date.now() / 1000));
        try {
          const res = await fetch(this.o.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-causeway-timestamp': ts, 'x-causeway-signature': signature(this.o.secret, ts, body) },
            body,
            signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
          });
          ok = res.ok;
          await res.body?.cancel();
          if (!ok) this.o.log(`webhook: finding ${f.id} answered ${res.status}`);
        } catch (e) {
          this.o.log(`webhook: finding ${f.id} not delivered: ${(e as Error).message}`);
        }
      }
      if (ok) this.delivered++;
      else this.failed++;
    }
  }
}
