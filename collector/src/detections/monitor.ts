// Continuous evaluation as spans arrive. A pipeline processor that passes batches through
// untouched and, once a batch is durable, notes the traces it touched. A trace is evaluated when
// it has been quiet for `quietMs` and the writer has inserted everything queued up to its last
// batch (so the rules read complete evidence); a span that arrives later makes the trace due
// again, and finding ids (hash of rule and evidence key) keep the second evaluation from
// raising anything twice. Memory is bounded: past `maxPending` traces the oldest are evaluated early.
import type { Finding, FindingView } from '@causeway/schemas';
import { type IngestBatch, type Processor, traceIdsOf } from '../consumer.ts';
import type { ApprovedCall } from './revise.ts';

export interface MonitorDeps {
  /** the trace's findings, and the calls an approval now lets through */
  evaluate(tenant: string, traceId: string): Promise<{ findings: Finding[]; approvedCalls: ApprovedCall[] }>;
  /** status events for stored findings a late approval answers; returns those findings, revised */
  revise?(tenant: string, traceId: string, approved: ApprovedCall[]): Promise<FindingView[]>;
  /** stores the findings not stored yet, returns those */
  record(tenant: string, findings: Finding[]): Promise<Finding[]>;
  /** rows inserted so far, and rows still queued */
  progress(): { inserted: number; pending: number };
  notify?(tenant: string, findings: Finding[]): void;
  /** findings Causeway resolved (a late approval): sent as their Close */
  notifyRevised?(tenant: string, findings: FindingView[]): void;
  quietMs: number;
  maxPending?: number;
  log: (msg: string) => void;
}

interface Due {
  tenant: string;
  trace: string;
  lastSeen: number;
  /** rows enqueued when its last batch was durable: evaluated once `inserted` reaches it */
  mark: number;
  attempts: number;
}

export interface MonitorStats {
  pendingTraces: number;
  evaluatedTraces: number;
  findingsRaised: number;
  /** stored findings given a `resolved_by_approval` event */
  findingsRevised: number;
  failures: number;
  lastError?: string;
}

export class DetectionMonitor implements Processor {
  readonly name = 'detections';
  private readonly due = new Map<string, Due>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** set by stop(): no trace is started after it */
  private deadline = Infinity;
  /** the trace being evaluated now */
  private current: Due | undefined;
  readonly stats: MonitorStats = { pendingTraces: 0, evaluatedTraces: 0, findingsRaised: 0, findingsRevised: 0, failures: 0 };

  constructor(private readonly d: MonitorDeps) {}

  process(batch: IngestBatch): IngestBatch {
    return batch;
  }

  committed(batch: IngestBatch): void {
    const p = this.d.progress();
    const mark = p.inserted + p.pending;
    const now = Date.now();
    const note = (tenant: string, trace: string): void => {
      if (!trace) return;
      const k = `${tenant}\u0000${trace}`;
      const was = this.due.get(k);
      if (was) this.due.delete(k); // re-inserted: Map order stays oldest-first
      this.due.set(k, { tenant, trace, lastSeen: now, mark, attempts: was?.attempts ?? 0 });
    };
    for (const trace of traceIdsOf(batch)) note(batch.tenant, trace);
    this.stats.pendingTraces = this.due.size;
  }

  start(tickMs = Math.max(100, Math.min(1000, this.d.quietMs / 2))): void {
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  /** One pass over what is due (`all`: everything, quiet or not, e.g. at shutdown). */
  tick(all = false): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass(all).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Evaluates what is still due, for at most `graceMs`: a shutdown must not wait minutes on a big
   * trace's slices. What is left is named in the log with the `detect --since` that catches it up.
   */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + graceMs;
    const graceOver = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    this.deadline = deadline;
    await Promise.race([this.running, graceOver]);
    if (this.due.size > 0 && Date.now() < deadline) await Promise.race([this.tick(true), graceOver]);
    const left = [...this.due.values(), ...(this.current ? [this.current] : [])];
    if (left.length > 0) {
      const since = new Date(left.reduce((m, e) => Math.min(m, e.lastSeen), Infinity) - 60_000).toISOString();
      this.d.log(`detections: stopped before evaluating ${left.length} trace(s); catch up with: causeway detect --since ${since}`);
    }
  }

  private async pass(all: boolean): Promise<void> {
    const now = Date.now();
    const p = this.d.progress();
    const over = Math.max(0, this.due.size - (this.d.maxPending ?? 100_000));
    const ready: Due[] = [];
    let i = 0;
    for (const e of this.due.values()) {
      const quiet = now - e.lastSeen >= this.d.quietMs;
      const stored = p.inserted >= e.mark || p.pending === 0 || now - e.lastSeen >= 60 * this.d.quietMs;
      if (all || i++ < over || (quiet && stored)) ready.push(e);
    }
    for (const e of ready) {
      if (Date.now() >= this.deadline) break; // stopping: the rest stay due (stop() names them)
      const k = `${e.tenant}\u0000${e.trace}`;
      // taken off when its evaluation starts; a span arriving meanwhile makes it due again
      if (this.due.get(k) === e) this.due.delete(k);
      this.current = e;
      try {
        const { findings: found, approvedCalls } = await this.d.evaluate(e.tenant, e.trace);
        const fresh = found.length > 0 ? await this.d.record(e.tenant, found) : [];
        const revised = approvedCalls.length > 0 && this.d.revise ? await this.d.revise(e.tenant, e.trace, approvedCalls) : [];
        this.stats.findingsRevised += revised.length;
        if (revised.length > 0) {
          this.d.log(`detections: ${revised.length} finding(s) in trace ${e.trace} resolved by an approval that arrived after them`);
          this.d.notifyRevised?.(e.tenant, revised);
        }
        this.stats.evaluatedTraces++;
        this.stats.findingsRaised += fresh.length;
        if (fresh.length > 0) {
          this.d.log(`detections: ${fresh.length} finding(s) in trace ${e.trace}: ${fresh.map((f) => `${f.ruleId} ${f.title}`).join('; ').slice(0, 500)}`);
          this.d.notify?.(e.tenant, fresh);
        }
      } catch (err) {
        this.stats.failures++;
        this.stats.lastError = (err as Error).message.slice(0, 300);
        this.d.log(`detections: trace ${e.trace} could not be evaluated (attempt ${e.attempts + 1}): ${this.stats.lastError}`);
        if (e.attempts < 3 && !this.due.has(k)) this.due.set(k, { ...e, lastSeen: Date.now(), attempts: e.attempts + 1 });
      } finally {
        this.current = undefined;
      }
    }
    this.stats.pendingTraces = this.due.size;
  }
}
