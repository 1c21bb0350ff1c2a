#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -d node_modules/projen ] || [ "${CI:-}" = "true" ]; then
  npm ci --no-audit --no-fund
fi

# cfn-lint checks the synthesized templates in test/pipeline; it lives in a project-local virtualenv.
if [ ! -x .venv/bin/cfn-lint ] || [ "${CI:-}" = "true" ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade 'cfn-lint>=1.20,<2'
fi
