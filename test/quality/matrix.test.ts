import * as fs from 'fs';
import { Aspects } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { cheapProblems, duplicatePhysicalNames, Generated, generate, GeneratedStack, physicalNames } from './generated';
import { COMBINATIONS } from './matrix';
import { DeliveryStack } from '../../src';
import { QualityGates } from '../../src/gates/quality-gates';
import { CFN_LINT, cfnLintErrors } from '../support/cfn-lint';

jest.setTimeout(10 * 60 * 1000);

// Each combination is generated and synthesized once; cfn-lint runs once over all their templates.
const generated = new Map<string, Generated>();
let lintErrors: Map<string, string[]>;

beforeAll(() => {
  for (const c of COMBINATIONS) generated.set(c.name, generate(c, true));
  lintErrors = cfnLintErrors([...generated.values()].flatMap((g) => g.stacks.map((s) => s.templateFile)));
});

test('the matrix holds at least 14 distinct combinations', () => {
  expect(COMBINATIONS.length).toBeGreaterThanOrEqual(14);
  expect(new Set(COMBINATIONS.map((c) => JSON.stringify(c.options))).size).toBe(COMBINATIONS.length);
});

test('cfn-lint is installed (run scripts/setup.sh)', () => {
  expect(fs.existsSync(CFN_LINT)).toBe(true);
});

test('the cdk-nag check of generate() reports a finding in a service stack', () => {
  // A bucket without access logs, added to the delivery stack while the app synthesizes.
  const g = generate({
    name: 'control',
    options: {},
    cdkExtras: (app) => {
      Aspects.of(app).add({
        visit: (node: IConstruct) => {
          if (node instanceof DeliveryStack && !node.node.tryFindChild('Unlogged')) new s3.Bucket(node, 'Unlogged');
        },
      });
      return {};
    },
  }, true);
  expect(g.nagFindings).toContainEqual({ rule: 'AwsSolutions-S1', path: 'orders-api-pipeline/Unlogged/Resource' });
});

describe('the physical-name walk', () => {
  const stacks = (): GeneratedStack[] => generated.get('every default')!.stacks;

  test('sees the names of every stack and of every environment\'s cluster, service, family, log group, deploy role, alarms and dashboard', () => {
    const names = physicalNames(stacks()).map((n) => `${n.kind} ${n.value}`);
    expect(names).toEqual(expect.arrayContaining(['stack orders-api-pipeline', 'AWS::CodePipeline::Pipeline.Name orders-api', 'AWS::ECR::Repository.RepositoryName orders-api',
      'AWS::SNS::Topic.TopicName orders-api-notifications']));
    for (const env of ['staging', 'production']) {
      expect(names).toEqual(expect.arrayContaining([
        `stack orders-api-${env}`,
        `AWS::ECS::Cluster.ClusterName orders-api-${env}`,
        `AWS::ECS::Service.ServiceName orders-api-${env}`,
        `AWS::ECS::TaskDefinition.Family orders-api-${env}`,
        `AWS::Logs::LogGroup.LogGroupName /ecs/orders-api/${env}`,
        `AWS::IAM::Role.RoleName orders-api-${env}-ecs-deploy`,
        `AWS::CloudWatch::Alarm.AlarmName orders-api-${env}-latency-p99`,
        `AWS::CloudWatch::Dashboard.DashboardName orders-api-${env}`,
      ]));
    }
  });

  test('reports a name that two environments share', () => {
    const [delivery, staging, production] = stacks().map((s) => JSON.parse(JSON.stringify(s)) as GeneratedStack);
    const cluster = Object.values<any>(production.template.Resources).find((r) => r.Type === 'AWS::ECS::Cluster');
    cluster.Properties.ClusterName = 'orders-api-staging';
    expect(duplicatePhysicalNames([delivery, staging, production])).toEqual(['AWS::ECS::Cluster.ClusterName "orders-api-staging" in orders-api-staging, orders-api-production']);
    expect(duplicatePhysicalNames([delivery, staging, { ...staging, template: production.template }])).toContain('stack "orders-api-staging" in orders-api-staging, orders-api-staging');
  });
});

describe.each(COMBINATIONS.map((c) => [c.name]))('%s', (name) => {
  const g = () => generated.get(name)!;

  test('cdk-nag AwsSolutions: no unacknowledged finding in any stack', () => {
    expect(g().nagFindings).toEqual([]);
  });

  test('cfn-lint: no error in any template', () => {
    const templates = g().stacks.map((s) => s.templateFile);
    expect(templates.length).toBeGreaterThanOrEqual(g().environments.length + 1);
    expect(templates.map((t) => [t, lintErrors.get(t)])).toEqual(templates.map((t) => [t, []]));
  });

  test('IAM walk, buildspec schema, Dockerfile lint, consistency and physical names', () => {
    expect(cheapProblems(g())).toEqual([]);
  });

  test('the gates that are on run from the test task; the others do not exist', () => {
    const gates = QualityGates._resolve(g().combination.options.qualityGates);
    const tasks = g().files['.projen/tasks.json'].tasks;
    const spawned = (tasks.gates?.steps ?? []).map((s: any) => s.spawn);
    expect(spawned).toEqual([
      ...(gates.cdkNag || gates.strictSynth || gates.controlTower ? ['gates:synth'] : []),
      ...(gates.dockerfileLint ? ['gates:dockerfile'] : []),
      ...(gates.buildspecSchema ? ['gates:buildspec'] : []),
    ]);
    // With a gate on, test runs test:unit and the gates at the same time; with none, it spawns the empty gates task.
    const runsGates = (step: any) => step.spawn === 'gates' || (step.execArgs?.[0] === 'cicd-service-parallel' && step.execArgs.includes('gates'));
    expect(tasks.test.steps.some(runsGates)).toBe(true);
    expect(tasks['test:unit'] === undefined).toBe(spawned.length === 0);
    expect(Boolean(g().files['package.json'].devDependencies['cdk-nag'])).toBe(gates.cdkNag);
    expect(tasks['synth:silent'].steps[0].exec?.includes('--strict') ?? false).toBe(gates.strictSynth);
  });
});
