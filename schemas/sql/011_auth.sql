-- Zero trust (auth): who submitted each span and log record, and the access audit.
--
-- credential_id / credential_name: the ingest credential that sent the row. Part of the row's
-- canonical form (and so of its ledger leaf) when set; rows stored before this file have ''
-- and keep their canonical form and leaves.
ALTER TABLE {db}.spans ADD COLUMN IF NOT EXISTS credential_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.spans ADD COLUMN IF NOT EXISTS credential_name String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.logs ADD COLUMN IF NOT EXISTS credential_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.logs ADD COLUMN IF NOT EXISTS credential_name String DEFAULT '' CODEC(ZSTD(1));

-- The access audit: every read of evidence, every export, incident event, credential change,
-- sign-in and refused attempt. Written through the spool and the ledger like every other row
-- (canonical form: collector/src/format/audit-line.ts). Insert-only.
CREATE TABLE IF NOT EXISTS {db}.audit_events
(
    tenant LowCardinality(String),
    -- the trace the action was about ('' when none), then '' (the ledger's row head)
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    event_id String CODEC(ZSTD(1)),
    time_unix_nano UInt64 CODEC(Delta, ZSTD(1)),
    actor_kind LowCardinality(String),
    actor_id String CODEC(ZSTD(1)),
    actor_name String CODEC(ZSTD(1)),
    action LowCardinality(String),
    target String CODEC(ZSTD(1)),
    -- every trace whose content the answer showed (chain of custody for bundles)
    trace_ids Array(String) CODEC(ZSTD(1)),
    status UInt16,
    client_address String CODEC(ZSTD(1)),
    user_agent String CODEC(ZSTD(1)),
    detail String CODEC(ZSTD(1)),
    row_hash FixedString(64),
    ingested_at DateTime64(3) DEFAULT now64(3),
    at DateTime64(6) MATERIALIZED fromUnixTimestamp64Micro(toInt64(intDiv(time_unix_nano, 1000))),
    INDEX idx_trace_ids trace_ids TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, time_unix_nano, event_id);
