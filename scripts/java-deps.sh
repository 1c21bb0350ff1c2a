#!/usr/bin/env bash
# Installs the Java binding of the npm `projen` package this repository builds against into the
# Maven local repository .tmp/m2 (skipped when that version is already there).
# The Maven mirror this repository is built with serves io.github.cdklabs:projen only at 0.54.11
# (Maven Central itself has current versions), so the Java package of cicd-service-template, which
# depends on the current projen, needs this binding to build and to be used here. It is made with jsii-pacmak from the installed npm package, without javadoc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
repo="$root/.tmp/m2"
version=$(node -p "require('./node_modules/projen/package.json').version")
if [ -f "$repo/io/github/cdklabs/projen/$version/projen-$version.jar" ]; then
  echo "projen $version Java binding: already in $repo" >&2
  exit 0
fi
start=$(date +%s)
src="$root/.tmp/projen-java"
rm -rf "$src"
node_modules/.bin/jsii-pacmak --code-only --target java --outdir "$src" node_modules/projen >&2
(cd "$src/java" && mvn --batch-mode --quiet -Dmaven.repo.local="$repo" \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -DskipTests install >&2)
rm -rf "$src"
echo "projen $version Java binding: installed into $repo in $(( $(date +%s) - start )) s" >&2
