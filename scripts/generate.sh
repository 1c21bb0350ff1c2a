#!/usr/bin/env bash
# Generates a service repository from a packed tarball, exactly as a user would with
# `npx projen new --from cicd-service-template`, then builds it (not with GENERATE_BUILD=0).
# Usage: scripts/generate.sh <tarball> <empty-or-new-dir> [projen new options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tgz=$(realpath "$1")
target=$2
shift 2
mkdir -p "$target"
cd "$target"
# Without CI: under CI=true projen installs with `npm ci`, which needs the lockfile that this very
# first install creates.
env -u CI "$root/node_modules/.bin/projen" new --from "cicd-service-template@file:$tgz" "$@"
if [ "${GENERATE_BUILD:-1}" != 0 ]; then
  npx projen build
fi
