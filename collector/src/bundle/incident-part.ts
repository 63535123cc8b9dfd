// The incident part of an evidence bundle exported from an incident: `incident.json`, the
// incident as it stood when exported (title, status, seeds, traces, notes, its events). Incident
// events are the analyst's own record, not rows of the log: the part is covered by the signed
// manifest (its digest, and the incident's id and title in the predicate), not by inclusion proofs.
import type { BundleIncident, Incident } from '@causeway/schemas';

export const INCIDENT_FILE = 'incident.json';

/** What the bundle carries of an incident: its state and the list of its events (their bodies are in the state). */
export function bundleIncident(i: Incident): BundleIncident {
  return {
    id: i.id,
    title: i.title,
    status: i.status,
    seeds: i.seeds,
    traceIds: i.traceIds,
    notes: i.notes.map((n) => ({ at: n.at, actor: n.actor, text: n.text })),
    createdAt: i.createdAt,
    createdBy: i.createdBy,
    updatedAt: i.updatedAt,
    events: i.events.map((e) => ({ eventId: e.eventId, at: e.at, actor: e.actor, type: e.type })),
  };
}

/** Problems between `incident.json` (if any) and the incident the signed predicate names (if any). */
export function incidentProblems(file: string | undefined, named: { id: string; title: string } | undefined): string[] {
  if (file === undefined) return named ? [`the manifest names incident ${named.id} but ${INCIDENT_FILE} is missing`] : [];
  if (!named) return [`${INCIDENT_FILE} is present but the manifest names no incident`];
  let inc: Partial<BundleIncident>;
  try {
    inc = JSON.parse(file) as Partial<BundleIncident>;
  } catch {
    return [`${INCIDENT_FILE} is not valid JSON`];
  }
  const problems: string[] = [];
  if (inc.id !== named.id) problems.push(`${INCIDENT_FILE} is incident ${String(inc.id)}, the manifest names ${named.id}`);
  if (inc.title !== named.title) problems.push(`${INCIDENT_FILE}'s title is not the one the manifest names`);
  if (!Array.isArray(inc.notes) || !Array.isArray(inc.seeds)) problems.push(`${INCIDENT_FILE} has no notes or seeds list`);
  return problems;
}
