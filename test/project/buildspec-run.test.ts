import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synth } from './helpers';
import { BUILD_ENV } from '../../src/shared/service-settings';
import { SOURCE_COMMIT_ENV } from '../../src/shared/source-settings';

const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;
const REPOSITORY_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const TAG = COMMIT.slice(0, 8);
const STACK_TEMPLATE = 'cdk.out/orders-api-pipeline.template.json';

/**
 * Stand-ins for the tools the buildspec calls; each appends its arguments to $STUB_LOG.
 * - docker: `manifest inspect` finds only the image named by $IMAGE_IN_ECR; `push` of $FAIL_PUSH fails.
 * - npx: `projen test` writes a JUnit report (also when it fails, as jest-junit does) and, with
 *   $SYNTH_GATE, the synth gate's template; `projen synth:silent` writes the template.
 */
const STUBS: Record<string, string> = {
  aws: `#!/bin/bash
echo "aws $*" >> "$STUB_LOG"
[ "$1 $2" = "ecr get-login-password" ] && echo "ecr-password"
exit 0`,
  docker: `#!/bin/bash
[ "$1" = build ] && echo "DOCKER_BUILDKIT=$DOCKER_BUILDKIT" >> "$STUB_LOG"
if [ "$1" = login ]; then echo "docker $* stdin=$(cat)" >> "$STUB_LOG"; else echo "docker $*" >> "$STUB_LOG"; fi
[ "$1" = build ] && [ -n "$FAIL_DOCKER_BUILD" ] && exit 1
[ "$1" = pull ] && exit 1
if [ "$1 $2" = "manifest inspect" ]; then
  [ -n "$IMAGE_IN_ECR" ] && [ "$3" = "$IMAGE_IN_ECR" ] && { echo '{"schemaVersion": 2}'; exit 0; }
  echo "no such manifest: $3" >&2; exit 1
fi
[ "$1" = push ] && [ -n "$FAIL_PUSH" ] && [ "$2" = "$FAIL_PUSH" ] && exit 1
exit 0`,
  npm: `#!/bin/bash
echo "npm $*" >> "$STUB_LOG"
exit 0`,
  npx: `#!/bin/bash
echo "npx $*" >> "$STUB_LOG"
synth() { mkdir -p cdk.out && echo '{"Resources": {}}' > ${STACK_TEMPLATE}; }
if [ "$*" = "projen test" ]; then
  mkdir -p test-reports && echo '<testsuites/>' > test-reports/junit.xml
  [ -n "$SYNTH_GATE" ] && synth
  [ -n "$FAIL_TESTS" ] && exit 1
fi
[ "$*" = "projen synth:silent" ] && synth
[ "$*" = "projen check:managed" ] && [ -n "$FAIL_MANAGED" ] && exit 1
[ "$*" = "projen compile" ] && [ -n "$FAIL_COMPILE" ] && exit 1
exit 0`,
};

/** What a run did: the stub log, the folder it ran in, its output, and what CodeBuild would upload. */
interface Run {
  readonly log: string[];
  readonly dir: string;
  readonly output: string;
  /** Undefined when CodeBuild would skip UPLOAD_ARTIFACTS (after a failure in install or pre_build). */
  readonly uploaded?: { reports: string[]; artifacts: string[] };
  /** The exported variables at the end of the build. */
  readonly exported: Record<string, string>;
}

/** Every file under `dir`, relative to `root`. */
function filesUnder(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

/** The files that a buildspec file pattern (a plain path, or "<folder>/**\/*") matches in `root`. */
function matching(root: string, pattern: string, base = '.'): string[] {
  const all = filesUnder(path.join(root, base), '.').map((f) => path.posix.normalize(f));
  if (pattern.endsWith('/**/*')) return all.filter((f) => f.startsWith(pattern.slice(0, -'**/*'.length)));
  if (pattern.startsWith('**/*.')) return all.filter((f) => f.endsWith(pattern.slice('**/*'.length)));
  return all.filter((f) => f === pattern);
}

/**
 * Runs the buildspec's phases the way CodeBuild runs a version 0.2 buildspec: every command in one
 * shell, so variables carry over; a failing command fails its phase and skips the rest of it. After
 * a failure in install or pre_build CodeBuild goes straight to FINALIZING; after one in build it
 * runs post_build (with CODEBUILD_BUILD_SUCCEEDING=0); UPLOAD_ARTIFACTS (reports and artifacts)
 * follows post_build whatever its outcome.
 */
function runBuildspec(buildspec: string, env: Record<string, string>): Run {
  const spec = YAML.parse(buildspec);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-run-'));
  const bin = path.join(dir, '.stubs');
  fs.mkdirSync(bin);
  for (const [name, script] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), `${script}\n`, { mode: 0o755 });
  }
  const commandsDir = path.join(dir, '.commands');
  fs.mkdirSync(commandsDir);
  const exportedNames: string[] = spec.env?.['exported-variables'] ?? [];
  const driver: string[] = [
    'export CODEBUILD_BUILD_SUCCEEDING=1',
    ...Object.entries<string>(spec.env?.variables ?? {}).map(([name, value]) => `export ${name}='${value}'`),
    'finalizing=',
  ];
  for (const phase of PHASES) {
    const commands: string[] = spec.phases[phase]?.commands ?? [];
    const files = commands.map((command, i) => {
      const file = path.join(commandsDir, `${phase}-${i}.sh`);
      fs.writeFileSync(file, `${command}\n`);
      return file;
    });
    const runs = phase === 'post_build' ? '[ -z "$finalizing" ]' : '[ -z "$finalizing" ] && [ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]';
    const skipsToEnd = phase === 'install' || phase === 'pre_build' ? ' finalizing=1;' : '';
    driver.push(
      `if ${runs}; then`,
      `  echo "phase ${phase}" >> "$STUB_LOG"`,
      ...files.map((f) => `  if [ -z "$phase_failed" ]; then . '${f}' || { phase_failed=1; echo "failed ${phase}" >> "$STUB_LOG"; }; fi`),
      `  if [ -n "$phase_failed" ]; then CODEBUILD_BUILD_SUCCEEDING=0;${skipsToEnd} fi`,
      '  phase_failed=',
      'fi',
    );
  }
  const exportedFile = path.join(dir, '.exported');
  driver.push(
    'if [ -z "$finalizing" ]; then echo "upload" >> "$STUB_LOG"; fi',
    ...exportedNames.map((name) => `printf '%s=%s\\n' '${name}' "$${name}" >> '${exportedFile}'`),
  );
  const log = path.join(dir, '.stub-log');
  fs.writeFileSync(log, '');
  const result = spawnSync('bash', ['-c', driver.join('\n')], {
    cwd: dir,
    encoding: 'utf-8',
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, STUB_LOG: log, ...env },
  });
  const lines = fs.readFileSync(log, 'utf-8').trim().split('\n');
  const uploads = lines[lines.length - 1] === 'upload';
  const exported = Object.fromEntries((fs.existsSync(exportedFile) ? fs.readFileSync(exportedFile, 'utf-8').trim().split('\n') : [])
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return {
    log: uploads ? lines.slice(0, -1) : lines,
    dir,
    output: `${result.stdout}${result.stderr}`,
    uploaded: uploads ? {
      reports: Object.values<any>(spec.reports ?? {}).flatMap((r) => (r.files as string[]).flatMap((p) => matching(dir, p, r['base-directory']))).sort(),
      artifacts: (spec.artifacts.files as string[]).flatMap((p) => matching(dir, p)).sort(),
    } : undefined,
    exported,
  };
}

const CODEBUILD_ENV = {
  [BUILD_ENV.repositoryUri]: REPOSITORY_URI,
  [BUILD_ENV.containerName]: 'orders-api',
  [BUILD_ENV.accountId]: '123456789012',
  AWS_DEFAULT_REGION: 'eu-west-1',
  CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
  // The default quality gates synthesize the CDK app during `npx projen test`.
  SYNTH_GATE: '1',
};

/** What every build logs up to the tests, pipeline and pull request builds alike. */
const CHECKS = [
  'phase install',
  'phase pre_build',
  'aws ecr get-login-password --region eu-west-1',
  'docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com stdin=ecr-password',
  'npm ci --no-audit --no-fund',
  'npx projen check:managed',
  'npx projen compile',
  'phase build',
  'npx projen test',
];

const pushes = (log: string[]) => log.filter((l) => l.startsWith('docker push'));
const definitionsIn = (dir: string) => fs.existsSync(path.join(dir, 'imagedefinitions.json'));

describe('buildspec.yml run with stub tools', () => {
  const buildspec: string = synth()['buildspec.yml'];

  test('a successful run tests, builds, pushes the commit tag and hands over imagedefinitions.json and the templates', () => {
    const { log, dir, uploaded, exported } = runBuildspec(buildspec, CODEBUILD_ENV);
    expect(log).toEqual([
      ...CHECKS,
      `docker manifest inspect ${REPOSITORY_URI}:${TAG}`,
      `docker pull ${REPOSITORY_URI}:latest`,
      'DOCKER_BUILDKIT=1',
      `docker build --cache-from ${REPOSITORY_URI}:latest --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg SERVICE_VERSION=${TAG} -t ${REPOSITORY_URI}:${TAG} -t ${REPOSITORY_URI}:latest .`,
      'phase post_build',
      `docker push ${REPOSITORY_URI}:${TAG}`,
      `docker push ${REPOSITORY_URI}:latest`,
    ]);
    const definitions = JSON.parse(fs.readFileSync(path.join(dir, 'imagedefinitions.json'), 'utf-8'));
    expect(definitions).toEqual([{ name: 'orders-api', imageUri: `${REPOSITORY_URI}:${TAG}` }]);
    expect(uploaded).toEqual({ reports: ['junit.xml'], artifacts: [STACK_TEMPLATE, 'imagedefinitions.json'] });
    // The pipeline reads the tag as a variable of the build action.
    expect(exported).toEqual({ IMAGE_TAG: TAG });
  });

  test('a rebuild of a commit whose image is in ECR runs the tests, pushes nothing and writes imagedefinitions.json', () => {
    const { log, dir, uploaded } = runBuildspec(buildspec, { ...CODEBUILD_ENV, IMAGE_IN_ECR: `${REPOSITORY_URI}:${TAG}` });
    expect(log).toContain('npx projen test');
    expect(log).toContain(`docker manifest inspect ${REPOSITORY_URI}:${TAG}`);
    expect(log.filter((l) => /^docker (pull|build|push)/.test(l))).toEqual([]);
    expect(log).not.toContain('failed build');
    expect(log).not.toContain('failed post_build');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'imagedefinitions.json'), 'utf-8')))
      .toEqual([{ name: 'orders-api', imageUri: `${REPOSITORY_URI}:${TAG}` }]);
    expect(uploaded?.artifacts).toEqual([STACK_TEMPLATE, 'imagedefinitions.json']);
  });

  test('another commit\'s image in ECR does not stop the build of this one', () => {
    const { log } = runBuildspec(buildspec, { ...CODEBUILD_ENV, IMAGE_IN_ECR: `${REPOSITORY_URI}:89abcdef` });
    expect(pushes(log)).toEqual([`docker push ${REPOSITORY_URI}:${TAG}`, `docker push ${REPOSITORY_URI}:latest`]);
  });

  test('a failing test pushes nothing and writes no imagedefinitions.json, but its report is uploaded', () => {
    const { log, dir, uploaded, output } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_TESTS: '1' });
    expect(log).toContain('npx projen test');
    expect(log).toContain('failed build');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(log).toContain('phase post_build');
    expect(output).toContain('The build failed: no image pushed.');
    expect(definitionsIn(dir)).toBe(false);
    expect(uploaded?.reports).toEqual(['junit.xml']);
  });

  test.each([
    ['a hand-edited managed file', 'FAIL_MANAGED', 'npx projen check:managed'],
    ['a type error', 'FAIL_COMPILE', 'npx projen compile'],
  ])('%s stops the build before the tests and any push', (_what, failure, command) => {
    const { log, dir, uploaded } = runBuildspec(buildspec, { ...CODEBUILD_ENV, [failure]: '1' });
    expect(log).toContain(command);
    expect(log[log.length - 1]).toBe('failed pre_build');
    expect(log).not.toContain('npx projen test');
    expect(pushes(log)).toEqual([]);
    expect(definitionsIn(dir)).toBe(false);
    expect(uploaded).toBeUndefined();
  });

  test('a failing image build runs post_build without pushing', () => {
    const { log, dir, output } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_DOCKER_BUILD: '1' });
    expect(log).toContain('failed build');
    expect(log).toContain('phase post_build');
    expect(pushes(log)).toEqual([]);
    expect(output).toContain('The build failed: no image pushed.');
    expect(definitionsIn(dir)).toBe(false);
  });

  test('a failed push of the commit tag fails the build without imagedefinitions.json', () => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_PUSH: `${REPOSITORY_URI}:${TAG}` });
    expect(log).toContain('failed post_build');
    expect(pushes(log)).toEqual([`docker push ${REPOSITORY_URI}:${TAG}`]);
    expect(definitionsIn(dir)).toBe(false);
  });

  test('a failed push of the cache tag does not fail the build', () => {
    const { log, dir, output } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_PUSH: `${REPOSITORY_URI}:latest` });
    expect(log).not.toContain('failed post_build');
    expect(output).toContain('The layer cache (latest) was not pushed');
    expect(definitionsIn(dir)).toBe(true);
  });

  test('without a source version the build stops before pushing', () => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: '' });
    expect(log).toContain('failed pre_build');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(definitionsIn(dir)).toBe(false);
  });

  test('the commit ID that the pipeline\'s build action passes tags the image, whatever CodeBuild resolved (any source)', () => {
    const other = 'fedcba9876543210fedcba9876543210fedcba98';
    for (const resolved of ['', COMMIT]) {
      const env = { ...CODEBUILD_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: resolved, [SOURCE_COMMIT_ENV]: other };
      const { log, exported } = runBuildspec(buildspec, env);
      expect(pushes(log)).toEqual([`docker push ${REPOSITORY_URI}:${other.slice(0, 8)}`, `docker push ${REPOSITORY_URI}:latest`]);
      expect(exported).toEqual({ IMAGE_TAG: other.slice(0, 8) });
    }
  });

  test('with the synth gate off, the build synthesizes the templates itself', () => {
    const withoutSynthGate: string = synth({ qualityGates: { cdkNag: false, strictSynth: false, controlTower: false } })['buildspec.yml'];
    const { log, uploaded } = runBuildspec(withoutSynthGate, { ...CODEBUILD_ENV, SYNTH_GATE: '' });
    expect(log.indexOf('npx projen synth:silent')).toBe(log.indexOf('npx projen test') + 1);
    expect(uploaded?.artifacts).toEqual([STACK_TEMPLATE, 'imagedefinitions.json']);
    // With the gate on, the tests' synth is the only one.
    expect(runBuildspec(buildspec, CODEBUILD_ENV).log).not.toContain('npx projen synth:silent');
  });

  test('extra commands run in their phase, after the template\'s commands', () => {
    const custom: string = synth({ buildspecExtraCommands: { preBuildCommands: ['npm run audit-ci'], buildCommands: ['docker images'], postBuildCommands: ['aws ecs list-tasks'] } })['buildspec.yml'];
    const { log } = runBuildspec(custom, CODEBUILD_ENV);
    expect(log.indexOf('npm run audit-ci')).toBe(log.indexOf('npx projen compile') + 1);
    expect(log.indexOf('docker images')).toBe(log.indexOf('phase post_build') - 1);
    expect(log[log.length - 1]).toBe('aws ecs list-tasks');
  });
});

describe('buildspec.yml run as a pull request build (verify only)', () => {
  const buildspec: string = synth()['buildspec.yml'];
  const PULL_REQUEST_ENV = { ...CODEBUILD_ENV, [BUILD_ENV.verifyOnly]: '1' };

  test('runs every check and builds the image, but pushes nothing and writes no imagedefinitions.json', () => {
    const { log, dir, uploaded, output } = runBuildspec(buildspec, PULL_REQUEST_ENV);
    expect(log).toEqual([
      ...CHECKS,
      `docker pull ${REPOSITORY_URI}:latest`,
      'DOCKER_BUILDKIT=1',
      `docker build --cache-from ${REPOSITORY_URI}:latest --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg SERVICE_VERSION=${TAG} -t ${REPOSITORY_URI}:${TAG} -t ${REPOSITORY_URI}:latest .`,
      'phase post_build',
    ]);
    expect(output).toContain('Pull request build (verify only): no image pushed, no imagedefinitions.json.');
    expect(definitionsIn(dir)).toBe(false);
    // The test report still reaches CodeBuild: the pull request's comment links to it.
    expect(uploaded?.reports).toEqual(['junit.xml']);
  });

  test('without the pipeline\'s commit ID, tags the image with the commit that CodeBuild resolved: the pull request\'s source commit', () => {
    const sourceCommit = 'abcdef0123456789abcdef0123456789abcdef01';
    const { log, exported } = runBuildspec(buildspec, { ...PULL_REQUEST_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: sourceCommit });
    expect(PULL_REQUEST_ENV).not.toHaveProperty(SOURCE_COMMIT_ENV);
    expect(log.filter((l) => l.startsWith('docker build'))).toEqual([expect.stringContaining(`--build-arg SERVICE_VERSION=abcdef01 -t ${REPOSITORY_URI}:abcdef01 `)]);
    expect(exported).toEqual({ IMAGE_TAG: 'abcdef01' });
    expect(pushes(log)).toEqual([]);
  });

  test('builds the image even when the commit\'s image is in ECR: the image build is one of the checks', () => {
    const { log } = runBuildspec(buildspec, { ...PULL_REQUEST_ENV, IMAGE_IN_ECR: `${REPOSITORY_URI}:${TAG}` });
    expect(log.filter((l) => l.startsWith('docker build'))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('docker manifest'))).toEqual([]);
    expect(pushes(log)).toEqual([]);
  });

  test('a failing test fails the pull request build, with its report uploaded', () => {
    const { log, dir, uploaded } = runBuildspec(buildspec, { ...PULL_REQUEST_ENV, FAIL_TESTS: '1' });
    expect(log).toContain('failed build');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(definitionsIn(dir)).toBe(false);
    expect(uploaded?.reports).toEqual(['junit.xml']);
  });

  test('any other value of the variable is a pipeline build', () => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, [BUILD_ENV.verifyOnly]: '0' });
    expect(pushes(log)).toEqual([`docker push ${REPOSITORY_URI}:${TAG}`, `docker push ${REPOSITORY_URI}:latest`]);
    expect(definitionsIn(dir)).toBe(true);
  });
});
