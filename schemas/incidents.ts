// Incidents (API shapes): an incident is a titled investigation seeded by graph nodes, stored
// as an append-only list of events (sql/008_incidents.sql) and folded into its current state.

export type IncidentStatus = 'open' | 'closed';

/** An explorer view to reopen: the path and query of the explorer URL (e.g. `/traces/<id>?node=…`). */
export type IncidentView = string;

export type IncidentEventBody =
  | { type: 'created'; title: string; seeds: string[]; traceIds: string[]; notes: string; view: IncidentView }
  | { type: 'note'; text: string }
  | { type: 'seeds_added'; seeds: string[]; traceIds: string[] }
  | { type: 'title'; title: string }
  | { type: 'status'; status: IncidentStatus }
  | { type: 'view'; view: IncidentView };

export type IncidentEvent = IncidentEventBody & { eventId: string; at: string; actor: string };

export interface Incident {
  id: string;
  title: string;
  status: IncidentStatus;
  /** graph node ids (`act:<trace>/<span>`, `art:<artifact>`) the incident is about */
  seeds: string[];
  traceIds: string[];
  /** the creation notes followed by every note added */
  notes: { at: string; actor: string; text: string }[];
  view: IncidentView;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  events: IncidentEvent[];
}

export interface IncidentSummary {
  id: string;
  title: string;
  status: IncidentStatus;
  seeds: number;
  traceIds: string[];
  view: IncidentView;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/incidents */
export interface CreateIncidentRequest {
  title: string;
  seeds?: string[];
  traceIds?: string[];
  notes?: string;
  view?: IncidentView;
  actor?: string;
}

export interface IncidentListResponse {
  incidents: IncidentSummary[];
}
