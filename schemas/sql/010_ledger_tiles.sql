-- The tamper-evident log as a tiled transparency log (c2sp.org/tlog-tiles, tiles of height 8),
-- one log per collector log key. Replaces ledger_leaves (004), which an older store's first
-- start copies over once. Insert-only, like every table.

-- Level 0: one leaf per stored row, in log order. leaf_hash = SHA-256(0x00 ‖ canonical row
-- bytes) = the row's row_hash, as 32 bytes; the row's identity says which row a leaf commits to
-- (what `causeway verify` names when a row is dropped) and finds a span's leaves.
CREATE TABLE IF NOT EXISTS {db}.ledger_entries
(
    log_id LowCardinality(String),
    leaf_index UInt64 CODEC(Delta, ZSTD(1)),
    leaf_hash FixedString(32),
    tbl LowCardinality(String),
    tenant LowCardinality(String),
    -- binary ids (16 and 8 bytes; zeros for a log record without them)
    trace_id FixedString(16) CODEC(ZSTD(1)),
    span_id FixedString(8) CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
ORDER BY (log_id, leaf_index);

-- Tree tiles above level 0: tile (level, idx) lists the hashes of tree level 8·level, entries
-- idx·256 … idx·256+width−1. A row holds the entries [width − length(hashes)/32, width) of its
-- tile: a partial tile grows by rows of greater width, a tile that fills is written once more
-- whole (width 256). Only the right edge of the tree is kept in memory; proofs read these.
CREATE TABLE IF NOT EXISTS {db}.ledger_tiles
(
    log_id LowCardinality(String),
    level UInt8,
    idx UInt64,
    width UInt16,
    hashes String
)
ENGINE = MergeTree
ORDER BY (log_id, level, idx, width);
