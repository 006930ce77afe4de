# The Modelworks platform image: `modelworks up` (tracking + registry + platform API + serving +
# rollouts + monitoring + the web UI at /) on embedded storage in /data. Multi-stage: the build stage compiles the
# TypeScript and better-sqlite3's native addon; the runtime stage holds only what runs.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No sources yet: skip `prepare` (the build) until they are copied; dependencies stay cached.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The web UI (Vite) is built into dist/web by the same `npm run build`.
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MODELWORKS_HOME=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# A non-root user owns the data folder; the image never writes elsewhere. Numeric, so Kubernetes'
# runAsNonRoot can verify it (deploy/kubernetes runs it as 10001 with a read-only root filesystem).
RUN groupadd --system --gid 10001 modelworks \
 && useradd --system --uid 10001 --gid modelworks --home-dir /data --shell /usr/sbin/nologin modelworks \
 && mkdir -p /data && chown modelworks:modelworks /data
USER 10001:10001
# Host names the server answers to besides localhost and private-network addresses (DNS-rebinding
# protection: requests naming another Host get 403; /health, /health/ready and /ping answer any).
# `docker run -p 5000:5000` (localhost) and Kubernetes probes and scrapes (the pod IP) need nothing
# here; behind a DNS name or a proxy that keeps the Host, list the names clients use:
#   docker run -e MODELWORKS_ALLOWED_HOSTS=models.example.com,mlflow.example.com ...   ('*' = any)
ENV MODELWORKS_ALLOWED_HOSTS=""
# Authentication is on (--no-auth is refused on 0.0.0.0): the first start prints the admin's password
# once in the container's log and saves its API token in /data/admin-token (mode 0600), e.g.
#   docker exec CONTAINER cat /data/admin-token    → MLFLOW_TRACKING_TOKEN for clients
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:5000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/modelworks.js"]
CMD ["up", "--host", "0.0.0.0", "--port", "5000"]
