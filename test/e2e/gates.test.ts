import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { developerEnv, generateRepository } from './generated-repository';

jest.setTimeout(20 * 60 * 1000);

/**
 * The quality gates inside a generated repository: its build (which runs `test`, which runs the
 * gates) passes as generated, and each gate fails its task once its input is broken.
 */
describe('the quality gates of a generated repository', () => {
  let dir: string;

  beforeAll(() => {
    // generate.sh runs `npx projen build` in the new repository, whose test task runs every gate.
    dir = generateRepository(['--service-name', 'gated']);
  });

  const run = (...args: string[]) => spawnSync('npx', args, { cwd: dir, encoding: 'utf-8', env: developerEnv() });

  /** Runs `task` with `file` changed by `change`, then restores the file. */
  function withChange(file: string, change: (text: string) => string, task: string[]) {
    const full = path.join(dir, file);
    const original = fs.readFileSync(full, 'utf-8');
    const mode = fs.statSync(full).mode;
    fs.chmodSync(full, 0o644);
    fs.writeFileSync(full, change(original));
    try {
      return run(...task);
    } finally {
      fs.writeFileSync(full, original);
      fs.chmodSync(full, mode);
    }
  }

  test('the test task runs every gate', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(dir, '.projen', 'tasks.json'), 'utf-8')).tasks;
    expect(tasks.test.steps[0].execArgs).toEqual(['cicd-service-parallel', 'test:unit', 'gates', '--']);
    expect(tasks.gates.steps).toEqual([{ spawn: 'gates:synth' }, { spawn: 'gates:dockerfile' }, { spawn: 'gates:buildspec' }]);
    expect(tasks['gates:synth'].description).toContain('the Control Tower rules');
    expect(fs.readFileSync(path.join(dir, 'buildspec.yml'), 'utf-8')).toMatch(/^\s+- npx projen test$/m);
  });

  test('a Dockerfile error fails gates:dockerfile', () => {
    const r = withChange('Dockerfile', (d) => d.replace('WORKDIR /app', 'WORKDIRR /app'), ['projen', 'gates:dockerfile']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Dockerfile:\d+: /);
  });

  test('a broken buildspec fails gates:buildspec', () => {
    const r = withChange('buildspec.yml', (b) => b.replace('post_build:', 'postbuild:'), ['projen', 'gates:buildspec']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('postbuild');
  });

  /** src/main.ts with `statement` added to the app that createApp returns. */
  const inApp = (statement: string) => (main: string) => {
    const end = /^  return app;$/m;
    if (!end.test(main)) {
      throw new Error('src/main.ts has no `  return app;` line in createApp');
    }
    return main.replace(end, `  ${statement}\n  return app;`);
  };

  test('a cdk-nag finding fails gates:synth', () => {
    const r = withChange('src/main.ts', inApp(
      "new (require('aws-cdk-lib/aws-s3').Bucket)(new (require('aws-cdk-lib').Stack)(app, 'extra'), 'Unlogged');"), ['projen', 'gates:synth']);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('AwsSolutions-S1');
  });

  test('a bucket that manages access with an ACL fails npx projen build, naming the Control Tower rule', () => {
    const planted = (main: string) => {
      const imports = "import { App } from 'aws-cdk-lib';";
      if (!main.includes(imports)) throw new Error(`src/main.ts has no \`${imports}\` line`);
      return inApp("new s3.Bucket(new Stack(app, 'shared'), 'Uploads', { objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE });")(
        main.replace(imports, "import { App, Stack } from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';"));
    };
    const r = withChange('src/main.ts', planted, ['projen', 'build']);
    expect(r.status).not.toBe(0);
    const output = `${r.stdout}${r.stderr}`;
    // Each line of the output starts with the name of its task ([test:unit] or [gates]).
    expect(output).toMatch(/ERROR \[CT\.S3\.PR\.5\]: .*\n.*shared\/Uploads\/Resource /);
    expect(output).toContain("Acknowledge with 'cdk-validator-cfnguard::s3_bucket_acl_prohibited_check'");
  });

  test('a construct warning fails gates:synth (strict), not a plain cdk synth', () => {
    const warn = inApp("require('aws-cdk-lib').Annotations.of(new (require('aws-cdk-lib').Stack)(app, 'warned')).addWarningV2('gates:planted', 'a planted warning');");
    const strict = withChange('src/main.ts', warn, ['projen', 'gates:synth']);
    expect(strict.status).not.toBe(0);
    expect(`${strict.stdout}${strict.stderr}`).toContain('a planted warning');
    const plain = withChange('src/main.ts', warn, ['cdk', 'synth', '-q']);
    expect([plain.status, plain.stderr]).toEqual([0, expect.stringContaining('a planted warning')]);
  });

  test('aws-cdk-lib\'s template validation runs in gates:synth, not in a developer\'s cdk synth', () => {
    // A property that CloudFormation's schema does not have: only the built-in validation sees it
    // (cdk-nag does not look at a plain CfnResource, and no Control Tower rule at an SSM parameter).
    const bad = inApp(
      "new (require('aws-cdk-lib').CfnResource)(new (require('aws-cdk-lib').Stack)(app, 'schema'), 'Bad', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x', NoSuchProperty: 'x' } });");
    const gate = withChange('src/main.ts', bad, ['projen', 'gates:synth']);
    expect(gate.status).not.toBe(0);
    expect(`${gate.stdout}${gate.stderr}`).toContain('NoSuchProperty');
    const plain = withChange('src/main.ts', bad, ['cdk', 'synth', '-q', '--strict']);
    expect([plain.status, `${plain.stdout}${plain.stderr}`]).toEqual([0, expect.not.stringContaining('NoSuchProperty')]);
    // Asked for, a developer's synth runs it too.
    const asked = withChange('src/main.ts', bad, ['cdk', 'synth', '-q', '--strict', '-c', 'cicd-service-template:builtinValidation=true']);
    expect(asked.status).not.toBe(0);
    expect(`${asked.stdout}${asked.stderr}`).toContain('NoSuchProperty');
  });
});
