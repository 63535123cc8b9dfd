-- Chain of custody: every evidence bundle exported (who, when, what, the bundle's SHA-256). Insert-only.
CREATE TABLE IF NOT EXISTS {db}.exports
(
    tenant LowCardinality(String),
    exported_at DateTime64(3) DEFAULT now64(3),
    exporter String,
    query String,
    bundle_sha256 FixedString(64),
    rows UInt64,
    checkpoint_size UInt64
)
ENGINE = MergeTree
ORDER BY (tenant, exported_at);
