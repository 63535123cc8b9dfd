-- Findings are evidence (README "Detections"): each finding and each status event is written
-- through the spool and appended to the ledger like every other stored row (canonical form:
-- collector/src/format/finding-lines.ts), so `causeway verify` covers them and a bundle carries
-- a trace's findings with inclusion proofs. Their leaves sit with their trace's (trace_id, and the
-- seed span as span_id). Rows written before this file have row_hash '' and no leaf: verify lists
-- them as not proven. Insert-only.
ALTER TABLE {db}.findings ADD COLUMN IF NOT EXISTS span_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.findings ADD COLUMN IF NOT EXISTS row_hash String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.finding_events ADD COLUMN IF NOT EXISTS trace_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.finding_events ADD COLUMN IF NOT EXISTS span_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.finding_events ADD COLUMN IF NOT EXISTS row_hash String DEFAULT '' CODEC(ZSTD(1));
