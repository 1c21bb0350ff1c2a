#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -d node_modules/projen ] || [ "${CI:-}" = "true" ]; then
  npm ci --no-audit --no-fund
fi
