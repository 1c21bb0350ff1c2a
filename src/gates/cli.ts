#!/usr/bin/env node
import * as fs from 'fs';
import { checkBuildspec, GateProblem, lintDockerfile } from './checks';

/**
 * `cicd-service-gates dockerfile [Dockerfile]` lints a Dockerfile; `cicd-service-gates buildspec
 * [buildspec.yml]` checks a buildspec against the CodeBuild buildspec schema. Either exits 1 and
 * lists the problems when it finds any.
 */
const GATES: Record<string, { defaultFile: string; check: (text: string) => GateProblem[] }> = {
  dockerfile: { defaultFile: 'Dockerfile', check: lintDockerfile },
  buildspec: { defaultFile: 'buildspec.yml', check: checkBuildspec },
};

function main(args: string[]): number {
  const [gate, file] = args;
  const spec = GATES[gate];
  if (!spec || args.length > 2) {
    process.stderr.write(`usage: cicd-service-gates <${Object.keys(GATES).join('|')}> [file]\n`);
    return 2;
  }
  const target = file ?? spec.defaultFile;
  if (!fs.existsSync(target)) {
    process.stderr.write(`cicd-service-gates ${gate}: ${target} does not exist\n`);
    return 1;
  }
  const problems = spec.check(fs.readFileSync(target, 'utf-8'));
  for (const p of problems) {
    process.stderr.write(`${target}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  }
  if (problems.length > 0) {
    process.stderr.write(`cicd-service-gates ${gate}: ${problems.length} problem(s) in ${target}\n`);
    return 1;
  }
  process.stdout.write(`cicd-service-gates ${gate}: ${target} passes\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
