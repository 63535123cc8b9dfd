-- A narrower content-flow index (issue 15): a fingerprint's holder is named by 32 bits, the first
-- 8 hex digits of its artifact id, instead of 016's 64-bit key. Random bits do not compress, and
-- the key was the index's largest column (583 of the ~740 B a span the index took on the bench's
-- agent workload, 40k spans). 32 bits do not name an artifact alone in a big store (another one
-- shares an artifact's key with probability ~n/2³²: 0.2 % at 10M artifacts per tenant), so reads
-- return every id with a hit's key; content flow keeps a candidate only for the fingerprints its
-- own row holds (provenance/slice/content-flow.ts placeTheirs), which it did for 64-bit keys too.
-- Rows written before stay in 016's tables and 007's, and reads take all three together.
-- The new views are created before the old ones are dropped: an artifact inserted in between is
-- indexed twice, which reads the same (hits are grouped by fingerprint and artifact).
CREATE TABLE IF NOT EXISTS {db}.prov_fingerprint_holders
(
    tenant LowCardinality(String),
    fp UInt64 CODEC(ZSTD(1)),
    holder UInt32 CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (tenant, fp, holder);

CREATE TABLE IF NOT EXISTS {db}.prov_holder_ids
(
    tenant LowCardinality(String),
    holder UInt32,
    artifact_id FixedString(32) CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, holder);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_fingerprint_holders_mv TO {db}.prov_fingerprint_holders AS
SELECT tenant, fp, reinterpretAsUInt32(reverse(unhex(substring(artifact_id, 1, 8)))) AS holder FROM {db}.prov_artifacts ARRAY JOIN fingerprints AS fp;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_holder_ids_mv TO {db}.prov_holder_ids AS
SELECT tenant, reinterpretAsUInt32(reverse(unhex(substring(artifact_id, 1, 8)))) AS holder, artifact_id FROM {db}.prov_artifacts;

DROP VIEW IF EXISTS {db}.prov_fingerprint_index_keys_mv;
DROP VIEW IF EXISTS {db}.prov_artifact_keys_mv;
