# maze-model: the Fastify service that serves one generated maze (packages/model).
#   docker build -f docker/model.Dockerfile -t maze-sim/model .        (context: the repository root)
# Plain Dockerfile syntax only, so BuildKit and the classic builder both build it (docker/README.md).
# docker/agent.Dockerfile is the same recipe for the agent: change both together.
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
 && pnpm install --prod --frozen-lockfile --no-optional --reporter=append-only --filter-prod '@maze-sim/model...'
COPY . .
# The runtime slice keeps the workspace layout (packages/*/src beside pnpm's symlinked
# node_modules): Node strips TypeScript types only outside node_modules, so `pnpm deploy`, which
# copies workspace packages into node_modules, would not run.
RUN mkdir /out && cp -a package.json node_modules /out/ \
 && pnpm list --filter-prod '@maze-sim/model...' --prod --depth -1 --parseable | while read -r dir; do \
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
LABEL org.opencontainers.image.title="maze-sim/model" \
      org.opencontainers.image.description="The maze-sim maze model: a Fastify service serving one generated maze over HTTP."
ENV NODE_ENV=production PORT=5555 HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only to the service, which runs as `node` (uid 1000, from the base image).
COPY --from=build /out/ ./
USER node
EXPOSE 5555
# Healthy once the maze is generated (503 until then). Big mazes take a while (10,000 x 10,000:
# about 15 s on 2 cores), hence the long start period.
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT||5555}/health/ready`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# OpenTelemetry is preloaded (packages/telemetry/README.md): OTLP to http://localhost:4318, the
# collector sidecar in the same network namespace. OTEL_SDK_DISABLED=true turns it off.
ENTRYPOINT ["node", "--import", "./packages/model/src/instrument.ts", "packages/model/src/server.ts"]
