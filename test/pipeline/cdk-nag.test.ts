import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CicdService, CicdServiceProps } from '../../src';
import { acknowledgments, NagFinding, synthNagFindings } from '../support/cdk-nag';
import { CONNECTION_SOURCE_PROPS, CROSS_ACCOUNT_PROPS, customizedProps, STRATEGIES_PROPS } from '../support/service-stacks';

const CASES: Array<[string, (app: App) => CicdServiceProps]> = [
  ['default', () => ({ serviceName: 'orders' })],
  ['customized (accounts, regions, keys, HTTPS, three environments, variables, secrets, ECS Exec)', customizedProps],
  ['cross-account', () => CROSS_ACCOUNT_PROPS],
  ['source through a connection', () => CONNECTION_SOURCE_PROPS],
  ['every deployment strategy', () => STRATEGIES_PROPS],
];

/**
 * Builds the service with the AWS Solutions checks, next to a control stack that has a known finding
 * (a bucket without access logs or SSL enforcement); `change` may alter the service first.
 */
function nagFindings(props: (app: App) => CicdServiceProps, change?: (service: CicdService) => void): NagFinding[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-nag-')) });
  const service = new CicdService(app, props(app));
  change?.(service);
  new s3.Bucket(new Stack(app, 'control'), 'Unlogged');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return synthNagFindings(app);
}

/** The findings in the service's stacks (not the control stack or a stack of shared resources). */
function serviceFindings(findings: NagFinding[]): NagFinding[] {
  return findings.filter((f) => !f.path.startsWith('control/') && !f.path.startsWith('shared/'));
}

describe.each(CASES)('cdk-nag AwsSolutions: %s', (_name, props) => {
  let findings: NagFinding[];
  beforeAll(() => {
    findings = nagFindings(props);
  });

  test('the checks ran: the control stack has findings', () => {
    expect(findings.filter((f) => f.path.startsWith('control/')).map((f) => f.rule)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  test('no unacknowledged error or warning in any stack of the service', () => {
    expect(serviceFindings(findings)).toEqual([]);
  });
});

test.each(CASES)('%s: every acknowledgment answers a finding that its construct would otherwise have', (_name, props) => {
  const app = new App();
  const service = new CicdService(app, props(app));
  const acknowledged = [service.deliveryStack, ...service.environmentStacks].flatMap((s) => acknowledgments(s));
  expect(acknowledged.length).toBeGreaterThan(10);
  const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  let findings: NagFinding[];
  try {
    findings = serviceFindings(nagFindings(props));
  } finally {
    spy.mockRestore();
  }
  // The finding's construct is the acknowledged one or, for the L2 constructs, its default child.
  const answered = (a: { id: string; path: string }) => findings.some((f) => f.rule === a.id && (f.path === a.path || f.path.startsWith(`${a.path}/`)));
  expect(acknowledged.filter((a) => !answered(a)).map((a) => `${a.path}: ${a.id}`)).toEqual([]);
});

test('every acknowledgment has a reason, and none sits on a construct that users extend', () => {
  const service = new CicdService(new App(), { serviceName: 'orders' });
  const acknowledged = [service.deliveryStack, ...service.environmentStacks].flatMap((s) => acknowledgments(s));
  expect(acknowledged.length).toBeGreaterThan(10);
  for (const a of acknowledged) {
    expect([a.id, typeof a.reason === 'string' && a.reason.length > 20]).toEqual([a.id, true]);
    // Wildcard acknowledgments sit on one policy, never on a stack, a role or a whole construct tree.
    if (a.id.startsWith('AwsSolutions-IAM5')) expect([a.id, a.path]).toEqual([a.id, expect.stringMatching(/\/(DefaultPolicy|BuildRegistryLogin|ExecuteCommandPolicy)$/)]);
  }
});

test('a Resource "*" grant that a user adds to the task role fails the gate', () => {
  const findings = nagFindings(() => ({ serviceName: 'orders' }), (service) => {
    service.environmentStacks[0].taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  });
  expect(serviceFindings(findings)).toEqual([
    { rule: 'AwsSolutions-IAM5[Resource::*]', path: 'orders-staging/TaskDefinition/TaskRole/DefaultPolicy/Resource' },
  ]);
});

test('with ECS Exec on, the channels\' Resource "*" is acknowledged on its own policy only: a user\'s grant to the task role still fails the gate', () => {
  const props = (): CicdServiceProps => ({ serviceName: 'orders', enableExecuteCommand: true });
  const service = new CicdService(new App(), props());
  const exec = service.environmentStacks.flatMap((s) => acknowledgments(s)).filter((a) => a.path.endsWith('/ExecuteCommandPolicy'));
  expect(exec.map((a) => [a.path, a.id])).toEqual([
    ['orders-staging/ExecuteCommandPolicy', 'AwsSolutions-IAM5[Resource::*]'],
    ['orders-production/ExecuteCommandPolicy', 'AwsSolutions-IAM5[Resource::*]'],
  ]);
  const findings = nagFindings(props, (s) => {
    s.environmentStacks[0].taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  });
  expect(serviceFindings(findings)).toEqual([
    { rule: 'AwsSolutions-IAM5[Resource::*]', path: 'orders-staging/TaskDefinition/TaskRole/DefaultPolicy/Resource' },
  ]);
});

test('a Resource "*" grant that a user adds to the build project fails the gate', () => {
  const findings = nagFindings(() => ({ serviceName: 'orders' }), (service) => {
    service.deliveryStack.buildProject.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
  });
  expect(serviceFindings(findings)).toEqual([
    { rule: 'AwsSolutions-IAM5[Resource::*]', path: 'orders-pipeline/BuildProject/Role/DefaultPolicy/Resource' },
  ]);
});
