import { ENVIRONMENTS_PER_TEAM_POLICY } from '../../src/shared/team-access-settings';
import { EXECUTE_COMMAND_WILDCARD_ACTIONS, Grant, grants, iamViolations, managedPolicyProblems, teamPolicies, teamPolicyViolations, WILDCARD_RESOURCE_ALLOWLIST } from '../support/iam-walk';
import { connectionService, crossAccountService, customizedService, defaultService, strategiesService, strictService, SynthesizedService } from '../support/service-stacks';

describe.each([
  ['default', defaultService],
  ['customized', customizedService],
  ['cross-account', crossAccountService],
  ['connection-source', connectionService],
  ['strict', strictService],
  ['every-strategy', strategiesService],
])('IAM of the %s service', (_name, make) => {
  let s: SynthesizedService;
  let all: Grant[];
  beforeAll(() => {
    s = make();
    all = s.all.flatMap((stack) => grants(stack.json));
  });

  test('every stack has policies to check', () => {
    for (const stack of s.all) expect([stack.stack.stackName, grants(stack.json).length > 3]).toEqual([stack.stack.stackName, true]);
  });

  test('no stack has an IAM violation', () => {
    for (const stack of s.all) expect([stack.stack.stackName, iamViolations(stack.json)]).toEqual([stack.stack.stackName, []]);
  });

  test('Resource "*" only for the allowlisted actions, and every allowlisted action is needed', () => {
    const used = new Set<string>();
    const offending: string[] = [];
    for (const g of all.filter((x) => x.resources.includes('*'))) {
      for (const action of g.actions) {
        if (WILDCARD_RESOURCE_ALLOWLIST[action]) used.add(action);
        else offending.push(`${g.policy}: ${action}`);
      }
    }
    expect(offending).toEqual([]);
    const exec = s.environments.some((e) => e.stack._environment.runtime.enableExecuteCommand);
    const needed = Object.keys(WILDCARD_RESOURCE_ALLOWLIST).filter((a) => exec || !EXECUTE_COMMAND_WILDCARD_ACTIONS.includes(a));
    expect([...used].sort()).toEqual(needed.sort());
  });

  test('each environment\'s ecs:ListTasks is limited to its own cluster', () => {
    for (const env of s.environments) {
      const list = grants(env.json).filter((g) => g.actions.includes('ecs:ListTasks'));
      expect(list).toHaveLength(1);
      expect(JSON.stringify(list[0].condition)).toContain(`:cluster/${env.stack._environment.clusterName}"`);
      expect(list[0].actions).toEqual(['ecs:ListTasks']);
    }
  });

  test('iam:PassRole only for the environment\'s task roles, only to ECS tasks, and never in the pipeline stack', () => {
    expect(grants(s.delivery.json).filter((g) => g.actions.includes('iam:PassRole'))).toEqual([]);
    for (const env of s.environments) {
      const pass = grants(env.json).filter((g) => g.actions.includes('iam:PassRole'));
      expect(pass).toHaveLength(1);
      const taskDef = Object.values<any>(env.json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
      expect(pass[0].resources).toHaveLength(2);
      expect(pass[0].resources).toEqual(expect.arrayContaining([taskDef.Properties.TaskRoleArn, taskDef.Properties.ExecutionRoleArn]));
      expect(pass[0].condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    }
  });

  test('the team\'s policies: one in the pipeline\'s stack for every three environments, one per environment in another account, each naming the service\'s resources only', () => {
    const settings = s.delivery.stack._settings;
    const elsewhere = settings.environments.filter((e) => e.account !== undefined && e.account !== settings.pipelineAccount).map((e) => e.name);
    // Three environments to a policy in the pipeline's stack (each of these services has one of them in it).
    const expected = [Math.ceil(settings.environments.length / ENVIRONMENTS_PER_TEAM_POLICY),
      ...s.environments.map((e) => (elsewhere.includes(e.stack._environment.name) ? 1 : 0))];
    expect(s.all.map((stack) => teamPolicies(stack.json).length)).toEqual(expected);
    for (const stack of s.all) {
      expect([stack.stack.stackName, teamPolicyViolations(stack.json, settings.serviceName)]).toEqual([stack.stack.stackName, []]);
    }
  });

  test('the walk reports planted violations of the team\'s policy', () => {
    const planted = JSON.parse(JSON.stringify(s.delivery.json));
    const [, policy] = teamPolicies(planted)[0];
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    statements.splice(statements.findIndex((st) => st.Effect === 'Deny'), 1);
    statements.push(
      { Effect: 'Allow', Action: 'codepipeline:PutApprovalResult', Resource: 'arn:aws:codepipeline:*:111111111111:other' },
      { Effect: 'Allow', Action: ['codebuild:StartBuild', 'kms:Decrypt'], Resource: 'arn:aws:codebuild:eu-west-1:111111111111:project/other' },
    );
    expect(teamPolicyViolations(planted, s.delivery.stack._settings.serviceName)).toEqual([
      expect.stringContaining('approval without the MFA condition'),
      expect.stringContaining('wildcard in arn:aws:codepipeline:*:111111111111:other'),
      expect.stringContaining('arn:aws:codepipeline:*:111111111111:other is not the service\'s'),
      expect.stringContaining('team policy grants codebuild:StartBuild'),
      expect.stringContaining('the repository key not limited to CodeCommit'),
      expect.stringContaining('a key that no repository of the template uses'),
      expect.stringContaining('no Deny of approvals without MFA'),
    ]);
    // The rules without the service's name are part of the general walk.
    expect(iamViolations(planted)).toEqual(expect.arrayContaining([expect.stringContaining('approval without the MFA condition')]));
  });

  test('the walk reports planted violations', () => {
    const planted = JSON.parse(JSON.stringify(s.environments[0].json));
    const policy = Object.values<any>(planted.Resources).find((r) => r.Type === 'AWS::IAM::Policy');
    policy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: ['s3:GetObject', 'ecs:ListTasks', 'iam:PassRole', 'sqs:*'], Resource: '*' });
    expect(iamViolations(planted)).toEqual([
      expect.stringContaining('s3:GetObject on Resource "*"'),
      expect.stringContaining('iam:PassRole on Resource "*"'),
      expect.stringContaining('action wildcard sqs:*'),
      expect.stringContaining('sqs:* on Resource "*"'),
      expect.stringContaining('ecs:ListTasks not limited'),
      expect.stringContaining('iam:PassRole beyond the task roles'),
      expect.stringContaining('iam:PassRole not limited to ECS tasks'),
    ]);
  });
});

test('the walk refuses a managed policy outside its allowlist, and an allowlisted one on a role that another service assumes', () => {
  const role = (service: string, arn: unknown) => ({
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: service } }] }, ManagedPolicyArns: [arn] },
  });
  const awsManaged = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });
  expect(managedPolicyProblems('Infra', role('ecs.amazonaws.com', awsManaged('AmazonECSInfrastructureRolePolicyForLoadBalancers')))).toEqual([]);
  expect(managedPolicyProblems('Probe', role('lambda.amazonaws.com', awsManaged('service-role/AWSLambdaVPCAccessExecutionRole')))).toEqual([]);
  expect(managedPolicyProblems('Admin', role('ecs.amazonaws.com', 'arn:aws:iam::aws:policy/AdministratorAccess')))
    .toEqual(['Admin: managed policy "arn:aws:iam::aws:policy/AdministratorAccess"']);
  expect(managedPolicyProblems('Own', role('ecs.amazonaws.com', 'arn:aws:iam::123456789012:policy/mine'))).toEqual(['Own: managed policy "arn:aws:iam::123456789012:policy/mine"']);
  expect(managedPolicyProblems('Wrong', role('lambda.amazonaws.com', awsManaged('AmazonECSInfrastructureRolePolicyForLoadBalancers'))))
    .toEqual(['Wrong: AmazonECSInfrastructureRolePolicyForLoadBalancers on a role that [{"Service":"lambda.amazonaws.com"}] assumes']);
});
