-- One row per (insert block, trace, service): the services and time bounds of each trace.
-- A trace-by-id read looks here first (primary-key point lookup), then reads only the
-- matching (service, time) ranges of `spans`. Insert-only; aggregated at read time.
CREATE TABLE IF NOT EXISTS {db}.trace_index
(
    tenant LowCardinality(String),
    trace_id FixedString(32),
    service_name LowCardinality(String),
    start_min DateTime64(6),
    start_max DateTime64(6),
    end_max UInt64,
    span_count UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start_min)
ORDER BY (tenant, trace_id, service_name);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.trace_index_mv TO {db}.trace_index AS
SELECT
    tenant,
    trace_id,
    service_name,
    min(start_time) AS start_min,
    max(start_time) AS start_max,
    max(end_time_unix_nano) AS end_max,
    count() AS span_count
FROM {db}.spans
GROUP BY tenant, trace_id, service_name;
