import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildOutputArtifacts, buildspecPublishes, developerEnv, generateRepository, packedTarball, stackDeployments, templateFiles,
} from './generated-repository';

jest.setTimeout(15 * 60 * 1000);

describe('a repository generated from the packed tarball', () => {
  let dir: string;
  let service: string;

  beforeAll(() => {
    dir = generateRepository();
    // The service is named after the repository's folder.
    service = path.basename(dir).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  });

  test('the tarball ships the templates', () => {
    const list = execFileSync('tar', ['tzf', packedTarball()], { encoding: 'utf-8' });
    expect(list).toContain('package/templates/app/main.ts.mustache');
    expect(list).toContain('package/lib/project/template-renderer.js');
    // Only the package itself: no demo repository, scripts or build leftovers.
    const top = new Set(list.split('\n').filter(Boolean).map((entry) => entry.split('/')[1]));
    expect([...top].sort()).toEqual(['.jsii', 'CHANGELOG.md', 'LICENSE', 'README.md', 'lib', 'node_modules', 'package.json', 'schemas', 'templates']);
  });

  test('renders its files from the installed package', () => {
    const installed = path.join(dir, 'node_modules', 'cicd-service-template', 'templates', 'app', 'main.ts.mustache');
    expect(fs.existsSync(installed)).toBe(true);
    const main = fs.readFileSync(path.join(dir, 'src', 'main.ts'), 'utf-8');
    expect(main).toContain('export function createApp(');
    expect(main).toContain('new CicdService(app, serviceSettings)');
    expect(main).not.toContain('CicdPipelineStack');
  });

  test('records the tarball as the template dependency', () => {
    const rc = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8');
    expect(rc).toContain('new CicdServiceProject(');
    expect(rc).toContain('cicd-service-template@file:');
  });

  test('builds: compiles, synthesizes the pipeline stack and one stack per environment, and runs its tests', () => {
    expect(templateFiles(path.join(dir, 'cdk.out'))).toEqual([`${service}-pipeline`, `${service}-production`, `${service}-staging`].map((s) => `${s}.template.json`));
    expect(fs.existsSync(path.join(dir, 'test-reports', 'junit.xml'))).toBe(true);
  });

  test('the pipeline deploys every stack of cdk.out from the template the build publishes', () => {
    const cdkOut = path.join(dir, 'cdk.out');
    const pipeline = JSON.parse(fs.readFileSync(path.join(cdkOut, `${service}-pipeline.template.json`), 'utf-8'));
    const deployments = stackDeployments(pipeline);
    // The pipeline updates itself first, then deploys staging and production in that order.
    expect(deployments.map((d) => d.stackName)).toEqual([`${service}-pipeline`, `${service}-staging`, `${service}-production`]);
    // Each template comes from the build's output artifact, which the buildspec's artifacts fill.
    const built = buildOutputArtifacts(pipeline);
    expect(built).toHaveLength(1);
    const buildspec = fs.readFileSync(path.join(dir, 'buildspec.yml'), 'utf-8');
    for (const d of deployments) {
      expect([d.artifact, d.templatePath]).toEqual([built[0], `cdk.out/${d.stackName}.template.json`]);
      expect([d.templatePath, fs.existsSync(path.join(dir, d.templatePath))]).toEqual([d.templatePath, true]);
      expect([d.templatePath, buildspecPublishes(buildspec, d.templatePath)]).toEqual([d.templatePath, true]);
    }
    // And nothing in cdk.out that the pipeline leaves undeployed.
    expect(deployments.map((d) => `${d.stackName}.template.json`).sort()).toEqual(templateFiles(cdkOut));
  });

  test('allowScripts covers every installed package that has install scripts, and lists no other', () => {
    // npm (11.19 on this machine) reviews the field against node_modules.
    const npm = (...args: string[]) => execFileSync('npm', args, { cwd: dir, encoding: 'utf-8', env: developerEnv() }).trim();
    expect(npm('install-scripts', 'ls')).toBe('No packages with unreviewed install scripts.');
    expect(npm('install-scripts', 'prune', '--dry-run')).toBe('No unused allowScripts entries.');
  });

  test('two cdk synth runs write byte-identical templates', () => {
    const synth = () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-synth-'));
      execFileSync('npx', ['cdk', 'synth', '-q', '-o', out], { cwd: dir, stdio: 'pipe', env: developerEnv() });
      return Object.fromEntries(templateFiles(out).map((f) => [f, fs.readFileSync(path.join(out, f))]));
    };
    const first = synth();
    const second = synth();
    expect(Object.keys(first)).toHaveLength(3);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const file of Object.keys(first)) {
      expect([file, first[file].equals(second[file])]).toEqual([file, true]);
    }
  });

  test('npx projen deploy deploys the pipeline stack, one of the stacks the app lists', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(dir, '.projen', 'tasks.json'), 'utf-8')).tasks;
    expect(tasks.deploy.steps).toEqual([{ exec: `cdk deploy ${service}-pipeline`, receiveArgs: true }]);
    const stacks = execFileSync('npx', ['cdk', 'list'], { cwd: dir, encoding: 'utf-8', env: developerEnv() }).split('\n').filter(Boolean);
    expect(stacks.sort()).toEqual([`${service}-pipeline`, `${service}-production`, `${service}-staging`]);
  });

  test('check:managed passes as generated, and names a managed file edited by hand', () => {
    const run = () => execFileSync('npx', ['projen', 'check:managed'], { cwd: dir, encoding: 'utf-8', stdio: 'pipe', env: developerEnv() });
    expect(run()).toContain('Managed files match .projenrc.ts.');

    const dockerfile = path.join(dir, 'Dockerfile');
    const generated = fs.readFileSync(dockerfile, 'utf-8');
    fs.chmodSync(dockerfile, 0o644);
    fs.writeFileSync(dockerfile, generated.replace('USER node', 'USER root'));
    let failure: { status?: number; stderr?: string } = {};
    try {
      run();
    } catch (e) {
      failure = e as { status?: number; stderr?: string };
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr).toContain('Dockerfile (edited)');
    expect(fs.readFileSync(dockerfile, 'utf-8')).toBe(generated);
  });

  test('a build synthesizes the app once, and ESLint\'s cache still finds an error in an edited file', () => {
    // projen logs every command it runs as "👾 <task> | <command>", except under NODE_ENV=test (Jest's).
    const env = developerEnv();
    delete env.NODE_ENV;
    const build = spawnSync('npx', ['projen', 'build'], { cwd: dir, encoding: 'utf-8', env });
    const output = `${build.stdout}\n${build.stderr}`;
    expect(build.status).toBe(0);
    expect(output).toContain('| tsc --build test/tsconfig.json');
    expect(output.match(/\| cdk synth/g)).toEqual(['| cdk synth']);
    expect(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'eslint'))).toBe(true);

    const main = path.join(dir, 'src', 'main.ts');
    const source = fs.readFileSync(main, 'utf-8');
    fs.writeFileSync(main, `${source}export const flags = 1 | 2;\n`);
    try {
      const lint = spawnSync('npx', ['projen', 'eslint'], { cwd: dir, encoding: 'utf-8', env });
      expect(lint.status).not.toBe(0);
      expect(`${lint.stdout}\n${lint.stderr}`).toMatch(/src\/main\.ts[\s\S]*no-bitwise/);
    } finally {
      fs.writeFileSync(main, source);
    }
  });

  test('after npx projen on an unchanged tree, the type-checks have nothing to do', () => {
    const env = developerEnv();
    execFileSync('npx', ['projen', 'build'], { cwd: dir, stdio: 'pipe', env });
    execFileSync('npx', ['projen'], { cwd: dir, stdio: 'pipe', env });
    for (const config of ['test/tsconfig.json', 'service/tsconfig.json']) {
      const out = execFileSync('npx', ['tsc', '--build', config, '--verbose'], { cwd: dir, encoding: 'utf-8', env });
      expect(out).toContain(`Project '${config}' is up to date`);
    }
  });

  test('service:test stops running a test whose source was deleted', () => {
    const extra = path.join(dir, 'service', 'test', 'extra.test.ts');
    fs.writeFileSync(extra, "import { test } from 'node:test';\ntest('an extra test that is deleted later', () => {});\n");
    const run = () => execFileSync('npx', ['projen', 'service:test'], { cwd: dir, encoding: 'utf-8', env: developerEnv() });
    try {
      expect(run()).toContain('an extra test that is deleted later');
    } finally {
      fs.rmSync(extra);
    }
    expect(run()).not.toContain('an extra test that is deleted later');
    expect(fs.existsSync(path.join(dir, 'service', 'dist', 'test', 'extra.test.js'))).toBe(false);
  });

  test('npx projen test reports a failing unit test, and the gates run all the same', () => {
    const failing = path.join(dir, 'test', 'failing.test.ts');
    fs.writeFileSync(failing, "test('a planted failure', () => expect(1).toBe(2));\n");
    try {
      const r = spawnSync('npx', ['projen', 'test'], { cwd: dir, encoding: 'utf-8', env: developerEnv() });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status).not.toBe(0);
      expect(output).toContain('a planted failure');
      expect(output).toMatch(/^test:unit: failed \(exit \d+\)/m);
      expect(output).toMatch(/^gates: passed/m);
    } finally {
      fs.rmSync(failing);
    }
  });

  // tsx, swc and cdk synth never type-check; the compile task must, for sources and tests alike.
  test.each([
    ['src/broken.ts', "export const port: number = 'eighty';\n"],
    ['test/broken.test.ts', "const port: number = 'eighty';\ntest('port', () => expect(port).toBeDefined());\n"],
  ])('a type error in %s fails npx projen build in compile', (file, contents) => {
    const target = path.join(dir, file);
    fs.writeFileSync(target, contents);
    try {
      const build = spawnSync('npx', ['projen', 'build'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, CI: 'true' } });
      const output = `${build.stdout}\n${build.stderr}`;
      expect(build.status).not.toBe(0);
      expect(output).toContain(`${file}(1,`);
      expect(output).toContain("error TS2322: Type 'string' is not assignable to type 'number'");
      expect(output).toContain('build » compile');
      expect(output).not.toContain('synth:silent');
    } finally {
      fs.rmSync(target);
    }
  });
});
