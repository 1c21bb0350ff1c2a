import { Match } from 'aws-cdk-lib/assertions';
import { SOURCE_COMMIT_ENV } from '../../src/shared/source-settings';
import { cfnLintErrors } from '../support/cfn-lint';
import { Grant, grants, iamViolations } from '../support/iam-walk';
import {
  CONNECTION_SOURCE_PROPS, connectionService, customizedService, defaultService, resourcesOfType, synthesizeService, SynthesizedService,
} from '../support/service-stacks';

/** The Allow statements of the policies attached to the role whose logical ID starts with `rolePrefix`. */
function grantsOfRole(json: any, rolePrefix: string): Grant[] {
  const roleIds = Object.keys(json.Resources).filter((id) => id.startsWith(rolePrefix) && json.Resources[id].Type === 'AWS::IAM::Role');
  expect(roleIds).toHaveLength(1);
  const policies = Object.entries<any>(json.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleIds[0]}"`))
    .map(([id]) => id);
  expect(policies.length).toBeGreaterThan(0);
  return grants(json).filter((g) => policies.includes(g.policy));
}

/** The resources of a type, without their logical IDs. */
const ofType = (json: any, type: string): any[] => resourcesOfType(json, type).map(([, r]) => r);

const actionsOf = (list: Grant[]) => [...new Set(list.flatMap((g) => g.actions))].sort();

describe('pull request builds and the scheduled upgrade (defaults)', () => {
  let s: SynthesizedService;
  let json: any;
  beforeAll(() => {
    s = defaultService();
    json = s.delivery.json;
  });

  test('a verify-only build project of the CodeCommit repository, the pipeline build\'s image and size', () => {
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', {
      Name: 'orders-pull-requests',
      Source: { Type: 'CODECOMMIT', Location: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Repository'), 'CloneUrlHttp'] } },
      Artifacts: { Type: 'NO_ARTIFACTS' },
      Environment: Match.objectLike({
        Image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
        ComputeType: 'BUILD_GENERAL1_SMALL',
        PrivilegedMode: true,
        EnvironmentVariables: Match.arrayWith([{ Name: 'VERIFY_ONLY', Type: 'PLAINTEXT', Value: '1' }]),
      }),
    });
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::ReportGroup', { Name: 'orders-pull-requests-unit-tests', Type: 'TEST' });
    // No pipeline hands it a commit ID: buildspec.yml falls back to the source version that CodeBuild resolved.
    const project = ofType(json, 'AWS::CodeBuild::Project').find((p: any) => p.Properties.Name === 'orders-pull-requests');
    expect(project.Properties.Environment.EnvironmentVariables.map((v: any) => v.Name)).not.toContain(SOURCE_COMMIT_ENV);
  });

  test('a pull request opened or updated starts a build of its source commit, with the pull request in its variables', () => {
    const rules = ofType(json, 'AWS::Events::Rule').filter((r: any) => r.Properties.EventPattern?.['detail-type']?.[0] === 'CodeCommit Pull Request State Change');
    const build = rules.find((r: any) => r.Properties.EventPattern.detail.event.includes('pullRequestSourceBranchUpdated'));
    expect(build.Properties.EventPattern).toEqual({
      'source': ['aws.codecommit'],
      'detail-type': ['CodeCommit Pull Request State Change'],
      'resources': [{ 'Fn::GetAtt': [expect.stringMatching(/^Repository/), 'Arn'] }],
      'detail': { event: ['pullRequestCreated', 'pullRequestSourceBranchUpdated'], pullRequestStatus: ['Open'] },
    });
    const [target] = build.Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PullRequestBuildsBuildProject/), 'Arn'] });
    const transformer = target.InputTransformer;
    expect(transformer.InputPathsMap).toEqual({ 'detail-sourceCommit': '$.detail.sourceCommit', 'detail-pullRequestId': '$.detail.pullRequestId', 'detail-destinationCommit': '$.detail.destinationCommit' });
    const template = JSON.stringify(transformer.InputTemplate);
    expect(template).toContain('\\"sourceVersion\\":<detail-sourceCommit>');
    expect(template).toContain('{\\"name\\":\\"PULL_REQUEST_ID\\",\\"value\\":<detail-pullRequestId>,\\"type\\":\\"PLAINTEXT\\"}');
    // The other rule gives every new pull request its approval rule, through the reporter.
    const created = rules.find((r: any) => JSON.stringify(r.Properties.EventPattern.detail.event) === '["pullRequestCreated"]');
    expect(created.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PullRequestBuildsReporterFunction/), 'Arn'] });
  });

  test('the end of a pull request build reaches the reporter, whose approval pool is its own role', () => {
    s.delivery.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codebuild'],
        'detail-type': ['CodeBuild Build State Change'],
        'detail': { 'project-name': [{ Ref: Match.stringLikeRegexp('^PullRequestBuildsBuildProject') }], 'build-status': ['SUCCEEDED', 'FAILED', 'STOPPED'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PullRequestBuildsReporterFunction'), 'Arn'] } })],
    });
    const fn = ofType(json, 'AWS::Lambda::Function').find((f: any) => f.Properties.Handler === 'index.handlePullRequestEvent');
    expect(fn.Properties.Code.ZipFile).toContain('Pull request build passes');
    expect(JSON.stringify(fn.Properties.Environment.Variables.APPROVER_ROLE_ARN)).toMatch(/:sts::.*:assumed-role\/.*PullRequestBuildsReporterRole.*\/\*/);
  });

  test('the pull request build pulls the layer cache and cannot push an image, a branch or touch the pipeline', () => {
    const actions = actionsOf(grantsOfRole(json, 'PullRequestBuildsBuildProjectRole'));
    expect(actions).toEqual(expect.arrayContaining(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'codecommit:GitPull', 'codebuild:BatchPutTestCases']));
    expect(actions.filter((a) => /^ecr:(Put|Initiate|Upload|Complete)|^codecommit:(GitPush|Merge|Create|Update)|^codepipeline:|^cloudformation:|^iam:|^sts:|^lambda:/.test(a))).toEqual([]);
  });

  test('the reporter comments and approves on the repository only: no push, no merge', () => {
    const mine = grantsOfRole(json, 'PullRequestBuildsReporterRole').filter((g) => g.actions.some((a) => a.startsWith('codecommit:')));
    expect(mine).toHaveLength(1);
    expect(mine[0].actions.sort()).toEqual(['codecommit:CreatePullRequestApprovalRule', 'codecommit:GetPullRequest',
      'codecommit:PostCommentForPullRequest', 'codecommit:UpdatePullRequestApprovalState']);
    expect(mine[0].resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Repository/), 'Arn'] }]);
    expect(actionsOf(grantsOfRole(json, 'PullRequestBuildsReporterRole')).filter((a) => a.startsWith('codepipeline:'))).toEqual([]);
  });

  test('weekly, the upgrade project runs this package\'s upgrade command on the branch', () => {
    s.delivery.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduledUpgradeProject'), 'Arn'] } })],
    });
    const project = ofType(json, 'AWS::CodeBuild::Project').find((p: any) => p.Properties.Name === 'orders-template-upgrade');
    expect(project.Properties.SourceVersion).toBe('main');
    expect(project.Properties.Environment.PrivilegedMode).toBe(false);
    const buildspec = project.Properties.Source.BuildSpec;
    expect(buildspec).toContain('"git-credential-helper": "yes"');
    expect(buildspec).toContain('npx cicd-service-upgrade --repository \\"$REPOSITORY_NAME\\" --base \\"$BASE_BRANCH\\" --prefix template-upgrade --remote \\"$CLONE_URL\\"');
  });

  test('the upgrade pushes only to template-upgrade/* and opens pull requests on the repository: no merge, no image, no pipeline', () => {
    const mine = grantsOfRole(json, 'ScheduledUpgradeProjectRole');
    const repository = { 'Fn::GetAtt': [expect.stringMatching(/^Repository/), 'Arn'] };
    expect(mine.filter((g) => g.actions.includes('codecommit:GitPush'))).toEqual([{
      policy: expect.any(String),
      actions: ['codecommit:GitPush'],
      resources: [repository],
      condition: { 'ForAllValues:StringLike': { 'codecommit:References': ['refs/heads/template-upgrade/*'] } },
    }]);
    expect(mine.filter((g) => g.actions.includes('codecommit:CreatePullRequest'))).toEqual([expect.objectContaining({ actions: ['codecommit:CreatePullRequest'], resources: [repository] })]);
    const codecommit = actionsOf(mine).filter((a) => a.startsWith('codecommit:'));
    expect(codecommit).toEqual(['codecommit:CreatePullRequest', 'codecommit:GitPull', 'codecommit:GitPush']);
    expect(actionsOf(mine).filter((a) => /^(ecr|codepipeline|cloudformation|iam|sts|lambda):/.test(a))).toEqual([]);
  });

  test('a failed upgrade goes to the service\'s topic, as the pipeline\'s runs do, which CodeStar Notifications may publish to', () => {
    const rules = ofType(json, 'AWS::CodeStarNotifications::NotificationRule').map((r: any) => r.Properties);
    const upgrade = rules.find((r: any) => r.Name === 'orders-template-upgrade-failed');
    const runs = rules.find((r: any) => r.Name === 'orders-pipeline-runs');
    expect(upgrade).toEqual(expect.objectContaining({
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduledUpgradeProject/), 'Arn'] },
      EventTypeIds: ['codebuild-project-build-state-failed'],
    }));
    expect(upgrade.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: { Ref: expect.stringMatching(/^NotificationsServiceTopic/) } }]);
    expect(upgrade.Targets).toEqual(runs.Targets);
    const publish = (statements: any[]) => statements.filter((st: any) => st.Principal?.Service === 'codestar-notifications.amazonaws.com')
      .flatMap((st: any) => [st.Action].flat());
    const topicPolicy = ofType(json, 'AWS::SNS::TopicPolicy')[0].Properties.PolicyDocument.Statement;
    expect(publish(topicPolicy)).toEqual(['sns:Publish']);
    const keyPolicy = ofType(json, 'AWS::KMS::Key').find((k: any) => JSON.stringify(k).includes('codestar-notifications')).Properties.KeyPolicy.Statement;
    expect(publish(keyPolicy)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  test('the IAM walk is clean and cfn-lint finds no error', () => {
    expect(iamViolations(json)).toEqual([]);
    expect([...cfnLintErrors([s.delivery.templateFile])].filter(([, e]) => e.length > 0)).toEqual([]);
  });
});

describe('the IAM walk catches a push or merge beyond the scope', () => {
  test('a GitPush without codecommit:References, and any Merge action, are violations', () => {
    const json = JSON.parse(JSON.stringify(defaultService().delivery.json));
    const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('codecommit:GitPush'));
    const statement = policy.Properties.PolicyDocument.Statement.find((st: any) => st.Action === 'codecommit:GitPush');
    delete statement.Condition;
    statement.Action = ['codecommit:GitPush', 'codecommit:MergePullRequestByFastForward'];
    expect(iamViolations(json)).toEqual([
      expect.stringMatching(/: codecommit:MergePullRequestByFastForward$/),
      expect.stringMatching(/: codecommit:GitPush not limited to branches by codecommit:References$/),
    ]);
  });
});

describe('options', () => {
  test('another schedule and branch: the rule and the project follow', () => {
    const s = synthesizeService({ serviceName: 'orders', branch: 'release/v2', upgradeSchedule: 'rate(1 day)' });
    s.delivery.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', { Name: 'orders-template-upgrade', SourceVersion: 'release/v2' });
  });

  test('both off: no pull request build, no reporter, no schedule, and the stack is what it was without them', () => {
    const s = synthesizeService({ serviceName: 'orders', pullRequestBuilds: false, upgradeSchedule: 'off' });
    const names = ofType(s.delivery.json, 'AWS::CodeBuild::Project').map((p: any) => p.Properties.Name);
    expect(names).toEqual(['orders-build']);
    expect(ofType(s.delivery.json, 'AWS::Events::Rule').filter((r: any) => r.Properties.ScheduleExpression
      || JSON.stringify(r.Properties.EventPattern ?? {}).includes('Pull Request'))).toEqual([]);
    expect(Object.keys(s.delivery.json.Resources)).toHaveLength(48);
    expect(s.service.deliveryStack.pullRequestBuilds).toBeUndefined();
    expect(s.service.deliveryStack.scheduledUpgrade).toBeUndefined();
  });

  test('each on its own', () => {
    const prOnly = synthesizeService({ serviceName: 'orders', upgradeSchedule: 'off' }).delivery.json;
    expect(ofType(prOnly, 'AWS::CodeBuild::Project').map((p: any) => p.Properties.Name).sort()).toEqual(['orders-build', 'orders-pull-requests']);
    const upgradeOnly = synthesizeService({ serviceName: 'orders', pullRequestBuilds: false }).delivery.json;
    expect(ofType(upgradeOnly, 'AWS::CodeBuild::Project').map((p: any) => p.Properties.Name).sort()).toEqual(['orders-build', 'orders-template-upgrade']);
    for (const json of [prOnly, upgradeOnly]) expect(iamViolations(json)).toEqual([]);
  });

  test('the customized service (an arm64 image, another branch, account and region): both on, IAM clean', () => {
    const s = customizedService();
    const projects = ofType(s.delivery.json, 'AWS::CodeBuild::Project');
    expect(projects.map((p: any) => [p.Properties.Name, p.Properties.Environment.Type])).toEqual([
      ['billing-api-build', 'ARM_CONTAINER'], ['billing-api-pull-requests', 'ARM_CONTAINER'], ['billing-api-template-upgrade', 'ARM_CONTAINER'],
    ]);
    expect(iamViolations(s.delivery.json)).toEqual([]);
  });

  test('an existing topic receives the failed upgrades by its ARN; without a schedule, only the pipeline\'s runs', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:team-alerts';
    const existing = synthesizeService({ serviceName: 'orders', pipelineAccount: '111111111111', pipelineRegion: 'eu-west-1', notifications: { topicArn } });
    const rules = ofType(existing.delivery.json, 'AWS::CodeStarNotifications::NotificationRule').map((r: any) => [r.Properties.Name, r.Properties.Targets]);
    expect(rules.sort()).toEqual([
      ['orders-pipeline-runs', [{ TargetType: 'SNS', TargetAddress: topicArn }]],
      ['orders-template-upgrade-failed', [{ TargetType: 'SNS', TargetAddress: topicArn }]],
    ]);
    const off = synthesizeService({ serviceName: 'orders', upgradeSchedule: 'off' });
    expect(ofType(off.delivery.json, 'AWS::CodeStarNotifications::NotificationRule').map((r: any) => r.Properties.Name)).toEqual(['orders-pipeline-runs']);
    expect(off.service.deliveryStack.scheduledUpgrade).toBeUndefined();
  });

  test.each([
    [{ upgradeSchedule: 'rate(5 minutes)' }, 'Invalid option "upgradeSchedule": got "rate(5 minutes)"'],
    [{ pullRequestBuilds: 'no' }, 'Invalid option "pullRequestBuilds": got "no"; expected true or false.'],
  ])('%p fails before anything is created', (option, message) => {
    expect(() => synthesizeService({ serviceName: 'orders', ...(option as any) })).toThrow(message);
  });
});

describe('with a connection source (no CodeCommit repository)', () => {
  test('neither pull request builds nor the upgrade: only the pipeline\'s build, no pull request or schedule rule, no CodeCommit permission', () => {
    const s = connectionService();
    expect(ofType(s.delivery.json, 'AWS::CodeBuild::Project').map((p: any) => p.Properties.Name)).toEqual(['orders-build']);
    expect(ofType(s.delivery.json, 'AWS::Events::Rule')).toEqual([]);
    expect(ofType(s.delivery.json, 'AWS::Lambda::Function').map((f: any) => JSON.stringify(f)).filter((f: string) => /pull request/i.test(f))).toEqual([]);
    expect(ofType(s.delivery.json, 'AWS::CodeStarNotifications::NotificationRule').map((r: any) => r.Properties.Name)).toEqual(['orders-pipeline-runs']);
    expect(JSON.stringify(s.delivery.json)).not.toMatch(/codecommit|template-upgrade|pull-requests/i);
    expect(s.service.deliveryStack.pullRequestBuilds).toBeUndefined();
    expect(s.service.deliveryStack.scheduledUpgrade).toBeUndefined();
  });

  test('switched off explicitly, the same stack; switched on, refused before anything is created', () => {
    const off = synthesizeService({ ...CONNECTION_SOURCE_PROPS, pullRequestBuilds: false, upgradeSchedule: 'off' });
    expect(Object.keys(off.delivery.json.Resources).sort()).toEqual(Object.keys(connectionService().delivery.json.Resources).sort());
    expect(() => synthesizeService({ ...CONNECTION_SOURCE_PROPS, pullRequestBuilds: true }))
      .toThrow('Invalid option "pullRequestBuilds": got true; expected false with `source`');
    expect(() => synthesizeService({ ...CONNECTION_SOURCE_PROPS, upgradeSchedule: 'rate(7 days)' }))
      .toThrow('Invalid option "upgradeSchedule": got "rate(7 days)"; expected "off" with `source`');
  });
});
