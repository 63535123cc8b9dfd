-- The tamper-evident log (RFC 9162 Merkle tree, one per collector log key). Each stored row's
-- leaf: leaf_hash = SHA-256(0x00 ‖ canonical row bytes) = the row's row_hash. Insert-only.
CREATE TABLE IF NOT EXISTS {db}.ledger_leaves
(
    log_id LowCardinality(String),
    leaf_index UInt64,
    leaf_hash FixedString(64),
    tbl LowCardinality(String),
    tenant LowCardinality(String),
    trace_id String,
    span_id String,
    appended_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (log_id, leaf_index);

-- Signed tree heads: C2SP checkpoint notes signed with the log's Ed25519 key.
CREATE TABLE IF NOT EXISTS {db}.checkpoints
(
    log_id LowCardinality(String),
    tree_size UInt64,
    root_hash FixedString(64),
    note String,
    signed_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (log_id, tree_size);
