import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';
import { checkBuildspec, lintDockerfile } from '../../src/gates/checks';
import { QualityGates } from '../../src/gates/quality-gates';
import { InvalidOptionError } from '../../src/shared/service-settings';

function files(options: Partial<CicdServiceProjectOptions> = {}): Record<string, any> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-'));
  return synthSnapshot(new CicdServiceProject({ name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, ...options }));
}

describe('Dockerfile lint', () => {
  test('passes the generated Dockerfile', () => {
    expect(lintDockerfile(files().Dockerfile)).toEqual([]);
  });

  test.each([
    ['an unknown instruction', (d: string) => d.replace('WORKDIR /app', 'WORKDIRR /app')],
    ['a port that is no number', (d: string) => d.replace(/^EXPOSE \d+$/m, 'EXPOSE http')],
    ['no FROM before the first instruction', (d: string) => d.replace(/^FROM .* AS build$/m, '')],
    ['a relative WORKDIR (a warning, raised to an error)', (d: string) => d.replace('WORKDIR /app', 'WORKDIR app')],
    ['a second CMD (a warning, raised to an error)', (d: string) => `${d}CMD ["node"]\n`],
    ['a HEALTHCHECK flag that does not exist', (d: string) => d.replace('--retries=3', '--retry=3')],
  ])('fails on %s', (_what, breakIt) => {
    const broken = breakIt(files().Dockerfile);
    expect(broken).not.toBe(files().Dockerfile);
    const problems = lintDockerfile(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].line).toBeGreaterThan(0);
  });
});

describe('buildspec schema', () => {
  test('passes the generated buildspec', () => {
    expect(checkBuildspec(files()['buildspec.yml'])).toEqual([]);
  });

  test.each([
    ['a misspelt phase', (b: string) => b.replace('pre_build:', 'prebuild:'), /must NOT have additional properties: "prebuild"/],
    ['an unsupported version', (b: string) => b.replace('version: 0.2', 'version: 0.3'), /\/version must be equal to one of the allowed values/],
    ['commands that are no list', (b: string) => b.replace(/ {6}- npm ci --no-audit --no-fund\n/, '      npm: ci\n'), /YAML|\/phases\/pre_build\/commands/],
    ['broken YAML', (b: string) => b.replace('phases:', 'phases: [\n'), /^YAML: /],
  ])('fails on %s', (_what, breakIt, message) => {
    const broken = breakIt(files()['buildspec.yml']);
    expect(broken).not.toBe(files()['buildspec.yml']);
    const problems = checkBuildspec(broken);
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });
});

describe('the cicd-service-gates command', () => {
  const cli = path.join(__dirname, '..', '..', 'src', 'gates', 'cli.ts');
  const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), cli, ...args], {
    cwd: dir, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.dev.json') },
  });
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-cli-'));
    const f = files();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), f.Dockerfile);
    fs.writeFileSync(path.join(dir, 'buildspec.yml'), f['buildspec.yml']);
    fs.writeFileSync(path.join(dir, 'Dockerfile.bad'), f.Dockerfile.replace('WORKDIR /app', 'WORKDIRR /app'));
    fs.writeFileSync(path.join(dir, 'buildspec.bad.yml'), f['buildspec.yml'].replace('pre_build:', 'prebuild:'));
  });

  test('passes the generated files (default file names)', () => {
    for (const gate of ['dockerfile', 'buildspec']) {
      const r = run(dir, gate);
      expect([gate, r.status, r.stderr]).toEqual([gate, 0, '']);
    }
  });

  test('exits 1 and names the file and line of each problem', () => {
    const d = run(dir, 'dockerfile', 'Dockerfile.bad');
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(/^Dockerfile\.bad:\d+: .+/m);
    const b = run(dir, 'buildspec', 'buildspec.bad.yml');
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('prebuild');
  });

  test('exits 2 on an unknown gate, 1 on a missing file', () => {
    expect(run(dir, 'nope').status).toBe(2);
    expect(run(dir, 'dockerfile', 'missing').status).toBe(1);
  });

  test('is the bin entry of the package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
    expect(pkg.bin['cicd-service-gates']).toBe('lib/gates/cli.js');
    expect(fs.readFileSync(cli, 'utf-8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('QualityGates.apply', () => {
  function synthWithBucket(options?: Parameters<typeof QualityGates.apply>[1]): () => void {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gates-cdk-')) });
    QualityGates.apply(app, options);
    new s3.Bucket(new Stack(app, 'control'), 'Unlogged');
    return () => app.synth();
  }

  test('a cdk-nag finding fails the synth', () => {
    expect(synthWithBucket()).toThrow(/AwsSolutions-S1'[\s\S]*AwsSolutions-S10'/);
  });

  test('with cdkNag and controlTower false, the same app synthesizes', () => {
    expect(synthWithBucket({ cdkNag: false, controlTower: false })).not.toThrow();
  });

  test.each([
    [null, 'qualityGates'], ['on', 'qualityGates'], [[], 'qualityGates'],
    [{ cdkNag: 'yes' }, 'qualityGates.cdkNag'], [{ strictSynth: 1 }, 'qualityGates.strictSynth'], [{ lint: true }, 'qualityGates.lint'],
    [{ controlTower: 'on' }, 'qualityGates.controlTower'],
  ])('rejects %p, naming %s', (value, option) => {
    expect(() => QualityGates._resolve(value)).toThrow(InvalidOptionError);
    expect(() => QualityGates._resolve(value)).toThrow(`Invalid option "${option}"`);
  });
});

describe('the built-in validation context', () => {
  const KEY = QualityGates.BUILTIN_VALIDATION_CONTEXT;
  const saved = process.env.CDK_VALIDATION;
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    jest.restoreAllMocks();
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  });

  /** Synthesizes a resource with a property CloudFormation does not have; true if aws-cdk-lib's validation reported it. */
  function validated(context: unknown, env: string | undefined): boolean {
    if (env === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = env;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-validation-'));
    const app = new App({ outdir, context: context === undefined ? {} : { [KEY]: context } });
    QualityGates.apply(app, { cdkNag: false, controlTower: false });
    new CfnResource(new Stack(app, 'schema'), 'Bad', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 'x' } });
    app.synth();
    const report = path.join(outdir, 'validation-report.json');
    return fs.existsSync(report) && fs.readFileSync(report, 'utf-8').includes('NoSuchProperty');
  }

  test.each([
    [undefined, undefined, true],
    [false, undefined, false],
    ['false', undefined, false],
    ['true', undefined, true],
    [false, 'true', true],
    [undefined, 'false', false],
  ])('context %p with CDK_VALIDATION=%p: validated %p', (context, env, expected) => {
    expect(validated(context, env)).toBe(expected);
  });

  test.each([['no'], [0], [{}]])('rejects the context value %p, naming the key', (value) => {
    delete process.env.CDK_VALIDATION;
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gates-validation-')), context: { [KEY]: value } });
    expect(() => QualityGates.apply(app)).toThrow(`Invalid option "context ${KEY}"`);
    expect(process.env.CDK_VALIDATION).toBeUndefined();
  });
});

/** The first words of the generated guide's paragraph on the Control Tower gate. */
const CONTROL_TOWER_PARAGRAPH = 'The synth gate also runs the AWS Control Tower proactive controls';

describe('gates in the generated repository', () => {
  test('on by default: cdk-nag installed, main.ts applies the gates with the managed settings', () => {
    const f = files();
    expect(f['package.json'].devDependencies['cdk-nag']).toBeDefined();
    expect(f['src/main.ts']).toContain('QualityGates.apply(app, qualityGates);');
    expect(f['src/service-settings.ts']).toMatch(/export const qualityGates: QualityGatesOptions = \{\n {2}cdkNag: true,\n {2}strictSynth: true,\n {2}dockerfileLint: true,\n {2}buildspecSchema: true,\n {2}controlTower: true,\n\};/);
    const tasks = f['.projen/tasks.json'].tasks;
    expect(tasks['gates:synth'].steps).toEqual([{ exec: 'cdk synth -q --strict' }]);
    // The gate runs aws-cdk-lib's built-in template validation; a developer's own synth skips it.
    expect(tasks['gates:synth'].env).toEqual({ CDK_VALIDATION: 'true' });
    expect(f['cdk.json'].context[QualityGates.BUILTIN_VALIDATION_CONTEXT]).toBe(false);
    expect(tasks['gates:dockerfile'].steps).toEqual([{ exec: 'cicd-service-gates dockerfile Dockerfile' }]);
    expect(tasks['gates:buildspec'].steps).toEqual([{ exec: 'cicd-service-gates buildspec buildspec.yml' }]);
    expect(tasks.synth.steps).toEqual([{ exec: 'cdk synth --strict' }]);
    // test runs the unit tests and the gates at the same time; its arguments go to test:unit (Jest).
    expect(tasks.test.steps).toEqual([{ name: 'Run test:unit and the gates at the same time', execArgs: ['cicd-service-parallel', 'test:unit', 'gates', '--'], receiveArgs: true }]);
    expect(tasks['test:unit'].steps.map((s: any) => s.spawn ?? s.execArgs?.[0])).toEqual(['jest', 'eslint', 'service:test']);
    // The README says so.
    expect(f['docs/operations.md']).toContain('`npx projen test:unit` (Jest, ESLint, the service tests) and `npx projen gates`');
    expect(f['docs/operations.md']).toContain('`cdk.json` sets `cicd-service-template:builtinValidation` to `false`');
    expect(f['docs/operations.md']).toContain(CONTROL_TOWER_PARAGRAPH);
    expect(f['package.json'].devDependencies['cicd-service-template']).toBeDefined();
    // build runs test, whose synth gate writes cdk.out: post-compile does not synthesize again.
    expect(tasks['post-compile'].steps ?? []).toEqual([]);
  });

  test('every gate off: no gate task, no cdk-nag, plain cdk synth', () => {
    const f = files({ qualityGates: { cdkNag: false, strictSynth: false, dockerfileLint: false, buildspecSchema: false, controlTower: false } });
    const tasks = f['.projen/tasks.json'].tasks;
    expect(Object.keys(tasks).filter((t) => t.startsWith('gates:'))).toEqual([]);
    expect(f['package.json'].devDependencies['cdk-nag']).toBeUndefined();
    expect(f['package.json'].devDependencies['@cdklabs/cdk-validator-cfnguard']).toBeUndefined();
    // The guide's hardening and compliance sections name Control Tower's controls; the gate's own paragraph is gone.
    expect(f['docs/operations.md']).not.toContain(CONTROL_TOWER_PARAGRAPH);
    expect(tasks['synth:silent'].steps).toEqual([{ execArgs: ['cdk', 'synth', '-q'] }]);
    // Without the synth gate, build synthesizes in post-compile as projen's CDK app does.
    expect(tasks['post-compile'].steps).toEqual([{ spawn: 'synth:silent' }]);
    // ...and Jest keeps aws-cdk-lib's built-in template validation, which no gate runs then.
    expect(tasks.test.steps[0].env).toBeUndefined();
    // ...and test runs its steps one after the other.
    expect(tasks.test.steps.map((s: any) => s.spawn ?? s.execArgs?.[0])).toEqual(['jest', 'eslint', 'service:test', 'gates']);
    expect(tasks['test:unit']).toBeUndefined();
    expect(f['docs/operations.md']).not.toContain('test:unit');
    expect(f['docs/operations.md']).not.toContain('builtinValidation');
    // ...and so does every synth.
    expect(f['cdk.json'].context ?? {}).not.toHaveProperty([QualityGates.BUILTIN_VALIDATION_CONTEXT]);
    expect(f['src/service-settings.ts']).toContain('cdkNag: false,');
  });

  test('without --strict, every synth keeps the built-in validation (the gate would only print its findings)', () => {
    const f = files({ qualityGates: { strictSynth: false } });
    expect(f['.projen/tasks.json'].tasks['gates:synth'].steps).toEqual([{ exec: 'cdk synth -q' }]);
    expect(f['cdk.json'].context ?? {}).not.toHaveProperty([QualityGates.BUILTIN_VALIDATION_CONTEXT]);
    expect(f['docs/operations.md']).not.toContain('builtinValidation');
    // cdk-nag is still on: test runs test:unit and the gates at the same time.
    expect(f['.projen/tasks.json'].tasks['test:unit']).toBeDefined();
  });

  test('a validation context that .projenrc.ts sets is kept', () => {
    const f = files({ context: { [QualityGates.BUILTIN_VALIDATION_CONTEXT]: true } });
    expect(f['cdk.json'].context[QualityGates.BUILTIN_VALIDATION_CONTEXT]).toBe(true);
  });

  test('an invalid qualityGates option writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-'));
    const options = { name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, qualityGates: { cdkNag: 'no' } } as unknown as CicdServiceProjectOptions;
    expect(() => new CicdServiceProject(options)).toThrow('Invalid option "qualityGates.cdkNag": got "no"; expected true or false.');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
