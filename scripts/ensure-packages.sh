#!/usr/bin/env bash
# Installs the project's packages when they are missing or older than the lock (the test command and CI's lint
# both need them on a fresh clone).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/jest ] || [ ! -x node_modules/.bin/eslint ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci refuses a lock that lacks other platforms' optional bindings (npm/cli#4828), which the registry
  # here cannot supply; npm install then installs the same locked versions.
  npm ci --no-fund --no-audit || npm install --no-fund --no-audit
fi
