-- What redaction replaced in each span (rule, field path, count; never the value).
ALTER TABLE {db}.spans ADD COLUMN IF NOT EXISTS redactions Array(Tuple(rule LowCardinality(String), field String, count UInt32)) CODEC(ZSTD(1)) AFTER scope_schema_url;
