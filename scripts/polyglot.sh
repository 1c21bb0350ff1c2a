#!/usr/bin/env bash
# Builds the Python wheel and the Maven artifact into dist/, then uses them as real consumers do:
#   - TypeScript (the reference): an npm project that installs the packed tarball and synthesizes
#     the service's stacks and the project with the options of test/polyglot/fixture.json;
#   - Python: a fresh virtualenv that runs the README's install snippet (the wheel from dist/python,
#     everything else from PyPI), then the README's CDK app and .projenrc.py snippets;
#   - Java: two Maven projects with the README's dependency snippet and Java classes, resolving
#     the artifact from dist/java and everything else from Maven Central (projen's binding from
#     scripts/java-deps.sh).
# Then test/polyglot/polyglot.test.ts compares what Python and Java produced with TypeScript, stack
# by stack.
# Every consumer pins aws-cdk-lib to CDK_VERSION, and projen and constructs to the versions in
# node_modules, so the three languages run the same JavaScript.
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The newest aws-cdk-lib that the npm registry, PyPI and Maven Central all serve here.
CDK_VERSION=${POLYGLOT_CDK_VERSION:-2.271.0}
PROJEN_VERSION=$(node -p "require('./node_modules/projen/package.json').version")
CONSTRUCTS_VERSION=$(node -p "require('./node_modules/constructs/package.json').version")
TYPES_NODE_VERSION=$(node -p "require('./node_modules/@types/node/package.json').version")
PACKAGE_VERSION=$(node -p "require('./package.json').version")

work="$root/.tmp/polyglot"
out="$work/out"
fixture="$root/test/polyglot/fixture.json"
m2="$root/.tmp/m2"
report="$work/report.txt"

# Runs a step and records how long it took.
timed() {
  local label=$1
  shift
  local start
  start=$(date +%s)
  echo "==> $label" >&2
  "$@"
  echo "$label: $(( $(date +%s) - start )) s" | tee -a "$report" >&2
}

# Prints the code of a README snippet (between <!-- snippet:NAME --> and <!-- /snippet:NAME -->).
snippet() {
  local code
  code=$(awk -v first="<!-- snippet:$1 -->" -v last="<!-- /snippet:$1 -->" \
    '$0 == last { f = 0 } f && !/^```/ { print } $0 == first { f = 1 }' README.md)
  if [ -z "$code" ]; then
    echo "README.md has no snippet '$1'" >&2
    return 1
  fi
  printf '%s\n' "$code"
}

# A fresh empty folder for a synthesized project.
fresh() {
  rm -rf "$1"
  mkdir -p "$1"
}

package() {
  npx projen compile >&2
  timed "package:js" npx projen package:js
  timed "package:python" npx projen package:python
  timed "package:java" npx projen package:java
}

typescript_consumer() {
  local dir="$work/typescript"
  mkdir -p "$dir"
  local tgz
  tgz=$(ls "$root"/dist/js/cicd-service-template@*.jsii.tgz)
  cat > "$dir/package.json" <<EOF
{
  "name": "polyglot-typescript-consumer",
  "private": true,
  "dependencies": {
    "cicd-service-template": "file:$tgz",
    "aws-cdk-lib": "$CDK_VERSION",
    "constructs": "$CONSTRUCTS_VERSION",
    "projen": "$PROJEN_VERSION"
  },
  "devDependencies": {
    "@types/node": "$TYPES_NODE_VERSION"
  }
}
EOF
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
  cp test/polyglot/consumers/typescript/*.ts test/polyglot/consumers/typescript/tsconfig.json "$dir/"
  local tsnode="$root/node_modules/.bin/ts-node"
  mkdir -p "$out/typescript"
  (cd "$dir" && POLYGLOT_FIXTURE="$fixture" CDK_OUTDIR="$out/typescript/app" "$tsnode" --project "$dir/tsconfig.json" app.ts)
  fresh "$out/typescript/project"
  (cd "$out/typescript/project" && POLYGLOT_FIXTURE="$fixture" PROJEN_DISABLE_POST=true "$tsnode" --project "$dir/tsconfig.json" "$dir/projenrc.ts")
}

python_venv() {
  local venv="$work/venv"
  python3 -m venv "$venv"
  cat > "$work/constraints.txt" <<EOF
cicd-service-template==$PACKAGE_VERSION
aws-cdk-lib==$CDK_VERSION
constructs==$CONSTRUCTS_VERSION
projen==$PROJEN_VERSION
EOF
  mkdir -p "$out/python/src"
  snippet python-install > "$out/python/src/install.sh"
  # The README's command, run in the virtualenv, with the wheel of dist/python on offer.
  PATH="$venv/bin:$PATH" PIP_FIND_LINKS="$root/dist/python" PIP_CONSTRAINT="$work/constraints.txt" \
    PIP_DISABLE_PIP_VERSION_CHECK=1 bash -euo pipefail "$out/python/src/install.sh" >&2
}

python_app() {
  snippet python-app > "$out/python/src/app.py"
  CDK_OUTDIR="$out/python/app" "$work/venv/bin/python" "$out/python/src/app.py"
}

python_projenrc() {
  snippet python-projenrc > "$out/python/src/projenrc.py"
  fresh "$out/python/project"
  (cd "$out/python/project" && PROJEN_DISABLE_POST=true "$work/venv/bin/python" "$out/python/src/projenrc.py")
}

# Writes a Maven project for one README Java snippet and compiles it; prints its main class.
java_project() {
  local name=$1 dir="$work/java/$1"
  mkdir -p "$dir/src/main/java" "$out/java/src"
  snippet java-dependency > "$out/java/src/dependency.xml"
  snippet "java-$name" > "$out/java/src/$name.java"
  local class
  class=$(sed -n 's/^public final class \([A-Za-z0-9_]*\).*/\1/p' "$out/java/src/$name.java")
  cp "$out/java/src/$name.java" "$dir/src/main/java/$class.java"
  node -e '
    const fs = require("fs");
    const [template, dependency, target, values] = process.argv.slice(1);
    let pom = fs.readFileSync(template, "utf-8").replace("<!-- README:java-dependency -->", fs.readFileSync(dependency, "utf-8").trim());
    for (const [k, v] of Object.entries(JSON.parse(values))) pom = pom.split(`@${k}@`).join(v);
    fs.writeFileSync(target, pom);
  ' test/polyglot/consumers/java/pom.xml "$out/java/src/dependency.xml" "$dir/pom.xml" \
    "{\"ARTIFACT_ID\":\"$name\",\"PACKAGE_VERSION\":\"$PACKAGE_VERSION\",\"DIST_REPOSITORY\":\"file://$root/dist/java\",\"CDK_VERSION\":\"$CDK_VERSION\",\"CONSTRUCTS_VERSION\":\"$CONSTRUCTS_VERSION\"}"
  (cd "$dir" && mvn --batch-mode --quiet -Dmaven.repo.local="$m2" compile dependency:build-classpath \
    -Dmdep.outputFile=classpath.txt >&2)
  echo "$class"
}

java_app() {
  local class
  class=$(java_project app)
  CDK_OUTDIR="$out/java/app" java -cp "$work/java/app/target/classes:$(cat "$work/java/app/classpath.txt")" "$class"
}

java_projenrc() {
  local class
  class=$(java_project projenrc)
  fresh "$out/java/project"
  (cd "$out/java/project" && PROJEN_DISABLE_POST=true java -cp "$work/java/projenrc/target/classes:$(cat "$work/java/projenrc/classpath.txt")" "$class")
}

sizes() {
  echo "sizes:" | tee -a "$report" >&2
  for f in dist/js/*.tgz dist/python/*.whl dist/python/*.tar.gz $(find dist/java -name '*.jar' | sort); do
    echo "  $f: $(du -k "$f" | cut -f1) KiB" | tee -a "$report" >&2
  done
}

main() {
  rm -rf "$work"
  mkdir -p "$out"
  : > "$report"
  start=$(date +%s)
  # POLYGLOT_SKIP_PACKAGE=1 reuses dist/ from an earlier run.
  if [ "${POLYGLOT_SKIP_PACKAGE:-}" != "1" ]; then
    timed "packages (compile, js, python, java)" package
  fi
  timed "typescript reference consumer (npm install + 2 synths)" typescript_consumer
  timed "python virtualenv (README install snippet)" python_venv
  timed "python CDK app (README snippet)" python_app
  timed "python projenrc (README snippet)" python_projenrc
  timed "java CDK app (Maven project from README snippets)" java_app
  timed "java projenrc (Maven project from README snippets)" java_projenrc
  sizes
  POLYGLOT_OUT="$out" timed "comparison tests" npx jest --runInBand --testPathIgnorePatterns=/node_modules/ --coverage=false test/polyglot
  echo "total: $(( $(date +%s) - start )) s" | tee -a "$report" >&2
  echo "Report: $report" >&2
}

# Sourcing this file (for one step at a time) defines the steps without running them.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main
fi
