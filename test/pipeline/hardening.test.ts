import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CicdService, CicdServiceProps } from '../../src';
import { CONTAINER_USER } from '../../src/shared/hardening-settings';
import { synthNagFindings } from '../support/cdk-nag';
import { cfnLintErrors } from '../support/cfn-lint';
import { iamViolations } from '../support/iam-walk';
import { crossAccountService, customizedService, defaultService, only, resourcesOfType, SynthesizedService, synthesizeService } from '../support/service-stacks';

/** Every hardening option away from its default: production flags, retentions, and ECS Exec in one environment. */
const HARDENED_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  logRetentionDays: 3653,
  environments: [
    { name: 'dev', logRetentionDays: 7 },
    { name: 'staging', production: true, enableExecuteCommand: true },
    { name: 'production', production: false, logRetentionDays: 0 },
  ],
};

let base: SynthesizedService;
let hardened: SynthesizedService;
beforeAll(() => {
  base = defaultService();
  hardened = synthesizeService(HARDENED_PROPS);
});

const environment = (s: SynthesizedService, name: string) => s.environments.find((e) => e.stack._environment.name === name)!.json;
const taskDefinition = (json: any) => only(json, 'AWS::ECS::TaskDefinition')[1].Properties;
const loadBalancerAttributes = (json: any): Record<string, string> => Object.fromEntries(
  only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
/** Each log group of the stack: its name (or logical ID) and its retention (undefined: never expires). */
const retentions = (json: any): Array<[string, number | undefined]> => resourcesOfType(json, 'AWS::Logs::LogGroup')
  .map(([id, g]) => [typeof g.Properties?.LogGroupName === 'string' ? g.Properties.LogGroupName : id, g.Properties?.RetentionInDays]);

describe('the container', () => {
  test('runs as the Dockerfile\'s user, with a read-only root filesystem, the task\'s memory as its limit and a writable /tmp', () => {
    for (const e of base.environments) {
      const task = taskDefinition(e.json);
      const [container] = task.ContainerDefinitions;
      expect(CONTAINER_USER).toBe('node');
      expect(container.User).toBe(CONTAINER_USER);
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.Memory).toBe(Number(task.Memory));
      expect(container.MountPoints).toEqual([{ SourceVolume: 'scratch', ContainerPath: '/tmp', ReadOnly: false }]);
      // No host path, no EFS: the task's ephemeral storage.
      expect(task.Volumes).toEqual([{ Name: 'scratch' }]);
    }
  });

  test('the memory limit follows each environment\'s size', () => {
    const custom = customizedService();
    expect(custom.environments.map((e) => taskDefinition(e.json).ContainerDefinitions[0].Memory)).toEqual([512, 4096, 4096]);
  });

  test('keeps a writable root filesystem where ECS Exec is on (its agent writes into the container), still as the user', () => {
    const staging = taskDefinition(environment(hardened, 'staging')).ContainerDefinitions[0];
    expect(staging.ReadonlyRootFilesystem).toBe(false);
    expect(staging.User).toBe(CONTAINER_USER);
    expect(taskDefinition(environment(hardened, 'dev')).ContainerDefinitions[0].ReadonlyRootFilesystem).toBe(true);
  });
});

describe('production environments', () => {
  test('by default the last environment is production: its load balancer alone is protected from deletion', () => {
    expect(base.environments.map((e) => [e.stack._environment.name, loadBalancerAttributes(e.json)['deletion_protection.enabled']]))
      .toEqual([['staging', 'false'], ['production', 'true']]);
  });

  test('production names them explicitly', () => {
    expect(hardened.environments.map((e) => [e.stack._environment.name, loadBalancerAttributes(e.json)['deletion_protection.enabled']]))
      .toEqual([['dev', 'false'], ['staging', 'true'], ['production', 'false']]);
  });

  test('every load balancer keeps its access logs', () => {
    for (const e of [...base.environments, ...hardened.environments]) {
      expect(loadBalancerAttributes(e.json)['access_logs.s3.enabled']).toBe('true');
    }
  });
});

describe('log retention', () => {
  test('is one year by default in every log group of every stack', () => {
    const all = base.all.flatMap((s) => retentions(s.json));
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.filter(([, days]) => days !== 365)).toEqual([]);
  });

  test('the service\'s retention in the pipeline stack; an environment\'s own in its stack, 0 without expiry', () => {
    expect(retentions(hardened.delivery.json).filter(([, days]) => days !== 3653)).toEqual([]);
    // Every log group of an environment's stack (the containers', ECS Exec's, a deployment hook's) keeps the environment's retention.
    const otherThan = (name: string, days: number | undefined) => retentions(environment(hardened, name)).filter(([, d]) => d !== days);
    expect([otherThan('dev', 7), otherThan('staging', 3653), otherThan('production', undefined)]).toEqual([[], [], []]);
    expect(retentions(environment(hardened, 'staging'))).toEqual(expect.arrayContaining([['/ecs/orders/staging', 3653], ['/ecs/orders/staging/exec', 3653]]));
    expect(retentions(environment(hardened, 'production'))).toEqual(expect.arrayContaining([['/ecs/orders/production', undefined]]));
  });

  test('the CDK-side logRetention sets the same retention, INFINITE as never expiring', () => {
    const week = synthesizeService({ serviceName: 'orders', logRetention: logs.RetentionDays.ONE_WEEK });
    expect(week.all.flatMap((s) => retentions(s.json)).filter(([, days]) => days !== 7)).toEqual([]);
    const forever = synthesizeService({ serviceName: 'orders', logRetention: logs.RetentionDays.INFINITE });
    expect(forever.all.flatMap((s) => retentions(s.json)).filter(([, days]) => days !== undefined)).toEqual([]);
    // An environment's own retention still applies to it.
    const mixed = synthesizeService({ serviceName: 'orders', logRetention: logs.RetentionDays.ONE_WEEK, environments: [{ name: 'staging' }, { name: 'production', logRetentionDays: 731 }] });
    expect(mixed.environments.map((e) => [...new Set(retentions(e.json).map(([, d]) => d))])).toEqual([[7], [731]]);
    expect(retentions(mixed.delivery.json).filter(([, days]) => days !== 7)).toEqual([]);
  });

  test('logRetention and logRetentionDays together, or a period CloudWatch does not have, fail before synthesis', () => {
    const app = new App();
    expect(() => new CicdService(app, { serviceName: 'orders', logRetention: logs.RetentionDays.ONE_WEEK, logRetentionDays: 7 }))
      .toThrow('Invalid option "logRetention": got 7; expected no value when logRetentionDays is set');
    expect(() => new CicdService(new App(), { serviceName: 'orders', logRetention: 8 as logs.RetentionDays }))
      .toThrow('Invalid option "logRetention": got 8; expected a logs.RetentionDays value');
    expect(() => new CicdService(new App(), { serviceName: 'orders', environments: [{ name: 'production', logRetentionDays: 366 }] }))
      .toThrow('Invalid option "environments[0].logRetentionDays": got 366; expected 0 (never expire) or one of the retention periods that CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days.');
  });
});

describe('buckets', () => {
  test('every bucket of every stack refuses ACLs (owner enforced); the artifact bucket is versioned', () => {
    const services = [base, hardened, crossAccountService(), customizedService()];
    for (const s of services) {
      const buckets = s.all.flatMap((x) => resourcesOfType(x.json, 'AWS::S3::Bucket').map(([id, b]) => [`${x.stack.stackName}/${id}`, b.Properties] as const));
      expect(buckets.length).toBeGreaterThanOrEqual(3);
      for (const [id, props] of buckets) {
        expect([id, props.OwnershipControls]).toEqual([id, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }]);
        expect([id, props.AccessControl]).toEqual([id, undefined]);
      }
      const [, artifacts] = resourcesOfType(s.delivery.json, 'AWS::S3::Bucket').find(([id]) => id.startsWith('ArtifactBucket'))!;
      expect(artifacts.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });
});

describe('the hardened configuration passes the gates', () => {
  test('cfn-lint finds no error', () => {
    const errors = [...cfnLintErrors(hardened.all.map((x) => x.templateFile))].filter(([, e]) => e.length > 0);
    expect(errors).toEqual([]);
  });

  test('the IAM walk finds no violation', () => {
    for (const x of hardened.all) expect([x.stack.stackName, iamViolations(x.json)]).toEqual([x.stack.stackName, []]);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-nag-')) });
    new CicdService(app, HARDENED_PROPS);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(synthNagFindings(app)).toEqual([]);
  });
});
