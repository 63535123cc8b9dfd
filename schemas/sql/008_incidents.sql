-- Incidents, as an append-only log of events (created, note, seeds, status, title, view).
-- The current state of an incident is the fold of its events in order; nothing is updated or
-- deleted. `payload` is the event's JSON body (schemas/incidents.ts).
CREATE TABLE IF NOT EXISTS {db}.incident_events
(
    tenant LowCardinality(String),
    incident_id FixedString(16),
    event_id FixedString(16),
    at DateTime64(3) DEFAULT now64(3),
    type LowCardinality(String),
    actor String,
    payload String CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, incident_id, at, event_id);
