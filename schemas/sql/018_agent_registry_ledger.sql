-- Registry versions are evidence like findings (README "Agent registry"): each version written
-- through the API goes through the spool and is a leaf of the ledger (canonical form:
-- collector/src/format/registry-lines.ts), so `causeway verify` names a version changed or added
-- behind the collector's back. A registry version belongs to no trace: trace_id and span_id are ''
-- (the ledger's row head). Rows written before this file have row_hash '' and no leaf: verify
-- lists them as not in the log. Insert-only.
ALTER TABLE {db}.agent_registry ADD COLUMN IF NOT EXISTS trace_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.agent_registry ADD COLUMN IF NOT EXISTS span_id String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE {db}.agent_registry ADD COLUMN IF NOT EXISTS row_hash String DEFAULT '' CODEC(ZSTD(1));
