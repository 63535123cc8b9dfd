-- The content-flow index by fingerprint, with each artifact named by a 64-bit key instead of its
-- 32-character id (issue 15). prov_fingerprints (007) held one row per fingerprint of every
-- artifact, 106 a span on the bench's agent workload, and the random artifact id was most of
-- its bytes (1,500 of 1,760 B a span with ZSTD); the key is 8 bytes (~760 B a span), and
-- prov_artifact_keys turns keys back into ids (one row per artifact row). Reads take both
-- tables and the old one, so a store written before keeps answering the same; only new
-- artifacts go here. The key is the id's first 16 hex digits (ids are keyed hashes, so these
-- are uniform): two artifacts sharing one in a tenant (~n²/2⁶⁵; 10⁻⁶ at 10M artifacts) would
-- each be read as holding the other's fingerprints.
CREATE TABLE IF NOT EXISTS {db}.prov_fingerprint_index
(
    tenant LowCardinality(String),
    fp UInt64 CODEC(ZSTD(1)),
    artifact_key UInt64 CODEC(ZSTD(1)),
    pos UInt32 CODEC(T64, ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, fp, artifact_key);

CREATE TABLE IF NOT EXISTS {db}.prov_artifact_keys
(
    tenant LowCardinality(String),
    artifact_key UInt64,
    artifact_id FixedString(32) CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, artifact_key);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_fingerprint_index_mv TO {db}.prov_fingerprint_index AS
SELECT tenant, fp, reinterpretAsUInt64(reverse(unhex(substring(artifact_id, 1, 16)))) AS artifact_key, pos FROM {db}.prov_artifacts ARRAY JOIN fingerprints AS fp, fp_positions AS pos;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_artifact_keys_mv TO {db}.prov_artifact_keys AS
SELECT tenant, reinterpretAsUInt64(reverse(unhex(substring(artifact_id, 1, 16)))) AS artifact_key, artifact_id FROM {db}.prov_artifacts;

-- The index above replaces 007's view; its rows stay and are still read.
DROP VIEW IF EXISTS {db}.prov_fingerprints_mv;
