#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -d node_modules/projen ]; then
  npm ci --no-audit --no-fund
fi

# cfn-lint checks the synthesized templates in test/pipeline; checkov scans those of the quality
# suite (test/quality/compliance.test.ts), pinned because its checks change with each release and
# the reviewed findings are made for this one. Both live in a project-local virtualenv.
checkov_version=3.3.30
if [ ! -x .venv/bin/cfn-lint ] || [ "${CI:-}" = "true" ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade 'cfn-lint>=1.20,<2'
fi
if [ "$(.venv/bin/checkov --version 2>/dev/null)" != "$checkov_version" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check "checkov==$checkov_version"
fi

# The image test (npx projen test:image) builds with buildah and needs a static busybox for the
# stand-in base image. apt runs only when one of them is missing.
missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
if ! command -v busybox >/dev/null 2>&1 || ldd "$(command -v busybox)" >/dev/null 2>&1; then
  missing+=(busybox-static)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install ${missing[*]} (needed by npx projen test:image)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Python and Java consumers (scripts/polyglot.sh) need a Python with venv, a JDK and Maven.
missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
fi
