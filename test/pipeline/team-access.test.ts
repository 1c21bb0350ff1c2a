import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { resolveServiceSettings } from '../../src/shared/service-settings';
import { MANAGED_POLICY_MAX_LENGTH, teamPolicies, teamPolicyViolations, worstCasePolicyLength } from '../support/iam-walk';
import { CROSS_ACCOUNT_PROPS, only, resourcesOfType, synthesizeService, SynthesizedService, threeServices } from '../support/service-stacks';

const services = threeServices();

/** The statements of the team's policy in a template, by Sid. */
function statements(json: any): Record<string, any> {
  const [[, policy]] = teamPolicies(json);
  return Object.fromEntries(policy.Properties.PolicyDocument.Statement.map((st: any) => [st.Sid, st]));
}

/** A template value as text, each Ref and GetAtt as `<logicalId>` (pseudo parameters as `<AWS::...>`). */
function text(value: any): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  if (value['Fn::Join']) return (value['Fn::Join'][1] as any[]).map(text).join(value['Fn::Join'][0]);
  if (value.Ref) return `<${value.Ref}>`;
  if (value['Fn::GetAtt']) return `<${value['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(value);
}

function resources(st: any): string[] {
  return [st.Resource].flat().map(text);
}

/** The names of the log groups that a statement names (`...:log-group:<name>:*`). */
function logGroupNames(st: any): string[] {
  return resources(st).map((arn) => /:log-group:(.+):\*$/.exec(arn)?.[1] ?? arn);
}

/** The log groups of templates that have a name of their own (the functions' have none). */
function namedLogGroups(...templates: any[]): string[] {
  return templates.flatMap((json) => resourcesOfType(json, 'AWS::Logs::LogGroup').map(([, r]) => r.Properties.LogGroupName).filter((n) => typeof n === 'string'));
}

/** The logical ID of the resource of a type with a name property. */
function logicalIdNamed(json: any, type: string, name: string): string {
  const found = resourcesOfType(json, type).find(([, r]) => r.Properties.Name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found[0];
}

describe('the team\'s policy in the pipeline\'s stack, default service', () => {
  let json: any;
  let byId: Record<string, any>;
  beforeAll(() => {
    json = services.base.delivery.json;
    byId = statements(json);
  });

  test('is a customer managed policy named after the service, attached to nothing, without a group', () => {
    services.base.delivery.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'orders-team-access',
      Description: Match.stringLikeRegexp('approvals with MFA only'),
    });
    const [, policy] = only(json, 'AWS::IAM::ManagedPolicy');
    expect([policy.Properties.Users, policy.Properties.Groups, policy.Properties.Roles]).toEqual([undefined, undefined, undefined]);
    expect(resourcesOfType(json, 'AWS::IAM::Group')).toEqual([]);
    expect(Object.keys(json.Outputs)).toEqual(expect.arrayContaining(['TeamAccessPolicyArn']));
    expect(Object.keys(json.Outputs)).not.toContain('TeamGroupName');
  });

  test('has exactly the statements of a developer\'s work', () => {
    expect(Object.keys(byId)).toEqual(['PullTheRepository', 'PushBranches', 'ReadTheBuilds', 'ReadTheTestReports', 'ReadThePipeline', 'ReadTheLogs',
      'ReadTheEcsServices', 'ApproveOnlyWithMfa', 'DenyApprovalWithoutMfa']);
  });

  test('Git on the service\'s repository only', () => {
    const [repository] = only(json, 'AWS::CodeCommit::Repository');
    expect(byId.PullTheRepository.Action).toEqual(['codecommit:GitPull', 'codecommit:GetRepository', 'codecommit:GetBranch', 'codecommit:ListBranches']);
    expect(resources(byId.PullTheRepository)).toEqual([`<${repository}.Arn>`]);
    expect(byId.PushBranches).toEqual(expect.objectContaining({
      Action: 'codecommit:GitPush',
      Condition: { 'ForAllValues:StringLike': { 'codecommit:References': ['refs/heads/*'] } },
    }));
    expect(resources(byId.PushBranches)).toEqual([`<${repository}.Arn>`]);
  });

  test('builds, test reports and the pipeline: each statement on the service\'s own resources', () => {
    const project = (name: string) => `<${logicalIdNamed(json, 'AWS::CodeBuild::Project', name)}.Arn>`;
    const reportGroup = (name: string) => `<${logicalIdNamed(json, 'AWS::CodeBuild::ReportGroup', name)}.Arn>`;
    const [pipeline] = only(json, 'AWS::CodePipeline::Pipeline');
    // The pipeline's build, the pull request build and the template upgrade: every project of the stack.
    expect(resources(byId.ReadTheBuilds)).toEqual([project('orders-build'), project('orders-pull-requests'), project('orders-template-upgrade')]);
    expect(resourcesOfType(json, 'AWS::CodeBuild::Project')).toHaveLength(3);
    // The pipeline's build and the pull request build report tests; the upgrade reports none.
    expect(resources(byId.ReadTheTestReports)).toEqual([reportGroup('orders-build-unit-tests'), reportGroup('orders-pull-requests-unit-tests')]);
    expect(resourcesOfType(json, 'AWS::CodeBuild::ReportGroup')).toHaveLength(2);
    expect(resources(byId.ReadThePipeline)).toEqual([`arn:<AWS::Partition>:codepipeline:<AWS::Region>:<AWS::AccountId>:<${pipeline}>`]);
    for (const id of ['ReadTheBuilds', 'ReadTheTestReports', 'ReadThePipeline']) {
      expect([id, [byId[id].Action].flat().every((a: string) => /:(Get|List|BatchGet|Describe)/.test(a))]).toEqual([id, true]);
    }
  });

  test('the builds\' and both environments\' log groups, and both environments\' ECS clusters, services and tasks', () => {
    const prefix = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:';
    expect(resources(byId.ReadTheLogs)).toEqual([
      `${prefix}/aws/codebuild/orders-build:*`, `${prefix}/ecs/orders/staging:*`, `${prefix}/ecs/orders/production:*`,
      `${prefix}/aws/codebuild/orders-pull-requests:*`, `${prefix}/aws/codebuild/orders-template-upgrade:*`,
    ]);
    // Every log group with a name of its own in the pipeline's account, and nothing else.
    expect(logGroupNames(byId.ReadTheLogs).sort()).toEqual(namedLogGroups(json, ...services.base.environments.map((e) => e.json)).sort());
    const ecs = 'arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:';
    expect(resources(byId.ReadTheEcsServices)).toEqual(['staging', 'production'].flatMap((e) => [
      `${ecs}cluster/orders-${e}`, `${ecs}service/orders-${e}/orders-${e}`, `${ecs}task/orders-${e}/*`,
    ]));
    expect(byId.ReadTheEcsServices.Action).toEqual(['ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTasks']);
  });

  test('approves the approval actions of the pipeline only with MFA, and denies approvals without MFA', () => {
    const [pipeline] = only(json, 'AWS::CodePipeline::Pipeline');
    const arn = `arn:<AWS::Partition>:codepipeline:<AWS::Region>:<AWS::AccountId>:<${pipeline}>`;
    expect(byId.ApproveOnlyWithMfa).toEqual(expect.objectContaining({
      Effect: 'Allow',
      Action: 'codepipeline:PutApprovalResult',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    }));
    // Only production waits for an approval by default.
    expect(resources(byId.ApproveOnlyWithMfa)).toEqual([`${arn}/Approve-production/Approve`]);
    expect(byId.DenyApprovalWithoutMfa).toEqual(expect.objectContaining({
      Effect: 'Deny',
      Action: 'codepipeline:PutApprovalResult',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    }));
    expect(resources(byId.DenyApprovalWithoutMfa)).toEqual([`${arn}/*`]);
    // The approval action that the ARN names is the pipeline's.
    const stage = json.Resources[pipeline].Properties.Stages.find((s: any) => s.Name === 'Approve-production');
    expect(stage.Actions.find((a: any) => a.ActionTypeId.Category === 'Approval').Name).toBe('Approve');
  });
});

describe('the team\'s policy, customized and cross-account services', () => {
  test('ECS Exec in an environment of the pipeline\'s account: its session log group too', () => {
    const byId = statements(services.custom.delivery.json);
    const names = logGroupNames(byId.ReadTheLogs);
    expect(names).toEqual(expect.arrayContaining(['/ecs/billing-api/production/exec', '/ecs/billing-api/production']));
    expect(names.filter((n) => n.endsWith('/exec'))).toEqual(['/ecs/billing-api/production/exec']);
    expect(names.sort()).toEqual(namedLogGroups(services.custom.delivery.json, ...services.custom.environments.map((e) => e.json)).sort());
  });

  test('a customer-managed repository key: its use through CodeCommit only', () => {
    const byId = statements(services.custom.delivery.json);
    const [, repository] = only(services.custom.delivery.json, 'AWS::CodeCommit::Repository');
    expect(byId.UseTheRepositoryKeyThroughCodeCommit).toEqual({
      Sid: 'UseTheRepositoryKeyThroughCodeCommit',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: repository.Properties.KmsKeyId,
      Condition: { StringEquals: { 'kms:ViaService': 'codecommit.eu-west-1.amazonaws.com' } },
    });
  });

  test('an environment in another account: the pipeline\'s policy leaves it out, its own stack has a policy for its logs and ECS service', () => {
    const byId = statements(services.cross.delivery.json);
    expect(resources(byId.ReadTheLogs)).toEqual([
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/codebuild/orders-build:*',
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/ecs/orders/staging:*',
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/codebuild/orders-pull-requests:*',
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/codebuild/orders-template-upgrade:*',
    ]);
    expect(JSON.stringify(byId.ReadTheEcsServices)).not.toContain('production');
    // The approval of production is the pipeline's, in the pipeline's account.
    expect(resources(byId.ApproveOnlyWithMfa)).toEqual([expect.stringMatching(/:codepipeline:eu-west-1:111111111111:<Pipeline[A-Z0-9]+>\/Approve-production\/Approve$/)]);
    const [staging, production] = services.cross.environments;
    expect(teamPolicies(staging.json)).toEqual([]);
    expect(staging.json.Outputs.TeamAccessPolicyArn).toBeUndefined();
    production.template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'orders-production-team-access' });
    const own = statements(production.json);
    expect(Object.keys(own)).toEqual(['ReadTheLogs', 'ReadTheEcsServices']);
    expect(resources(own.ReadTheLogs)).toEqual(['arn:<AWS::Partition>:logs:eu-west-1:222222222222:log-group:/ecs/orders/production:*']);
    expect(resources(own.ReadTheEcsServices)).toEqual([
      'arn:<AWS::Partition>:ecs:eu-west-1:222222222222:cluster/orders-production',
      'arn:<AWS::Partition>:ecs:eu-west-1:222222222222:service/orders-production/orders-production',
      'arn:<AWS::Partition>:ecs:eu-west-1:222222222222:task/orders-production/*',
    ]);
    expect(production.json.Outputs.TeamAccessPolicyArn).toBeDefined();
  });
});

describe('options that change the team\'s access', () => {
  let withGroup: SynthesizedService;
  let connection: SynthesizedService;
  let noApproval: SynthesizedService;
  let execAcross: SynthesizedService;
  beforeAll(() => {
    execAcross = synthesizeService({
      ...CROSS_ACCOUNT_PROPS,
      enableExecuteCommand: true,
      pullRequestBuilds: false,
      upgradeSchedule: 'off',
    });
    withGroup = synthesizeService({ ...CROSS_ACCOUNT_PROPS, teamAccess: { group: true } });
    connection = synthesizeService({
      serviceName: 'orders',
      source: { connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', repository: 'acme/orders' },
    });
    noApproval = synthesizeService({ serviceName: 'orders', environments: [{ name: 'staging' }] });
  });

  test('group: an IAM group <service>-team with the policy, and its name as an output', () => {
    const [policy] = teamPolicies(withGroup.delivery.json)[0];
    withGroup.delivery.template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'orders-team', ManagedPolicyArns: [{ Ref: policy }] });
    expect(withGroup.delivery.json.Outputs.TeamGroupName.Value).toEqual({ Ref: only(withGroup.delivery.json, 'AWS::IAM::Group')[0] });
    // Environments in other accounts get no group: IAM users live in the pipeline's account.
    for (const env of withGroup.environments) expect(resourcesOfType(env.json, 'AWS::IAM::Group')).toEqual([]);
  });

  test('a connection source: no CodeCommit repository, so no Git permissions', () => {
    const byId = statements(connection.delivery.json);
    expect([byId.PullTheRepository, byId.PushBranches]).toEqual([undefined, undefined]);
    expect(JSON.stringify(byId)).not.toContain('codecommit:');
    expect(byId.ReadTheBuilds).toBeDefined();
  });

  test('ECS Exec everywhere, no pull request builds, no upgrade: the session logs in both accounts, no other build', () => {
    const byId = statements(execAcross.delivery.json);
    const [project] = only(execAcross.delivery.json, 'AWS::CodeBuild::Project');
    const [reportGroup] = only(execAcross.delivery.json, 'AWS::CodeBuild::ReportGroup');
    expect(resources(byId.ReadTheBuilds)).toEqual([`<${project}.Arn>`]);
    expect(resources(byId.ReadTheTestReports)).toEqual([`<${reportGroup}.Arn>`]);
    const [staging, production] = execAcross.environments;
    expect(logGroupNames(byId.ReadTheLogs)).toEqual(['/aws/codebuild/orders-build', '/ecs/orders/staging', '/ecs/orders/staging/exec']);
    expect(logGroupNames(byId.ReadTheLogs).sort()).toEqual(namedLogGroups(execAcross.delivery.json, staging.json).sort());
    const own = statements(production.json);
    expect(resources(own.ReadTheLogs)).toEqual([
      'arn:<AWS::Partition>:logs:eu-west-1:222222222222:log-group:/ecs/orders/production:*',
      'arn:<AWS::Partition>:logs:eu-west-1:222222222222:log-group:/ecs/orders/production/exec:*',
    ]);
    expect(logGroupNames(own.ReadTheLogs).sort()).toEqual(namedLogGroups(production.json).sort());
    expect(Object.keys(own)).toEqual(['ReadTheLogs', 'ReadTheEcsServices']);
  });

  test('no environment waits for an approval: nothing to approve, approvals still denied without MFA', () => {
    const byId = statements(noApproval.delivery.json);
    expect(byId.ApproveOnlyWithMfa).toBeUndefined();
    expect(byId.DenyApprovalWithoutMfa.Effect).toBe('Deny');
  });

  test('the names derive from the service name', () => {
    expect(resolveServiceSettings({ serviceName: 'billing-api' }).teamAccess).toEqual({ group: false, policyName: 'billing-api-team-access', groupName: 'billing-api-team' });
  });

  test.each([
    [null, 'teamAccess'], ['yes', 'teamAccess'], [[], 'teamAccess'], [{ group: 'true' }, 'teamAccess.group'], [{ groups: true }, 'teamAccess.groups'],
  ])('teamAccess %j fails naming %s', (teamAccess, named) => {
    expect(() => resolveServiceSettings({ serviceName: 'orders', teamAccess })).toThrow(`Invalid option "${named}"`);
  });
});

describe('the team\'s policies at the largest size', () => {
  // The longest names, ten environments in the pipeline's account, each with ECS Exec and an
  // approval, the pull request builds, the upgrade and a customer-managed repository key.
  const LONGEST_SERVICE = `service-${'l'.repeat(24)}`;
  const names = Array.from({ length: 10 }, (_, i) => `environment-${i}xxx`);
  let largest: SynthesizedService;
  let ten: SynthesizedService;
  beforeAll(() => {
    largest = synthesizeService((app) => ({
      serviceName: LONGEST_SERVICE,
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      environments: names.map((name) => ({ name, requireApproval: true })),
      enableExecuteCommand: true,
      sourceEncryptionKey: new kms.Key(new Stack(app, 'shared', { env: { account: '123456789012', region: 'eu-west-1' } }), 'SourceKey', { enableKeyRotation: true }),
      teamAccess: { group: true },
    }));
    ten = synthesizeService({ serviceName: 'orders', environments: Array.from({ length: 10 }, (_, i) => ({ name: `env${i}` })), teamAccess: { group: true } });
  });

  test('each policy stays within IAM\'s 6,144 characters at the longest partition, region and account', () => {
    const policies = teamPolicies(largest.delivery.json);
    expect(policies).toHaveLength(4);
    for (const [id, policy] of policies) {
      const length = worstCasePolicyLength(largest.delivery.json, policy.Properties.PolicyDocument);
      expect([id, length <= MANAGED_POLICY_MAX_LENGTH]).toEqual([id, true]);
    }
    // All in one, as before the split, it would not fit.
    const all = teamPolicies(largest.delivery.json).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(worstCasePolicyLength(largest.delivery.json, { Version: '2012-10-17', Statement: all })).toBeGreaterThan(MANAGED_POLICY_MAX_LENGTH);
  });

  test('three environments to a policy, in order: the first three with the delivery tools, then -2, -3 and -4, each in the group and with an output', () => {
    const policies = teamPolicies(ten.delivery.json);
    expect(policies.map(([, p]) => p.Properties.ManagedPolicyName)).toEqual(['orders-team-access', 'orders-team-access-2', 'orders-team-access-3', 'orders-team-access-4']);
    const clusters = (p: any) => p.Properties.PolicyDocument.Statement.filter((st: any) => st.Sid === 'ReadTheEcsServices')
      .flatMap((st: any) => [st.Resource].flat().map(text)).map((arn: string) => /:cluster\/orders-(env\d)$/.exec(arn)?.[1]).filter(Boolean);
    expect(policies.map(([, p]) => clusters(p))).toEqual([['env0', 'env1', 'env2'], ['env3', 'env4', 'env5'], ['env6', 'env7', 'env8'], ['env9']]);
    const logs = (p: any) => logGroupNames(p.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'ReadTheLogs'));
    expect(logs(policies[1][1])).toEqual(['/ecs/orders/env3', '/ecs/orders/env4', '/ecs/orders/env5']);
    // The builds, the pipeline and the Git statements only in the first; no approval here to allow.
    for (const [, p] of policies.slice(1)) {
      expect(p.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(['ReadTheLogs', 'ReadTheEcsServices']);
    }
    const [, group] = only(ten.delivery.json, 'AWS::IAM::Group');
    expect(group.Properties.ManagedPolicyArns).toEqual(policies.map(([id]) => ({ Ref: id })));
    expect(Object.keys(ten.delivery.json.Outputs).filter((k) => k.startsWith('TeamAccessPolicy'))).toEqual(['TeamAccessPolicyArn', 'TeamAccessPolicy2Arn', 'TeamAccessPolicy3Arn', 'TeamAccessPolicy4Arn']);
    expect(ten.delivery.json.Outputs.TeamAccessPolicy3Arn.Description).toContain('env6, env7, env8');
    expect(teamPolicyViolations(ten.delivery.json, 'orders')).toEqual([]);
    expect(teamPolicyViolations(largest.delivery.json, LONGEST_SERVICE)).toEqual([]);
  });

  test('approvals in a later policy come with the Deny of approvals without MFA', () => {
    const [, , , [, fourth]] = teamPolicies(largest.delivery.json);
    const sids = fourth.Properties.PolicyDocument.Statement.map((st: any) => st.Sid);
    expect(sids).toEqual(['ReadTheLogs', 'ReadTheEcsServices', 'ApproveOnlyWithMfa', 'DenyApprovalWithoutMfa']);
  });

  test('a further policy\'s description names no environment: adding one replaces no policy', () => {
    const [, , [, third]] = teamPolicies(ten.delivery.json);
    const nine = synthesizeService({ serviceName: 'orders', environments: Array.from({ length: 9 }, (_, i) => ({ name: `env${i}` })) });
    const [, , [, thirdOfNine]] = teamPolicies(nine.delivery.json);
    expect(third.Properties.Description).toBe(thirdOfNine.Properties.Description);
    expect(third.Properties.Description).not.toMatch(/env\d/);
  });
});

test('three environments that all run elsewhere and wait for no approval get no policy, and their number is skipped', () => {
  const elsewhere = { account: '222222222222' };
  const s = synthesizeService({
    serviceName: 'orders',
    pipelineAccount: '111111111111',
    pipelineRegion: 'eu-west-1',
    environments: [
      { name: 'dev' }, { name: 'test' }, { name: 'qa' },
      { name: 'eu', ...elsewhere }, { name: 'us', ...elsewhere }, { name: 'ap', ...elsewhere },
      { name: 'production', requireApproval: true },
    ],
  });
  const policies = teamPolicies(s.delivery.json);
  expect(policies.map(([, p]) => p.Properties.ManagedPolicyName)).toEqual(['orders-team-access', 'orders-team-access-3']);
  expect(Object.keys(s.delivery.json.Outputs).filter((k) => k.startsWith('TeamAccessPolicy'))).toEqual(['TeamAccessPolicyArn', 'TeamAccessPolicy3Arn']);
  const sids = policies[1][1].Properties.PolicyDocument.Statement.map((st: any) => st.Sid);
  expect(sids).toEqual(['ReadTheLogs', 'ReadTheEcsServices', 'ApproveOnlyWithMfa', 'DenyApprovalWithoutMfa']);
});

test('the worst-case length counts a value of another stack as a long ARN, and refuses a function it cannot bound', () => {
  const json = { Resources: {} };
  const imported = worstCasePolicyLength(json, { Resource: { 'Fn::ImportValue': 'shared:Key' } });
  expect(imported).toBeGreaterThan(JSON.stringify({ Resource: 'arn:aws-us-gov:kms:us-isof-south-1:123456789012:key/00000000-0000-0000-0000-000000000000' }).length);
  expect(() => worstCasePolicyLength(json, { Resource: { 'Fn::Sub': 'x' } })).toThrow('no longest value for Fn::Sub');
  expect(() => worstCasePolicyLength(json, { Resource: { 'Fn::Join': ['', [{ 'Fn::Select': [0, ['a']] }]] } })).toThrow('no longest value');
});
