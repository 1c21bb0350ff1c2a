import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';

function synth(options: Partial<CicdServiceProjectOptions> = {}): Record<string, any> {
  return synthSnapshot(new CicdServiceProject({
    name: 'orders-api',
    defaultReleaseBranch: 'main',
    cdkVersion: '2.189.1',
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-toolchain-')),
    ...options,
  }));
}

function steps(out: Record<string, any>, task: string): any[] {
  return out['.projen/tasks.json'].tasks[task].steps ?? [];
}

describe('the toolchain of a generated repository', () => {
  const out = synth();

  test('runs .projenrc.ts with tsx, without npx', () => {
    expect(steps(out, 'default')).toEqual([{ exec: 'node --import tsx .projenrc.ts' }]);
  });

  test('synthesizes the CDK app with tsx instead of ts-node', () => {
    expect(out['cdk.json'].app).toBe('node --import tsx src/main.ts');
  });

  test('keeps an app command given in the options', () => {
    const custom = synth({ app: 'node lib/main.js' });
    expect(custom['cdk.json'].app).toBe('node lib/main.js');
    expect(custom['package.json'].devDependencies).toHaveProperty('tsx');
  });

  test('transforms tests with @swc/jest instead of ts-jest', () => {
    const transform = out['package.json'].jest.transform;
    expect(Object.values(transform).map((t: any) => t[0])).toEqual(['@swc/jest']);
    expect(JSON.stringify(transform)).not.toContain('ts-jest');
  });

  test('installs tsx and swc in place of ts-node and ts-jest', () => {
    const devDeps = Object.keys(out['package.json'].devDependencies);
    expect(devDeps).toEqual(expect.arrayContaining(['tsx', '@swc/jest', '@swc/core', 'typescript']));
    expect(devDeps).not.toContain('ts-node');
    expect(devDeps).not.toContain('ts-jest');
  });

  test('compile type-checks sources, tests and .projenrc.ts in one program, incrementally', () => {
    const compile = steps(out, 'compile').map((s) => s.exec);
    expect(compile).toHaveLength(3);
    expect(compile[1]).toBe('tsc --build test/tsconfig.json');
    const include: string[] = out['test/tsconfig.json'].include;
    expect(include).toEqual(expect.arrayContaining(['**/*.ts', '../src/**/*.ts', '../.projenrc.ts', '../projenrc/**/*.ts']));
    const compilerOptions = out['test/tsconfig.json'].compilerOptions;
    expect(compilerOptions.noEmit).toBe(true);
    expect(compilerOptions.incremental).toBe(true);
    expect(compilerOptions.tsBuildInfoFile).toBe('../node_modules/.cache/tsc/dev.tsbuildinfo');
  });

  test('compile is a list of named steps around the type-check (the commands are tested in test/cli)', () => {
    expect(steps(out, 'compile')).toEqual([
      { exec: 'cicd-service-check-cache prepare', name: 'Forget cached checks when dependencies changed' },
      { exec: 'tsc --build test/tsconfig.json', name: 'Type-check sources, tests and .projenrc.ts' },
      { exec: 'cicd-service-check-cache record', name: 'Date the clean check at its start' },
    ]);
  });

  test('no task runs a node -e one-liner', () => {
    expect(JSON.stringify(out['.projen/tasks.json'])).not.toMatch(/node -e/);
  });

  test('cdk.json runs no build command before synth while there is nothing to bundle', () => {
    expect(out['cdk.json']).not.toHaveProperty('build');
    const withBundle = new CicdServiceProject({
      name: 'orders-api',
      defaultReleaseBranch: 'main',
      cdkVersion: '2.189.1',
      outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-toolchain-')),
    });
    withBundle.bundler.addBundle('./src/handler.ts', { platform: 'node', target: 'node20' });
    expect(synthSnapshot(withBundle)['cdk.json'].build).toBe('npx projen bundle');
  });

  test('skips checking library declarations, not the repository\'s own code', () => {
    expect(out['tsconfig.json'].compilerOptions.skipLibCheck).toBe(true);
    expect(out['tsconfig.json'].compilerOptions.strict).toBe(true);
  });

  test('lints with one TypeScript program, the one compile checks', () => {
    const parserOptions = out['.eslintrc.json'].parserOptions;
    expect(parserOptions.project).toBe('./test/tsconfig.json');
    expect(parserOptions).not.toHaveProperty('projectService');
  });

  test('ESLint keeps a content-keyed cache in node_modules, and its other arguments', () => {
    const [step] = steps(out, 'eslint');
    expect(step.args).toEqual(['--cache', '--cache-strategy', 'content', '--cache-location', 'node_modules/.cache/eslint/']);
    expect(step.execArgs.slice(0, 4)).toEqual(['eslint', '--ext', '.ts,.tsx', '--fix']);
    expect(step.receiveArgs).toBe(true);
  });

  test('build type-checks before the tests and the synth gate run', () => {
    const build = steps(out, 'build').map((s) => s.spawn);
    expect(build.indexOf('compile')).toBeGreaterThan(-1);
    expect(build.indexOf('compile')).toBeLessThan(build.indexOf('test'));
    expect(steps(out, 'test').map((s) => s.execArgs)).toEqual([['cicd-service-parallel', 'test:unit', 'gates', '--']]);
    expect(steps(out, 'test:unit').map((s) => s.spawn ?? s.execArgs?.[0])).toEqual(['jest', 'eslint', 'service:test']);
    expect(steps(out, 'gates').map((s) => s.spawn)).toContain('gates:synth');
  });

  test('Jest skips aws-cdk-lib\'s built-in template validation, which the synth gate runs', () => {
    const [jest] = steps(out, 'test:unit');
    expect(jest.execArgs[0]).toBe('jest');
    expect(jest.env).toEqual({ CDK_VALIDATION: 'false' });
    expect(out['.projen/tasks.json'].tasks['gates:synth'].env).toEqual({ CDK_VALIDATION: 'true' });
    expect(out['.projen/tasks.json'].tasks.test.env).toBeUndefined();
  });

  test('keeps a cdk.json build command the project was given', () => {
    const own = synth({ buildCommand: 'make assets' });
    expect(own['cdk.json'].build).toBe('make assets');
  });

  test('finds node_modules/.bin without starting npx for every task', () => {
    const pathEnv: string = out['.projen/tasks.json'].env.PATH;
    expect(pathEnv).toBe('$(echo "$PWD/node_modules/.bin:$PATH")');
    expect(JSON.stringify(out['.projen/tasks.json'])).not.toContain('ts-node');
  });
});
