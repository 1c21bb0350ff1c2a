import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synth } from './helpers';
import { BUILD_ENV } from '../../src/shared/service-settings';

const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;
const REPOSITORY_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** Stand-ins for the tools the buildspec calls; each appends its arguments to $STUB_LOG. */
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
exit 0`,
  npm: `#!/bin/bash
echo "npm $*" >> "$STUB_LOG"
exit 0`,
  npx: `#!/bin/bash
echo "npx $*" >> "$STUB_LOG"
[ "$*" = "projen test" ] && [ -n "$FAIL_TESTS" ] && exit 1
[ "$*" = "projen check:managed" ] && [ -n "$FAIL_MANAGED" ] && exit 1
[ "$*" = "projen compile" ] && [ -n "$FAIL_COMPILE" ] && exit 1
exit 0`,
};

/**
 * Runs the buildspec's phases the way CodeBuild runs a version 0.2 buildspec: every command in one
 * shell, so variables carry over; a failing command fails its phase and skips the rest of it and
 * the later phases, except post_build, which runs with CODEBUILD_BUILD_SUCCEEDING=0.
 */
function runBuildspec(buildspec: string, env: Record<string, string>): { log: string[]; dir: string; output: string } {
  const spec = YAML.parse(buildspec);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-run-'));
  const bin = path.join(dir, '.stubs');
  fs.mkdirSync(bin);
  for (const [name, script] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), `${script}\n`, { mode: 0o755 });
  }
  const commandsDir = path.join(dir, '.commands');
  fs.mkdirSync(commandsDir);
  const driver: string[] = [
    'export CODEBUILD_BUILD_SUCCEEDING=1',
    ...Object.entries<string>(spec.env?.variables ?? {}).map(([name, value]) => `export ${name}='${value}'`),
  ];
  for (const phase of PHASES) {
    const commands: string[] = spec.phases[phase]?.commands ?? [];
    const files = commands.map((command, i) => {
      const file = path.join(commandsDir, `${phase}-${i}.sh`);
      fs.writeFileSync(file, `${command}\n`);
      return file;
    });
    const skip = phase === 'post_build' ? 'false' : '[ "$CODEBUILD_BUILD_SUCCEEDING" != 1 ]';
    driver.push(
      `if ! ${skip}; then`,
      `  echo "phase ${phase}" >> "$STUB_LOG"`,
      ...files.map((f) => `  if [ -z "$phase_failed" ]; then . '${f}' || { phase_failed=1; echo "failed ${phase}" >> "$STUB_LOG"; }; fi`),
      '  if [ -n "$phase_failed" ]; then CODEBUILD_BUILD_SUCCEEDING=0; fi',
      '  phase_failed=',
      'fi',
    );
  }
  const log = path.join(dir, '.stub-log');
  fs.writeFileSync(log, '');
  const result = spawnSync('bash', ['-c', driver.join('\n')], {
    cwd: dir,
    encoding: 'utf-8',
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, STUB_LOG: log, ...env },
  });
  return { log: fs.readFileSync(log, 'utf-8').trim().split('\n'), dir, output: `${result.stdout}${result.stderr}` };
}

const CODEBUILD_ENV = {
  [BUILD_ENV.repositoryUri]: REPOSITORY_URI,
  [BUILD_ENV.containerName]: 'orders-api',
  [BUILD_ENV.accountId]: '123456789012',
  AWS_DEFAULT_REGION: 'eu-west-1',
  CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
};

describe('buildspec.yml run with stub tools', () => {
  const buildspec: string = synth()['buildspec.yml'];

  test('a successful run tests, builds, pushes the commit tag and writes imagedefinitions.json', () => {
    const { log, dir } = runBuildspec(buildspec, CODEBUILD_ENV);
    const tag = COMMIT.slice(0, 8);
    expect(log).toEqual([
      'phase install',
      'phase pre_build',
      'aws ecr get-login-password --region eu-west-1',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com stdin=ecr-password',
      'npm ci --no-audit --no-fund',
      'npx projen check:managed',
      'npx projen compile',
      'npx projen test',
      'phase build',
      `docker pull ${REPOSITORY_URI}:latest`,
      'DOCKER_BUILDKIT=1',
      `docker build --cache-from ${REPOSITORY_URI}:latest --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg SERVICE_VERSION=${tag} -t ${REPOSITORY_URI}:${tag} -t ${REPOSITORY_URI}:latest .`,
      'phase post_build',
      `docker push ${REPOSITORY_URI}:${tag}`,
      `docker push ${REPOSITORY_URI}:latest`,
    ]);
    const definitions = JSON.parse(fs.readFileSync(path.join(dir, 'imagedefinitions.json'), 'utf-8'));
    expect(definitions).toEqual([{ name: 'orders-api', imageUri: `${REPOSITORY_URI}:${tag}` }]);
  });

  test('a failing test stops before the image is built or pushed', () => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_TESTS: '1' });
    expect(log).toContain('npx projen test');
    expect(log).toContain('failed pre_build');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(log).not.toContain('phase build');
    expect(fs.existsSync(path.join(dir, 'imagedefinitions.json'))).toBe(false);
  });

  test.each([
    ['a hand-edited managed file', 'FAIL_MANAGED', 'npx projen check:managed'],
    ['a type error', 'FAIL_COMPILE', 'npx projen compile'],
  ])('%s stops the build before the tests and any push', (_what, failure, command) => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, [failure]: '1' });
    expect(log).toContain(command);
    expect(log).toContain('failed pre_build');
    expect(log).not.toContain('npx projen test');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'imagedefinitions.json'))).toBe(false);
  });

  test('a failing image build runs post_build without pushing', () => {
    const { log, dir, output } = runBuildspec(buildspec, { ...CODEBUILD_ENV, FAIL_DOCKER_BUILD: '1' });
    expect(log).toContain('failed build');
    expect(log).toContain('phase post_build');
    expect(log.filter((l) => l.startsWith('docker push'))).toEqual([]);
    expect(output).toContain('The build failed: no image pushed.');
    expect(fs.existsSync(path.join(dir, 'imagedefinitions.json'))).toBe(false);
  });

  test('without a source version the build stops before pushing', () => {
    const { log, dir } = runBuildspec(buildspec, { ...CODEBUILD_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: '' });
    expect(log).toContain('failed pre_build');
    expect(log.filter((l) => /^docker (build|push)/.test(l))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'imagedefinitions.json'))).toBe(false);
  });

  test('extra commands run in their phase, after the template\'s commands', () => {
    const custom: string = synth({ buildspecExtraCommands: { preBuildCommands: ['npm run audit-ci'], postBuildCommands: ['aws ecs list-tasks'] } })['buildspec.yml'];
    const { log } = runBuildspec(custom, CODEBUILD_ENV);
    expect(log.indexOf('npm run audit-ci')).toBe(log.indexOf('npx projen test') + 1);
    expect(log[log.length - 1]).toBe('aws ecs list-tasks');
  });
});
