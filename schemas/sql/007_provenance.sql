-- The provenance model (docs/architecture.md): activities (spans read through their convention),
-- relations (activity used/generated artifact; document part_of tool result) and artifacts
-- (content addressed by a keyed hash, redacted, with keyed winnowing fingerprints).
-- Insert-only. Rows are ledgered like spans; repeats (retries, a restart) collapse at read by
-- row_hash. Counterpart relations (executed, derived_from) are resolved when a slice is read,
-- by joins on these keys, so arrival order never changes the graph.
CREATE TABLE IF NOT EXISTS {db}.prov_activities
(
    tenant LowCardinality(String),
    trace_id String,
    span_id String,
    parent_span_id String,
    start_time_unix_nano UInt64,
    end_time_unix_nano UInt64,
    kind LowCardinality(String),
    convention LowCardinality(String),
    operation LowCardinality(String),
    name String,
    service_name LowCardinality(String),
    agent_name String,
    agent_id String,
    conversation_id String,
    tool_name LowCardinality(String),
    call_id String,
    request_id String,
    data_source String,
    model LowCardinality(String),
    status_code UInt8,
    links Array(String),
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3),
    start_time DateTime64(6) MATERIALIZED fromUnixTimestamp64Micro(toInt64(intDiv(start_time_unix_nano, 1000))),
    INDEX idx_call_id call_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_tool tool_name TYPE set(256) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant, trace_id, span_id);

CREATE TABLE IF NOT EXISTS {db}.prov_relations
(
    tenant LowCardinality(String),
    trace_id String,
    span_id String,
    relation LowCardinality(String),
    artifact_id FixedString(32),
    artifact_kind LowCardinality(String),
    container_id String,
    call_id String,
    tool_name LowCardinality(String),
    role String,
    origin LowCardinality(String),
    seq UInt32,
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant, trace_id, span_id, seq);

-- Where each artifact appears: the cross-trace step of a slice is a primary-key lookup here.
CREATE TABLE IF NOT EXISTS {db}.prov_appearances
(
    tenant LowCardinality(String),
    artifact_id FixedString(32),
    trace_id String,
    span_id String,
    relation LowCardinality(String),
    container_id String
)
ENGINE = MergeTree
ORDER BY (tenant, artifact_id, trace_id, span_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_appearances_mv TO {db}.prov_appearances AS
SELECT tenant, artifact_id, trace_id, span_id, relation, container_id FROM {db}.prov_relations;

CREATE TABLE IF NOT EXISTS {db}.prov_artifacts
(
    tenant LowCardinality(String),
    trace_id String,
    span_id String,
    artifact_id FixedString(32),
    kind LowCardinality(String),
    content String CODEC(ZSTD(3)),
    content_length UInt32,
    tool_name LowCardinality(String),
    document_id String,
    source String,
    fingerprints Array(UInt64) CODEC(ZSTD(1)),
    fp_positions Array(UInt32) CODEC(ZSTD(1)),
    normalized_length UInt32,
    parts Array(String),
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant, artifact_id)
-- Rows are large (content up to 64 KiB, fingerprint arrays) and read by point lookups: 256 KiB
-- granules instead of 10 MiB: a 34-id lookup on a 1M-span store took 30 ms instead of 150. The setting
-- cannot be altered later, so stores created before keep their 10 MiB granules.
SETTINGS index_granularity_bytes = 262144;

-- Content flow is a join on fingerprint: which artifacts share text with this one.
CREATE TABLE IF NOT EXISTS {db}.prov_fingerprints
(
    tenant LowCardinality(String),
    fp UInt64,
    artifact_id FixedString(32),
    pos UInt32
)
ENGINE = MergeTree
ORDER BY (tenant, fp, artifact_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_fingerprints_mv TO {db}.prov_fingerprints AS
SELECT tenant, fp, artifact_id, pos FROM {db}.prov_artifacts ARRAY JOIN fingerprints AS fp, fp_positions AS pos;
