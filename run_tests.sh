#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine with Node and npm: installs the project's packages and
# Chromium (for the Lighthouse tests) when missing, type-checks, then runs jest. Extra arguments go to jest.
# PostgreSQL: DATABASE_URL when set (CI points it at the machine's server), else an embedded one.
set -euo pipefail
cd "$(dirname "$0")"

scripts/ensure-packages.sh

if [ -z "${CHROME_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the Lighthouse tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (apt-get install chromium) or set CHROME_PATH" >&2
    exit 1
  fi
fi

npm run --silent typecheck
npm test --silent -- "$@"
