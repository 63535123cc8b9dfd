-- Where each artifact appears, in small granules (issue 15: reads at 1M spans). A slice looks up
-- a few hundred artifacts by id per step, and their ids are random: in 007's prov_appearances
-- (8,192-row granules) every id cost about one granule per active part, ~57k-77k rows read for an
-- artifact that appears 5 times (11 parts at 1M spans). 256-row granules read 32x fewer rows per
-- id; the index holds only (tenant, artifact_id), so it stays small in memory. The same rows as
-- 007's table, filled from prov_relations by its own view; 007's view is dropped after this one
-- exists (a row inserted in between is in both tables, which reads the same: reads are DISTINCT).
-- Stores created before this file: their appearances are copied once (an insert, never a change);
-- 007's table keeps its rows and is no longer read.
CREATE TABLE IF NOT EXISTS {db}.prov_appearances_fine
(
    tenant LowCardinality(String),
    artifact_id FixedString(32) CODEC(ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    relation LowCardinality(String),
    container_id String CODEC(ZSTD(1))
)
ENGINE = MergeTree
PRIMARY KEY (tenant, artifact_id)
ORDER BY (tenant, artifact_id, trace_id, span_id)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_appearances_fine_mv TO {db}.prov_appearances_fine AS
SELECT tenant, artifact_id, trace_id, span_id, relation, container_id FROM {db}.prov_relations;

DROP VIEW IF EXISTS {db}.prov_appearances_mv;

INSERT INTO {db}.prov_appearances_fine
SELECT tenant, artifact_id, trace_id, span_id, relation, container_id FROM {db}.prov_appearances;
