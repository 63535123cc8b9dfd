// The access audit: who read, exported, changed or was refused what. Each event is an
// append-only row written through the durable path (spool → ClickHouse → ledger leaf), so the
// audit is tamper-evident like the evidence it is about. The actor always comes from the
// authenticated principal; free text (search queries, user agents) is redacted first.
import { randomBytes } from 'node:crypto';
import type { AuditRow } from '../format/audit-line.ts';
import type { Principal } from './principal.ts';

export interface AuditSink {
  /** resolves once the rows are durable */
  appendAudit(rows: AuditRow[]): Promise<void>;
  /** resolves once everything appended so far is in the store (start-up waits for its own events) */
  drained?(): Promise<void>;
}

export interface AuditEntry {
  tenant: string;
  /** the authenticated caller; absent for an anonymous attempt */
  principal?: Principal;
  /** an actor that is not a request's principal (a credential change made by the CLI) */
  actor?: { kind: string; id: string; name: string };
  action: string;
  target?: string;
  /** the trace the action was about */
  traceId?: string;
  /** every trace whose content the answer showed */
  traceIds?: string[];
  status: number;
  clientAddress?: string;
  userAgent?: string;
  detail?: string;
  /** a fixed id (e.g. a credential event's), so recording it twice gives one row */
  eventId?: string;
  /** unix ms; default now */
  at?: number;
}

const TRACE = /^[0-9a-f]{32}$/;
const MAX_TRACES = 1000;
/** Refused attempts recorded per client address and minute; the rest are counted in one event. */
const REFUSALS_PER_MINUTE = 30;

export class AuditLog {
  private readonly refusals = new Map<string, { window: number; n: number; suppressed: number; tenant: string }>();

  constructor(
    private readonly sink: AuditSink,
    private readonly redact: (tenant: string, text: string) => string,
    private readonly log: (msg: string) => void,
  ) {}

  /** Records one event; resolves once it is durable (throws when it could not be written). */
  async record(e: AuditEntry): Promise<void> {
    await this.sink.appendAudit([this.row(e)]);
  }

  /**
   * A refused attempt (401/403). Not awaited by the caller; bounded per client address so a
   * flood of bad requests cannot turn the audit into a write amplifier.
   */
  refused(e: AuditEntry): void {
    const key = e.clientAddress ?? '';
    const minute = Math.floor(Date.now() / 60_000);
    let r = this.refusals.get(key);
    if (r && r.window !== minute) {
      if (r.suppressed > 0) this.fireAndForget({ tenant: r.tenant, action: 'auth.refused.suppressed', status: 0, clientAddress: key, detail: `${r.suppressed} more refused attempt(s) in that minute` });
      r = undefined;
    }
    if (!r) {
      if (this.refusals.size > 10_000) this.refusals.clear();
      r = { window: minute, n: 0, suppressed: 0, tenant: e.tenant };
      this.refusals.set(key, r);
    }
    if (++r.n > REFUSALS_PER_MINUTE) {
      r.suppressed++;
      return;
    }
    this.fireAndForget(e);
  }

  private fireAndForget(e: AuditEntry): void {
    this.record(e).catch((err: Error) => this.log(`audit event ${e.action} could not be written: ${err.message}`));
  }

  private row(e: AuditEntry): AuditRow {
    const actor = e.actor ?? (e.principal ? { kind: e.principal.kind, id: e.principal.id, name: e.principal.name } : { kind: 'anonymous', id: '', name: '' });
    const text = (s: string | undefined, max: number): string => (s ? this.redact(e.tenant, s.slice(0, max)) : '');
    const traceId = e.traceId && TRACE.test(e.traceId) ? e.traceId : '';
    const traceIds = [...new Set([...(traceId ? [traceId] : []), ...(e.traceIds ?? []).filter((t) => TRACE.test(t))])].slice(0, MAX_TRACES);
    return {
      tenant: e.tenant,
      trace_id: traceId,
      span_id: '',
      event_id: e.eventId ?? randomBytes(16).toString('hex'),
      time_unix_nano: (BigInt(e.at ?? Date.now()) * 1_000_000n + BigInt(e.at ? 0 : process.hrtime.bigint() % 1_000_000n)).toString(),
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_name: actor.name.slice(0, 300),
      action: e.action,
      target: text(e.target, 2000),
      trace_ids: traceIds,
      status: e.status,
      client_address: (e.clientAddress ?? '').slice(0, 100),
      user_agent: text(e.userAgent, 500),
      detail: text(e.detail, 2000),
    };
  }
}
