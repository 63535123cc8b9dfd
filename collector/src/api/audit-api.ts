// GET /api/audit (compliance, admin): the tenant's access audit, newest first.
//   since, until (unix ns or ISO 8601), action (e.g. trace.read, or a prefix: auth), actor (id),
//   trace (events about that trace), limit (1–1000, default 100), cursor (nextCursor)
import type { AuditEvent, AuditListResponse } from '@causeway/schemas';
import { HttpError } from './params.ts';
import { Hono } from 'hono';
import type { AuditRow } from '../format/audit-line.ts';
import type { AuditFilter } from '../store/reads/audit.ts';
import type { ApiEnv } from './scope.ts';

/** `settle`: lets events written a moment ago reach the table first (bounded), so a reader sees its own reads. */
export function auditApi(settle: () => Promise<void> = async () => {}): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const f: AuditFilter = { limit: 100 };
    try {
      if (q.limit !== undefined) {
        const n = Number(q.limit);
        if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('limit must be an integer from 1 to 1000');
        f.limit = n;
      }
      if (q.since) f.sinceNs = timeNs(q.since, 'since');
      if (q.until) f.untilNs = timeNs(q.until, 'until');
      if (q.action) f.action = q.action.slice(0, 100);
      if (q.actor) f.actorId = q.actor.slice(0, 300);
      if (q.trace) {
        if (!/^[0-9a-f]{32}$/.test(q.trace)) throw new Error('trace must be 32 lower-case hex characters');
        f.traceId = q.trace;
      }
      if (q.cursor) {
        const [timeNsPart, eventId] = Buffer.from(q.cursor, 'base64url').toString().split(':');
        if (!timeNsPart || !/^\d{1,20}$/.test(timeNsPart) || !eventId || !/^[0-9a-f]{32}$/.test(eventId)) throw new Error('cursor is not one this API returned');
        f.cursor = { timeNs: timeNsPart, eventId };
      }
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    await Promise.race([settle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    const rows = await c.var.reads.audit.list({ ...f, limit: f.limit + 1 });
    const page = rows.slice(0, f.limit);
    const body: AuditListResponse = { events: page.map(toEvent) };
    const last = page.at(-1);
    if (rows.length > f.limit && last) body.nextCursor = Buffer.from(`${last.time_unix_nano}:${last.event_id}`).toString('base64url');
    return c.json(body);
  });
  return app;
}

export function toEvent(r: AuditRow): AuditEvent {
  const ns = BigInt(r.time_unix_nano);
  return {
    eventId: r.event_id,
    at: new Date(Number(ns / 1_000_000n)).toISOString(),
    tenant: r.tenant,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    target: r.target,
    traceIds: r.trace_ids,
    status: Number(r.status),
    clientAddress: r.client_address,
    userAgent: r.user_agent,
    detail: r.detail,
  };
}

function timeNs(v: string, name: string): string {
  if (/^\d{1,19}$/.test(v)) return BigInt(v).toString();
  const ms = Date.parse(v);
  if (Number.isNaN(ms) || ms < 0) throw new Error(`${name} must be unix nanoseconds or an ISO 8601 time after 1970`);
  return (BigInt(ms) * 1_000_000n).toString();
}
