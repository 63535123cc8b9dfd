-- Which schema files have been applied (insert-only, like everything else).
CREATE TABLE IF NOT EXISTS {db}.schema_migrations
(
    name String,
    sha256 FixedString(64),
    applied_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY name;
