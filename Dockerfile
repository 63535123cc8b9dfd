# Causeway collector. The image runs the same `npm start` as a workstation; docker-compose.yml
# points it at a ClickHouse server through CLICKHOUSE_URL. Without CLICKHOUSE_URL it uses
# embedded chDB under CAUSEWAY_DATA_DIR (x86-64 only: the lockfile carries chDB's engine for
# linux-x64-gnu alone).
FROM node:20-bookworm-slim

WORKDIR /app

# Manifests first, so the dependency layer is rebuilt only when they change; npm ci needs every
# workspace's package.json to link the workspaces.
COPY package.json package-lock.json ./
COPY schemas/package.json schemas/
COPY collector/package.json collector/
COPY fixtures/package.json fixtures/
COPY explorer/package.json explorer/
COPY testkit/package.json testkit/
# Dev dependencies are kept on purpose: `npm start` runs the TypeScript sources through tsx.
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .
# The explorer is built into the image: at start the node user could not write explorer/dist.
RUN npx tsx explorer/build.ts

# npm runs scripts with `sh -c`; dash keeps itself between npm and tsx and dies on the SIGTERM
# npm forwards, orphaning the collector. bash execs tsx instead, so `docker stop` reaches the
# collector, which drains its queued inserts before exiting.
ENV npm_config_script_shell=/bin/bash \
    npm_config_update_notifier=false \
    CAUSEWAY_HOST=0.0.0.0 \
    CAUSEWAY_DATA_DIR=/var/lib/causeway

# The write-ahead spool lives here even in server mode; a named volume mounted here starts out
# owned by the node user, as this directory is.
RUN mkdir -p /var/lib/causeway && chown node:node /var/lib/causeway
USER node
VOLUME ["/var/lib/causeway"]

# 4317: OTLP/gRPC receiver; 4318: OTLP/HTTP receiver; 7318: query API, explorer and /healthz.
EXPOSE 4317 4318 7318
CMD ["npm", "start"]
