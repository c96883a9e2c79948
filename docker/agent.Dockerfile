# agent: explores a maze served by the model and prints the map and one JSON result line
# (packages/agent). A one-shot program: exit 0 solved, 1 not solved, 2 config, 3 model unreachable.
#   docker build -f docker/agent.Dockerfile -t maze-sim/agent .        (context: the repository root)
# Plain Dockerfile syntax only, so BuildKit and the classic builder both build it (docker/README.md).
# docker/model.Dockerfile is the same recipe for the model: change both together.
ARG NODE_IMAGE=node:24-bookworm-slim

# The workspace manifests and the lockfile alone: the install layer below is rebuilt when a
# dependency changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml -delete \
 && find . -depth -type d -empty -delete

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Networks that re-sign TLS (corporate proxies): a bundle in docker/ca/ becomes npm's and pnpm's
# `cafile` in this stage only (docker/ca/README.md). The runtime stage never touches the network.
COPY docker/ca/ /tmp/ca/
RUN find /tmp/ca -type f \( -name '*.pem' -o -name '*.crt' \) -exec cat {} + > /tmp/ca-bundle.pem \
 && if [ -s /tmp/ca-bundle.pem ]; then echo 'cafile=/tmp/ca-bundle.pem' > /root/.npmrc; fi
COPY --from=manifests /src/ ./
# pnpm at the version the repository pins (package.json devDependencies.pnpm). Production
# dependencies of the package and its workspace dependencies only (--filter-prod ignores
# devDependencies when walking the graph). --no-optional: the only optional dependencies in this
# slice are the root's node-linux-* packages (the repository's own Node 24, 126 MB): the image
# has Node from its base.
RUN npm install --global --no-fund --no-audit --loglevel=error --allow-scripts=pnpm \
      "pnpm@$(node -p 'require("./package.json").devDependencies.pnpm')" \
 && pnpm install --prod --frozen-lockfile --no-optional --reporter=append-only --filter-prod '@maze-sim/agent...'
COPY . .
# The runtime slice keeps the workspace layout (packages/*/src beside pnpm's symlinked
# node_modules): Node strips TypeScript types only outside node_modules, so `pnpm deploy`, which
# copies workspace packages into node_modules, would not run.
RUN mkdir /out && cp -a package.json node_modules /out/ \
 && pnpm list --filter-prod '@maze-sim/agent...' --prod --depth -1 --parseable | while read -r dir; do \
      rel=${dir#/app/}; mkdir -p "/out/$rel"; cp -a "$rel/package.json" "$rel/src" "/out/$rel/"; \
      if [ -d "$rel/node_modules" ]; then cp -a "$rel/node_modules" "/out/$rel/"; fi; \
    done
# The AWS Batch job preload (NODE_OPTIONS=--import=./packages/batch/src/job-env-preload.ts, set by
# batch/job-definition*.json): two files of packages/batch that import only @maze-sim/maze, without
# the rest of that package (the AWS SDK).
RUN mkdir -p /out/packages/batch/src /out/packages/batch/node_modules/@maze-sim \
 && cp -a packages/batch/package.json /out/packages/batch/ \
 && cp -a packages/batch/src/job-env.ts packages/batch/src/job-env-preload.ts /out/packages/batch/src/ \
 && ln -s ../../../maze /out/packages/batch/node_modules/@maze-sim/maze

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="maze-sim/agent" \
      org.opencontainers.image.description="The maze-sim agent: explores a maze served by the model, prints the map and a JSON result."
# MAZE_URL defaults to http://127.0.0.1:5555: the model in the same network namespace, as in the
# compose stack and an AWS Batch multi-container job.
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the agent, which runs as `node` (uid 1000, from the base image).
COPY --from=build /out/ ./
USER node
# OpenTelemetry is preloaded (packages/telemetry/README.md): OTLP to http://localhost:4318, the
# collector sidecar in the same network namespace. OTEL_SDK_DISABLED=true turns it off.
ENTRYPOINT ["node", "--import", "./packages/agent/src/instrument.ts", "packages/agent/src/main.ts"]
