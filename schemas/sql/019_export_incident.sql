-- Exports made from an incident name it (issue 18): the incident page lists its bundles. A new
-- column with a default: rows written before read as exported from no incident; nothing is rewritten.
ALTER TABLE {db}.exports ADD COLUMN IF NOT EXISTS incident_id String DEFAULT '';
