-- OTLP log records (POST /v1/logs): some instrumentations put prompts, tool arguments and
-- results here rather than on spans. Every field typed, as for spans. Insert-only; read by
-- trace (the records of a trace's spans), so ordered by trace and span.
CREATE TABLE IF NOT EXISTS {db}.logs
(
    tenant LowCardinality(String) DEFAULT 'default',
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    time_unix_nano UInt64 CODEC(Delta, ZSTD(1)),
    observed_time_unix_nano UInt64 CODEC(Delta, ZSTD(1)),
    severity_number Int32,
    severity_text LowCardinality(String),
    event_name LowCardinality(String),
    body Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool) CODEC(ZSTD(1)),
    attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    dropped_attributes_count UInt32,
    flags UInt32,
    service_name LowCardinality(String),
    resource_attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    resource_dropped_attributes_count UInt32,
    resource_schema_url LowCardinality(String),
    scope_name LowCardinality(String),
    scope_version LowCardinality(String),
    scope_attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    scope_dropped_attributes_count UInt32,
    scope_schema_url LowCardinality(String),
    redactions Array(Tuple(rule LowCardinality(String), field String, count UInt32)) CODEC(ZSTD(1)),
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3),
    time DateTime64(6) MATERIALIZED fromUnixTimestamp64Micro(toInt64(intDiv(if(time_unix_nano = 0, observed_time_unix_nano, time_unix_nano), 1000))),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, trace_id, span_id, time);
