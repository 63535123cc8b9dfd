-- Which traces belong to each conversation (gen_ai.conversation.id, session.id, …), filled from
-- prov_activities: a causal slice looks for the sources of copied text in this trace and in
-- the other traces of its conversation, and this finds them by key instead of by a scan.
CREATE TABLE IF NOT EXISTS {db}.prov_conversations
(
    tenant LowCardinality(String),
    conversation_id String,
    trace_id String,
    start_time_unix_nano UInt64
)
ENGINE = MergeTree
ORDER BY (tenant, conversation_id, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.prov_conversations_mv TO {db}.prov_conversations AS
SELECT tenant, conversation_id, trace_id, start_time_unix_nano FROM {db}.prov_activities WHERE conversation_id != '';

-- Stores created before this file: index what they already hold (an insert, never a change).
INSERT INTO {db}.prov_conversations
SELECT tenant, conversation_id, trace_id, start_time_unix_nano FROM {db}.prov_activities WHERE conversation_id != '';
