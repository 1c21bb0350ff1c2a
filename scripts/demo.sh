#!/usr/bin/env bash
# The main job: install, build the package, generate a demo service repository from the packed
# tarball into ./.demo (git-ignored), build it (its CDK app synthesizes) and say what was generated.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
[ -d node_modules/projen ] || npm ci --no-audit --no-fund
tgz=$(bash scripts/pack.sh)
rm -rf .demo
bash scripts/generate.sh "$tgz" .demo --no-git
cd .demo
echo
echo "Generated a service repository in $root/.demo ($(( $(date +%s) - start )) s):"
find . -type f -not -path './node_modules/*' -not -path './cdk.out/*' -not -path './coverage/*' -not -path './test-reports/*' -not -path './lib/*' -not -path './service/dist/*' -not -path './service/node_modules/*' | sed 's|^\./||' | sort | sed 's/^/  /'
echo
echo "CDK synth output: $root/.demo/cdk.out, one template per stack:"
(cd cdk.out && ls -- *.template.json) | sed 's/^/  /'
echo "npx projen deploy runs \"$(node -p "require('./.projen/tasks.json').tasks.deploy.steps[0].exec")\" (the pipeline stack; the pipeline deploys the others)"
