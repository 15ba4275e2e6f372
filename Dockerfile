# syntax=docker/dockerfile:1
# railcache: the long-running bot (Slack, Discord, Railway webhooks, /healthz, /metrics).
# Three stages: build the TypeScript, install production dependencies (better-sqlite3 is a
# native addon: prebuilt binary when one matches, node-gyp with python3/make/g++ otherwise),
# then a slim runtime with neither compilers nor dev dependencies.
# Production runs on Node 24 LTS (Node 20 reached end of life in April 2026); railcache itself
# needs 20.19+ (package.json engines), which is what development and CI use. See the README's
# "Which Node runs what".
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts run only for the packages approved in package.json's allowScripts.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build also stores the built-in knowledge base's answer model (dist/core/kb/answer-models).
COPY content ./content
RUN npm run build
# The team's own runbooks (runbooks/*.md; the folder may hold none): the answer model of the
# built-in knowledge base plus them is stored too, so the bot answers from them at once on every
# start instead of building it first. The runtime's RAILCACHE_KB_DIR must be this same path.
ENV RAILCACHE_KB_DIR=/app/runbooks
COPY runbooks ./runbooks
RUN node dist/build-answer-model.js

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# A bounded heap keeps the resident size under 120 MB under load (bench/RESULTS.md): V8 otherwise
# grows to ~180 MB while the live heap stays under 75 MB. Raise the cap for very large workspaces.
# One V8 helper thread instead of four (GC and compilation): each helper keeps its own malloc
# arena, 2-10 MB resident that varies from start to start; railcache's load needs no more.
# A fixed malloc mmap threshold (glibc): freed large blocks (request bodies, replies) no longer raise
# it, so later ones keep coming from mmap and go back to the system when freed instead of staying
# resident on the heap. Peak under load, median of 15 starts: 115.7 -> 112.7 MB (bench/RESULTS.md).
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS="--max-old-space-size=112 --max-semi-space-size=2 --v8-pool-size=1" \
    RAILCACHE_DB=/data/railcache.db \
    RAILCACHE_KB_DIR=/app/runbooks
WORKDIR /app
# The team's railcache.toml, when the repository has one (the [l] glob lets the build go on
# without it). It lands in the working directory, where railcache looks for it by default.
# Without a file, set RAILCACHE_POLICY to the policy's text; with neither, the policy is open.
COPY --chown=node:node package.json package-lock.json railcache.tom[l] ./
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node content ./content
COPY --chown=node:node runbooks ./runbooks
COPY --chown=node:node manifests ./manifests
# Railway's published GraphQL schema: the demo simulator (`railcache chat --demo`) serves it.
COPY --chown=node:node schema ./schema
# SQLite lives here when DATABASE_URL is not set; mount a volume on /data to keep it.
# (No VOLUME instruction: Railway refuses images that declare one.)
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# --optimize-for-size makes V8 grow the heap more sparingly (about 10 MB less at peak, no
# measurable cost per request); node refuses it in NODE_OPTIONS, so it goes here.
CMD ["node", "--optimize-for-size", "dist/cli.js", "start"]
