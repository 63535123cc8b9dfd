#!/bin/bash
# Creates Causeway's two ClickHouse users. The clickhouse-server image's entrypoint runs (or,
# when this file is not executable, sources) every *.sh in /docker-entrypoint-initdb.d after it
# has created CLICKHOUSE_DB, on a temporary server that listens on 127.0.0.1 only.
# docker-compose.yml sets CLICKHOUSE_ALWAYS_RUN_INITDB_SCRIPTS, so this runs on every start, not
# only on an empty volume: every statement is idempotent, and passwords and grants are reset to
# what the environment says each time.
#
#   causeway_migrator  runs `causeway migrate`: creates the database's tables and materialized
#                      view, and so becomes the view's SQL SECURITY DEFINER. No ALTER, DROP,
#                      TRUNCATE or DELETE.
#   causeway           the collector: SELECT and INSERT on the database and nothing else, so it
#                      can append spans and read them, never change or remove them.
#
# Both are SQL-managed users, kept in the access storage inside the data volume. The admin user
# that runs this script comes from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD, which the image writes
# to users.d with access management enabled.

# A subshell: when sourced, this file must not leave its shell options in the entrypoint.
(
  set -euo pipefail

  db="${CLICKHOUSE_DB:-causeway}"
  if [[ ! "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "10-causeway-users.sh: invalid database name '$db'" >&2
    exit 1
  fi
  : "${CAUSEWAY_MIGRATOR_PASSWORD:?must be set (see deploy/compose.env.example)}"
  : "${CAUSEWAY_COLLECTOR_PASSWORD:?must be set (see deploy/compose.env.example)}"

  # Passwords go in as SHA-256 hex (IDENTIFIED WITH sha256_hash): no quoting of arbitrary
  # characters in SQL, and no cleartext password in the query text.
  sha256_hex() { printf '%s' "$1" | sha256sum | cut -d ' ' -f 1 | tr 'a-f' 'A-F'; }
  migrator_hash="$(sha256_hex "$CAUSEWAY_MIGRATOR_PASSWORD")"
  collector_hash="$(sha256_hex "$CAUSEWAY_COLLECTOR_PASSWORD")"

  echo "10-causeway-users.sh: users causeway_migrator and causeway on database $db"
  clickhouse-client --host 127.0.0.1 --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}" --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS ${db};

CREATE USER IF NOT EXISTS causeway_migrator IDENTIFIED WITH sha256_hash BY '${migrator_hash}' DEFAULT DATABASE ${db};
ALTER USER causeway_migrator IDENTIFIED WITH sha256_hash BY '${migrator_hash}' DEFAULT DATABASE ${db};
-- CREATE DATABASE: migrate() issues CREATE DATABASE IF NOT EXISTS before applying pending files,
-- and ClickHouse checks the grant even when the database exists. SELECT and INSERT: it reads and
-- writes schema_migrations, and as the materialized view's definer it must read spans and write
-- trace_index on every insert.
-- ALTER ADD COLUMN, ALTER MODIFY COLUMN: later schema files add columns and change codecs (015)
-- (never change or remove rows). ALTER MODIFY SETTING: a later file changes how a table's parts
-- are merged (021: spans merged column by column; no row is rewritten). DROP VIEW: a later file replaces a materialized view (016); the
-- rows it wrote stay.
GRANT CREATE DATABASE, CREATE TABLE, CREATE VIEW, ALTER ADD COLUMN, ALTER MODIFY COLUMN, ALTER MODIFY SETTING, DROP VIEW, SELECT, INSERT ON ${db}.* TO causeway_migrator WITH REPLACE OPTION;

CREATE USER IF NOT EXISTS causeway IDENTIFIED WITH sha256_hash BY '${collector_hash}' DEFAULT DATABASE ${db};
ALTER USER causeway IDENTIFIED WITH sha256_hash BY '${collector_hash}' DEFAULT DATABASE ${db};
GRANT SELECT, INSERT ON ${db}.* TO causeway WITH REPLACE OPTION;
SQL

  # On a cluster (deploy/cluster/docker-compose.yml) `causeway migrate` runs its DDL ON CLUSTER,
  # which needs the CLUSTER privilege. Every node runs this script, so the users and their grants
  # are the same everywhere, as distributed queries and ON CLUSTER DDL need them to be.
  if [[ -n "${CAUSEWAY_CLICKHOUSE_CLUSTER:-}" ]]; then
    echo "10-causeway-users.sh: CLUSTER for causeway_migrator (cluster ${CAUSEWAY_CLICKHOUSE_CLUSTER})"
    clickhouse-client --host 127.0.0.1 --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}" --query "GRANT CLUSTER ON *.* TO causeway_migrator"
  fi
)
