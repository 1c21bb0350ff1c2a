#!/usr/bin/env bash
# Every test of this repository: the package build with its unit tests, the quality matrix and property-based
# tests, the image test, the end-to-end tests, then the Python and Java consumers of the jsii packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
npx projen build
npx projen test:quality
npx projen test:image
npx projen test:e2e
npx projen test:polyglot
