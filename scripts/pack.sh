#!/usr/bin/env bash
# Builds the npm package with jsii and copies the tarball to .tmp/cicd-service-template.tgz
# (a name without "@", so that `--from cicd-service-template@file:<tgz>` parses). Prints its path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
npx projen compile >&2
npx projen package:js >&2
mkdir -p .tmp
cp dist/js/cicd-service-template@*.jsii.tgz .tmp/cicd-service-template.tgz
echo "$root/.tmp/cicd-service-template.tgz"
