-- Detection findings (README "Detections"), append-only. A finding is written once per id (a
-- re-evaluation that finds it again writes nothing, and reads collapse any repeat by id);
-- `body` is the Finding as JSON (schemas/detections.ts). Its status is the fold of its events
-- in finding_events (acknowledged, false_positive with a reason, escalated, reopened).
CREATE TABLE IF NOT EXISTS {db}.findings
(
    tenant LowCardinality(String),
    finding_id FixedString(32),
    rule_id LowCardinality(String),
    severity LowCardinality(String),
    agent_key String,
    trace_id String,
    occurred_at DateTime64(3),
    detected_at DateTime64(3),
    body String CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, detected_at, finding_id);

CREATE TABLE IF NOT EXISTS {db}.finding_events
(
    tenant LowCardinality(String),
    finding_id FixedString(32),
    event_id FixedString(16),
    at DateTime64(3),
    type LowCardinality(String),
    actor String,
    payload String CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, finding_id, at, event_id);
