-- The agent registry as changed through the API (README "Agent registry"): one row per change,
-- versions counted per tenant and agent from 1; the newest version of an agent wins over the
-- policy file's entry of the same id. `entry` is the agent's policy as JSON (the policy file's
-- shape). Every change is also in the access audit (agent.changed). Insert-only.
CREATE TABLE IF NOT EXISTS {db}.agent_registry
(
    tenant LowCardinality(String),
    agent_id String,
    version UInt32,
    at DateTime64(3),
    actor String,
    entry String CODEC(ZSTD(1))
)
ENGINE = MergeTree
ORDER BY (tenant, agent_id, version);
