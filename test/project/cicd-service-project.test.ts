import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, LogLevel } from 'projen';
import { synthSnapshot } from 'projen/lib/util/synth';
import { freshOutdir, newProject, synthInPlace } from './helpers';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';
import { MIN_CDK_VERSION } from '../../src/shared/service-settings';


describe('CicdServiceProject', () => {
  test('writes the CDK app that builds the bundled stacks from the settings', () => {
    const out = synthSnapshot(newProject());
    expect(out['src/main.ts']).toContain("import { CicdService, QualityGates } from 'cicd-service-template/lib/cdk-app';");
    expect(out['src/main.ts']).toContain('new CicdService(app, serviceSettings);');
    expect(out['src/service-settings.ts']).toContain("serviceName: 'orders-api'");
    expect(out['src/service-settings.ts']).toContain('containerPort: 8080');
    expect(out['src/service-settings.ts']).toContain("environments: [\n    {\n      name: 'staging',\n    },\n    {\n      name: 'production',\n      requireApproval: true,\n    },\n  ],");
    expect(out['test/main.test.ts']).toContain("import { createApp } from '../src/main';");
  });

  test('writes each environment\'s fields in one order, whatever order the options give them in', () => {
    // As jsii hands over a struct built in Python or Java: its fields in an order of its own.
    const settings = (environment: Record<string, unknown>) => synthSnapshot(newProject({ environments: [environment as any] }))['src/service-settings.ts'];
    const written = settings({ name: 'production', requireApproval: true, desiredCount: 2, cpu: 512 });
    expect(written).toContain("    {\n      name: 'production',\n      requireApproval: true,\n      desiredCount: 2,\n      cpu: 512,\n    },\n");
    expect(settings({ cpu: 512, desiredCount: 2, requireApproval: true, name: 'production' })).toEqual(written);
  });

  test('writes domain and network fields in one order too, the service\'s network included', () => {
    const vpc = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-0a0a0a0a', 'subnet-0a0a0a0b'] };
    const settings = (options: Record<string, unknown>) => synthSnapshot(newProject(options as any))['src/service-settings.ts'];
    const written = settings({
      network: { taskSubnets: 'private', natGateways: 'per-zone' },
      environments: [{ name: 'production', domain: { hostedZoneId: 'Z0123456789', zoneName: 'example.com', recordName: '@' }, network: { vpc } }],
    });
    expect(written).toContain([
      "      domain: {\n        hostedZoneId: 'Z0123456789',\n        zoneName: 'example.com',\n        recordName: '@',\n      },",
      "      network: {\n        vpc: {\n          vpcId: 'vpc-0123456789abcdef0',\n          availabilityZones: [\n            'eu-west-1a',",
    ].join('\n'));
    expect(written).toContain("  network: {\n    taskSubnets: 'private',\n    natGateways: 'per-zone',\n  },\n");
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    expect(settings({
      network: reversed({ taskSubnets: 'private', natGateways: 'per-zone' }),
      environments: [reversed({ name: 'production', domain: reversed({ hostedZoneId: 'Z0123456789', zoneName: 'example.com', recordName: '@' }), network: { vpc: reversed(vpc) } })],
    })).toEqual(written);
  });

  test('deploys the pipeline stack only, and destroys every stack', () => {
    const tasks = synthSnapshot(newProject())['.projen/tasks.json'].tasks;
    expect(tasks.deploy.steps).toEqual([{ exec: 'cdk deploy orders-api-pipeline', receiveArgs: true }]);
    expect(tasks.destroy.steps).toEqual([{ exec: 'cdk destroy --all', receiveArgs: true }]);
  });

  test('stops, naming the files and the way out, when the app still builds the replaced CicdPipelineStack', () => {
    const outdir = freshOutdir();
    fs.mkdirSync(path.join(outdir, 'src'));
    fs.writeFileSync(path.join(outdir, 'src', 'main.ts'), "import { CicdPipelineStack } from 'cicd-service-template/lib/cdk-app';\n");
    expect(() => newProject({ outdir })).toThrow(/src\/main\.ts still builds CicdPipelineStack[\s\S]*CicdService[\s\S]*move src\/main\.ts aside, run `npx projen`/);
    expect(fs.readdirSync(outdir).sort()).toEqual(['src']);
  });

  test('depends on this package so the app can import the stack', () => {
    const out = synthSnapshot(newProject());
    expect(out['package.json'].devDependencies).toHaveProperty('cicd-service-template');
  });

  test('keeps a dependency spec given by projen new', () => {
    const out = synthSnapshot(newProject({ devDeps: ['cicd-service-template@file:/tmp/x.tgz'] }));
    expect(out['package.json'].devDependencies['cicd-service-template']).toBe('file:/tmp/x.tgz');
  });

  test('raises a cdkVersion below what the stack needs, and keeps a higher one', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
    const peerMin = String(pkg.peerDependencies['aws-cdk-lib']).replace(/^\^/, '');
    expect(synthSnapshot(newProject())['package.json'].dependencies['aws-cdk-lib']).toBe(`^${peerMin}`);
    expect(synthSnapshot(newProject({ cdkVersion: '2.300.1' }))['package.json'].dependencies['aws-cdk-lib']).toBe('^2.300.1');
  });

  test('says so when it raises a cdkVersion set in .projenrc.ts', () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { warnings.push(args.join(' ')); });
    try {
      // projen's logger is off in tests unless a level is given.
      newProject({ cdkVersion: '2.189.1', logging: { level: LogLevel.WARN } });
      newProject({ cdkVersion: MIN_CDK_VERSION, logging: { level: LogLevel.WARN } });
    } finally {
      spy.mockRestore();
    }
    expect(warnings.filter((w) => w.includes('cdkVersion'))).toEqual([
      expect.stringContaining(`cdkVersion 2.189.1 is older than the ${MIN_CDK_VERSION} that the pipeline stack needs: aws-cdk-lib ^${MIN_CDK_VERSION} is used.`),
    ]);
  });

  test('projen new renders the aws-cdk-lib version in use into .projenrc.ts, not projen\'s older default', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-project-'));
    const args = { name: 'orders-api', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', projenrcTs: true };
    // What projen new passes: its arguments, and under __new__ what to render into .projenrc.ts
    // (here for a type of projen itself, which resolves without installing this package).
    synthInPlace(new CicdServiceProject({ ...args, outdir, __new__: { fqn: 'projen.awscdk.AwsCdkTypeScriptApp', args, comments: 'none' } } as CicdServiceProjectOptions));
    const rc = fs.readFileSync(path.join(outdir, '.projenrc.ts'), 'utf-8');
    expect(rc).toContain(`cdkVersion: "${MIN_CDK_VERSION}"`);
    expect(rc).not.toContain('2.189.1');
  });

  test('installs with npm when packageManager is unset (projen would pick Yarn Classic) or npm', () => {
    for (const options of [{}, { packageManager: javascript.NodePackageManager.NPM }]) {
      const project = newProject(options);
      expect(project.package.packageManager).toBe(javascript.NodePackageManager.NPM);
      expect(project.package.lockFile).toBe('package-lock.json');
    }
  });

  test.each(['yarn', 'yarn_classic', 'yarn_berry', 'pnpm', 'bun', 'npm ', null])('packageManager %j stops the constructor before any file is written', (value) => {
    const outdir = freshOutdir();
    const make = () => new CicdServiceProject({
      name: 'orders-api', defaultReleaseBranch: 'main', cdkVersion: '2.257.0', outdir, packageManager: value,
    } as unknown as CicdServiceProjectOptions);
    expect(make).toThrow(`Invalid option "packageManager": got ${JSON.stringify(value)}; expected "npm" (javascript.NodePackageManager.NPM): `
      + 'buildspec.yml and the Dockerfile install with npm ci from package-lock.json.');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('writes no .npmignore: a service is not an npm package', () => {
    const out = synthSnapshot(newProject());
    expect(out['.npmignore']).toBeUndefined();
    expect(out['.projen/files.json'].files).not.toContain('.npmignore');
  });

  test('derives the service name from the project name', () => {
    const out = synthSnapshot(newProject({ name: '@acme/Orders_API' }));
    expect(out['src/service-settings.ts']).toContain("serviceName: 'orders-api'");
  });

  test('options flow into the settings file', () => {
    const out = synthSnapshot(newProject({ serviceName: 'billing', containerPort: 3000, cpu: 512, memory: 2048, branch: 'trunk' }));
    const settings: string = out['src/service-settings.ts'];
    expect(settings).toContain("serviceName: 'billing'");
    expect(settings).toContain('containerPort: 3000');
    expect(settings).toContain('cpu: 512');
    expect(settings).toContain('memory: 2048');
    expect(settings).toContain("branch: 'trunk'");
  });

  test.each([
    ['containerPort', null, /Invalid option "containerPort": got null/],
    ['containerPort', 80, /"containerPort".*integer from 1024 to 65535/],
    ['serviceName', 'Bad_Name', /"serviceName": got "Bad_Name"/],
    ['cpu', 300, /"cpu": got 300/],
    ['memory', 600, /"memory": got 600/],
  ])('rejects %s = %p before writing anything', (option, value, message) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-project-'));
    expect(() => new CicdServiceProject({
      name: 'orders-api', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, [option]: value,
    } as CicdServiceProjectOptions)).toThrow(message);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
