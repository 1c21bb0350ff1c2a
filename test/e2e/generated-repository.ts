import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');

/** The environment of a developer's shell: projen installs with `npm ci` (a frozen lockfile) when CI is set. */
export function developerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CI;
  return env;
}

/**
 * Packs this package once per test run and returns the tarball's absolute path. Jest loads this
 * module afresh for every test file, so the tarball is kept in the run's temporary folder
 * (test/setup/tmpdir-setup.ts) for the files that follow; a later `scripts/pack.sh` elsewhere does
 * not change it under the run either.
 */
export function packedTarball(): string {
  const runDir = process.env.CICD_TEST_TMPDIR;
  const kept = runDir ? path.join(runDir, 'cicd-service-template.tgz') : undefined;
  if (kept && fs.existsSync(kept)) {
    return kept;
  }
  const packed = execFileSync('bash', [path.join(ROOT, 'scripts', 'pack.sh')], { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  if (!kept) {
    return packed;
  }
  fs.copyFileSync(packed, kept);
  return kept;
}

/**
 * The package as it was at `commit` (a full hash), packed by that commit's own scripts/pack.sh
 * and kept as `.tmp/cicd-service-template-<commit>.tgz`: a commit's tarball never changes, so it is
 * built once and reused by every test and every later run.
 */
export function packedTarballAt(commit: string): string {
  const target = path.join(ROOT, '.tmp', `cicd-service-template-${commit}.tgz`);
  if (fs.existsSync(target)) {
    return target;
  }
  // An exported tree, not a git worktree: nothing is registered in the repository's .git.
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-at-commit-'));
  try {
    const archive = path.join(source, 'source.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', archive, commit], { cwd: ROOT });
    execFileSync('tar', ['xf', archive, '-C', source]);
    fs.rmSync(archive);
    const run = (command: string, args: string[]) => execFileSync(command, args, {
      cwd: source, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], env: developerEnv(),
    });
    run('npm', ['ci', '--no-audit', '--no-fund']);
    const packed = run('bash', ['scripts/pack.sh']).trim();
    // Renamed into place only when complete: an interrupted build leaves no tarball to reuse.
    const partial = `${target}.partial`;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(packed, partial);
    fs.renameSync(partial, target);
    return target;
  } finally {
    fs.rmSync(source, { recursive: true, force: true });
  }
}

/**
 * Generates a service repository from the packed tarball with `projen new --no-git --from`
 * in a fresh temporary folder, builds it with `npx projen build` unless `build` is false, and
 * returns the folder.
 */
export function generateRepository(extraArgs: string[] = [], from: string = packedTarball(), build = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-e2e-'));
  execFileSync('bash', [path.join(ROOT, 'scripts', 'generate.sh'), from, dir, '--no-git', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...developerEnv(), GENERATE_BUILD: build ? '1' : '0' },
  });
  return dir;
}

/** The stack template files of a cloud assembly, sorted. */
export function templateFiles(cdkOut: string): string[] {
  return fs.readdirSync(cdkOut).filter((f) => f.endsWith('.template.json')).sort();
}

/** A CloudFormation action of a pipeline: the stack it deploys and where its template comes from. */
export interface StackDeployment {
  readonly stage: string;
  readonly action: string;
  readonly stackName: string;
  /** The input artifact the template is read from (the part of TemplatePath before `::`). */
  readonly artifact: string;
  /** The template's path inside that artifact. */
  readonly templatePath: string;
}

/** The CloudFormation deploy actions of every CodePipeline in a synthesized template. */
export function stackDeployments(template: any): StackDeployment[] {
  const deployments: StackDeployment[] = [];
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CodePipeline::Pipeline') continue;
    for (const stage of resource.Properties.Stages) {
      for (const action of stage.Actions) {
        if (action.ActionTypeId.Provider !== 'CloudFormation') continue;
        const [artifact, templatePath] = String(action.Configuration.TemplatePath).split('::');
        deployments.push({ stage: stage.Name, action: action.Name, stackName: action.Configuration.StackName, artifact, templatePath });
      }
    }
  }
  return deployments;
}

/** The output artifacts of the pipeline actions whose provider is CodeBuild. */
export function buildOutputArtifacts(template: any): string[] {
  return Object.values<any>(template.Resources ?? {})
    .filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')
    .flatMap((r) => r.Properties.Stages.flatMap((s: any) => s.Actions))
    .filter((a) => a.ActionTypeId.Provider === 'CodeBuild')
    .flatMap((a) => (a.OutputArtifacts ?? []).map((o: any) => o.Name));
}

/**
 * Whether the `artifacts.files` of a buildspec put `file` (relative to the source root) into the
 * build's output artifact: named exactly, or under a folder pattern `<folder>/**` or `<folder>/**\/*`.
 */
export function buildspecPublishes(buildspec: string, file: string): boolean {
  const spec = parse(buildspec);
  const patterns: string[] = spec?.artifacts?.files ?? [];
  if (spec?.artifacts?.['base-directory'] !== undefined || spec?.artifacts?.['discard-paths'] === 'yes') {
    // Either one moves the files inside the artifact; no pattern of ours does this.
    return false;
  }
  return patterns.some((pattern) => {
    const folder = pattern.replace(/\/\*\*(\/\*)?$/, '/');
    return pattern === file || (folder !== pattern && file.startsWith(folder));
  });
}
