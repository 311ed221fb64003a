# syntax=docker/dockerfile:1
# gopprof's image: the TypeScript sources run directly by Node 24 (type
# stripping), production dependencies only. No Go, no graphviz: the engine and
# the WASM Graphviz are in node_modules. Checked by test/deploy.test.ts.
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies. --omit=dev leaves out the `node` npm package (the
# base image's Node 24 runs the service), buf, TypeScript and the test tools;
# --ignore-scripts because no production dependency needs an install script
# (protobufjs's only prints a version warning).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GOPPROF_STORAGE_LOCAL_DIR=/var/lib/gopprof
WORKDIR /app
# Owned by root, read-only for the service's user; .dockerignore keeps tests
# and test data out of src/.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
# The only place the service writes (besides /tmp): the local store, or the
# spool when S3 is used. Kubernetes mounts an emptyDir here.
RUN mkdir -p /var/lib/gopprof && chown 1000:1000 /var/lib/gopprof
VOLUME ["/var/lib/gopprof"]
# The base image's `node` user, numeric so runAsNonRoot can verify it.
USER 1000:1000
# gRPC (API and grpc.health.v1), HTTP (/healthz, /readyz, /metrics, /artifacts/).
EXPOSE 8077 8078
ENTRYPOINT ["node", "src/main.ts"]
