-- Spans, one row per span as received: every OTLP field typed (see schemas/span-row.ts).
-- Insert-only. Ordered for "recent spans by service and time"; trace-by-id reads go through
-- trace_index (002) which narrows the scan to the trace's services and time range.
CREATE TABLE IF NOT EXISTS {db}.spans
(
    tenant LowCardinality(String) DEFAULT 'default',
    trace_id FixedString(32) CODEC(ZSTD(1)),
    span_id FixedString(16) CODEC(ZSTD(1)),
    parent_span_id String CODEC(ZSTD(1)),
    trace_state String CODEC(ZSTD(1)),
    flags UInt32,
    name LowCardinality(String) CODEC(ZSTD(1)),
    kind Int32,
    start_time_unix_nano UInt64 CODEC(Delta, ZSTD(1)),
    end_time_unix_nano UInt64 CODEC(Delta, ZSTD(1)),
    attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    dropped_attributes_count UInt32,
    events Array(Tuple(
        time_unix_nano UInt64,
        name String,
        attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)),
        dropped_attributes_count UInt32)) CODEC(ZSTD(1)),
    dropped_events_count UInt32,
    links Array(Tuple(
        trace_id String,
        span_id String,
        trace_state String,
        attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)),
        dropped_attributes_count UInt32,
        flags UInt32)) CODEC(ZSTD(1)),
    dropped_links_count UInt32,
    status_code Int32,
    status_message String CODEC(ZSTD(1)),
    service_name LowCardinality(String),
    resource_attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    resource_dropped_attributes_count UInt32,
    resource_schema_url LowCardinality(String),
    scope_name LowCardinality(String),
    scope_version LowCardinality(String),
    scope_attributes Array(Tuple(key LowCardinality(String), type Enum8('empty' = 0, 'string' = 1, 'bool' = 2, 'int' = 3, 'double' = 4, 'bytes' = 5, 'array' = 6, 'kvlist' = 7), str String, int Int64, dbl Float64, bool Bool)) CODEC(ZSTD(1)),
    scope_dropped_attributes_count UInt32,
    scope_schema_url LowCardinality(String),
    -- SHA-256 of the row's canonical JSON line: identical retries collapse at read time.
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3),
    -- Total conversions: every UInt64 nanosecond value maps into DateTime64(6) (1970 … 2554), so a
    -- client's odd timestamp never makes an insert fail. (`toDateTime64(µs, 6)` read µs as seconds
    -- and put every span at 9999-12-31: partitions and the time key pruned nothing.)
    start_time DateTime64(6) MATERIALIZED fromUnixTimestamp64Micro(toInt64(intDiv(start_time_unix_nano, 1000))),
    duration_nano Int64 MATERIALIZED toInt64(end_time_unix_nano) - toInt64(start_time_unix_nano),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_name name TYPE set(1000) GRANULARITY 4,
    INDEX idx_status status_code TYPE set(3) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant, service_name, start_time, trace_id)
SETTINGS index_granularity = 8192;
