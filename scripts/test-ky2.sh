#!/usr/bin/env bash
# `npm run test:ky2`: the unit tests against ky's other major (2.x), which package.json's range allows beside
# the 1.x of the lock. ky 2 goes into a temporary folder, never into node_modules or the lock; Vitest resolves
# `ky` there (STATESET_KY, see vite.config.ts). The build, bundle and package tests do not depend on ky's major
# and are left to the main run, which keeps this one short.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error "ky@${KY2_VERSION:-2}" >/dev/null
echo "ky $(node -p "require('$prefix/node_modules/ky/package.json').version") (the lock has ky $(node -p "require('./node_modules/ky/package.json').version"))"
STATESET_KY="$prefix/node_modules/ky" npx vitest run --typecheck.enabled=false \
  --exclude test/build-guard.test.ts --exclude test/dist.test.ts --exclude test/tree-shaking.test.ts \
  --exclude test/package.test.ts --exclude test/demo.test.ts --exclude test/opt-in-bundle.test.ts \
  --exclude test/import.test.ts --exclude test/stand-in.test.ts "$@"
