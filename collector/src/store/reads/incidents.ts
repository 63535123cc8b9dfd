// Incidents of one tenant, as append-only events (sql/008_incidents.sql): every change is a new
// row; the current state is the fold of an incident's events in time order. Nothing is updated
// or deleted. (The one reader that also appends: an incident is the analyst's own record.)
import { randomBytes } from 'node:crypto';
import type { Incident, IncidentEvent, IncidentEventBody, IncidentSummary } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';

interface EventRow {
  incident_id: string;
  event_id: string;
  at: string;
  type: string;
  actor: string;
  payload: string;
}

export const newIncidentId = (): string => randomBytes(8).toString('hex');

export class IncidentReads {
  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
  ) {}

  async append(incidentId: string, body: IncidentEventBody, actor: string): Promise<IncidentEvent> {
    const eventId = randomBytes(8).toString('hex');
    // The time is set here, not by the DEFAULT, so the event we answer with is the one stored.
    const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const { type, ...rest } = body;
    const row = { tenant: this.tenant, incident_id: incidentId, event_id: eventId, at, type, actor, payload: JSON.stringify(rest) };
    await this.ch.insertJsonEachRow('incident_events', [Buffer.from(`${JSON.stringify(row)}\n`)], {});
    return toEvent({ incident_id: incidentId, event_id: eventId, at, type, actor, payload: row.payload });
  }

  async get(incidentId: string): Promise<Incident | undefined> {
    const rows = await this.rows(`incident_id = {id:String}`, { id: incidentId });
    return fold(rows.map(toEvent), incidentId);
  }

  async list(limit = 500): Promise<IncidentSummary[]> {
    // Newest incidents first; each folded from all its events.
    const rows = await this.rows(
      `incident_id IN (SELECT incident_id FROM ${this.ch.database}.incident_events WHERE tenant = {tenant:String}
         GROUP BY incident_id ORDER BY min(at) DESC, incident_id LIMIT {limit:UInt32})`,
      { limit },
    );
    const byId = new Map<string, IncidentEvent[]>();
    for (const r of rows) {
      const l = byId.get(r.incident_id) ?? [];
      l.push(toEvent(r));
      byId.set(r.incident_id, l);
    }
    const out: IncidentSummary[] = [];
    for (const [id, events] of byId) {
      const i = fold(events, id);
      if (i) out.push({ id, title: i.title, status: i.status, seeds: i.seeds.length, traceIds: i.traceIds, view: i.view, createdAt: i.createdAt, updatedAt: i.updatedAt });
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id.localeCompare(b.id)));
  }

  private async rows(where: string, params: Record<string, unknown>): Promise<EventRow[]> {
    return this.ch.query<EventRow>(
      `SELECT incident_id, event_id, toString(at) AS at, type, actor, payload FROM ${this.ch.database}.incident_events
       WHERE tenant = {tenant:String} AND ${where}
       ORDER BY incident_id, at, event_id LIMIT 1 BY incident_id, event_id`,
      { tenant: this.tenant, ...params },
    );
  }
}

function toEvent(r: EventRow): IncidentEvent {
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(r.payload) as Record<string, unknown>;
  } catch {
    // a row written by something else: keep the event, without its body
  }
  return { ...payload, type: r.type, eventId: r.event_id, at: r.at.replace(' ', 'T') + (r.at.endsWith('Z') ? '' : 'Z'), actor: r.actor } as IncidentEvent;
}

/** The current state of an incident: its events applied in order (undefined without a `created` event). */
export function fold(events: IncidentEvent[], id: string): Incident | undefined {
  let inc: Incident | undefined;
  for (const e of events) {
    if (e.type === 'created') {
      if (inc) continue; // one creation; a repeat is ignored
      inc = {
        id,
        title: e.title,
        status: 'open',
        seeds: [...new Set(e.seeds)],
        traceIds: [...new Set(e.traceIds)],
        notes: e.notes ? [{ at: e.at, actor: e.actor, text: e.notes }] : [],
        view: e.view,
        createdAt: e.at,
        createdBy: e.actor,
        updatedAt: e.at,
        events: [],
      };
    }
    if (!inc) continue;
    inc.events.push(e);
    inc.updatedAt = e.at;
    switch (e.type) {
      case 'note':
        inc.notes.push({ at: e.at, actor: e.actor, text: e.text });
        break;
      case 'seeds_added':
        inc.seeds = [...new Set([...inc.seeds, ...(e.seeds ?? [])])];
        inc.traceIds = [...new Set([...inc.traceIds, ...(e.traceIds ?? [])])];
        break;
      case 'title':
        inc.title = e.title;
        break;
      case 'status':
        inc.status = e.status;
        break;
      case 'view':
        inc.view = e.view;
        break;
    }
  }
  return inc;
}
