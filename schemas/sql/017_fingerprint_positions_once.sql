-- Smaller content-flow storage (issue 15), measured on the bench's agent workload (20k spans,
-- parts merged): 3,698 B a span before.
-- 1. The keyed index stops holding each fingerprint's position: it is the holder's own
--    prov_artifacts.fp_positions at the same index as the fingerprint (a fingerprint occurs once
--    per artifact), and a slice loads every candidate's artifact row before it uses a position, so
--    it reads it there (provenance/slice/content-flow.ts). The column stays (rows written before
--    keep theirs, unread); new rows get its default, 0, which compresses to nothing (~140 B a span).
--    The new view is created before the old one is dropped: an artifact inserted in between is
--    indexed twice, which reads the same (hits are grouped by fingerprint and artifact).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_fingerprint_index_keys_mv TO {db}.prov_fingerprint_index AS
SELECT tenant, fp, reinterpretAsUInt64(reverse(unhex(substring(artifact_id, 1, 16)))) AS artifact_key FROM {db}.prov_artifacts ARRAY JOIN fingerprints AS fp;

DROP VIEW IF EXISTS {db}.prov_fingerprint_index_mv;

-- 2. Codecs for the largest columns (metadata only: parts keep theirs until merges rewrite them).
--    fp_positions increase within an artifact: Delta first (136 → 78 B a span); the random 64-bit
--    keys and fingerprints gain a little from ZSTD's default level 3 (780 → 720, 809 → 784);
--    span attributes 365 → 297. Higher levels gain more but cost insert CPU (level 9: 261 for
--    attributes at several times the compression time).
ALTER TABLE {db}.prov_artifacts MODIFY COLUMN fingerprints CODEC(ZSTD(3)), MODIFY COLUMN fp_positions CODEC(Delta, ZSTD(1));
ALTER TABLE {db}.prov_fingerprint_index MODIFY COLUMN artifact_key CODEC(ZSTD(3));
ALTER TABLE {db}.spans MODIFY COLUMN attributes CODEC(ZSTD(3));
