import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CicdService } from '../../src';
import { SOURCE_COMMIT_ENV } from '../../src/shared/source-settings';
import { grants, iamViolations } from '../support/iam-walk';
import {
  CONNECTION_ARN, CONNECTION_SOURCE_PROPS, connectionService, only, resourcesOfType, synthesizeService, SynthesizedService,
} from '../support/service-stacks';

/** The pipeline's properties in the delivery stack. */
function pipelineOf(s: SynthesizedService): any {
  return only(s.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties;
}

function stage(s: SynthesizedService, name: string): any {
  return pipelineOf(s).Stages.find((st: any) => st.Name === name);
}

/** The environment variables that the pipeline's build action passes to CodeBuild. */
function buildActionVariables(s: SynthesizedService): Array<{ name: string; type: string; value: string }> {
  return JSON.parse(stage(s, 'Build').Actions[0].Configuration.EnvironmentVariables ?? '[]');
}

const GITLAB_ARN = 'arn:aws:codestar-connections:us-east-1:111111111111:connection/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('a source through a connection', () => {
  let s: SynthesizedService;
  let codeCommit: SynthesizedService;
  beforeAll(() => {
    s = connectionService();
    const { source, ...rest } = CONNECTION_SOURCE_PROPS;
    codeCommit = synthesizeService(rest);
  });

  test('the Source stage reads the repository and branch through the connection, and leaves starting to the trigger', () => {
    const actions = stage(s, 'Source').Actions;
    expect(actions).toHaveLength(1);
    expect(actions[0].ActionTypeId).toEqual({ Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' });
    expect(actions[0].Configuration).toEqual({ ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'acme/orders', BranchName: 'main', DetectChanges: false });
    expect(actions[0].Namespace).toBe('Source');
  });

  test('no CodeCommit repository, nor anything that served it: event rule, clone URLs, CodeCommit permissions', () => {
    expect(resourcesOfType(codeCommit.delivery.json, 'AWS::CodeCommit::Repository')).toHaveLength(1);
    expect(resourcesOfType(codeCommit.delivery.json, 'AWS::Events::Rule').length).toBeGreaterThan(0);
    expect(Object.keys(codeCommit.delivery.json.Outputs)).toEqual(expect.arrayContaining(['CloneUrlHttps', 'CloneUrlSsh', 'CloneUrlGrc']));

    const json = JSON.stringify(s.delivery.json);
    expect(resourcesOfType(s.delivery.json, 'AWS::CodeCommit::Repository')).toEqual([]);
    expect(resourcesOfType(s.delivery.json, 'AWS::Events::Rule')).toEqual([]);
    expect(Object.keys(s.delivery.json.Outputs).sort()).toEqual(['ImageRepositoryUri', 'PipelineName']);
    expect(json).not.toMatch(/codecommit/i);
    expect(s.service.deliveryStack.repository).toBeUndefined();
  });

  test('the V2 pipeline starts on a push to the branch that changes more than the docs', () => {
    expect(pipelineOf(s).PipelineType).toBe('V2');
    expect(pipelineOf(s).Triggers).toEqual([{
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: {
        SourceActionName: 'CodeConnections',
        Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Excludes: ['*.md', '**/*.md', 'docs/**'] } }],
      },
    }]);
    // A CodeCommit source keeps its EventBridge rule: CodePipeline filters triggers of connection sources only.
    expect(pipelineOf(codeCommit).Triggers).toBeUndefined();
  });

  test('the trigger follows the branch and the excluded paths; an empty list leaves only the branch filter', () => {
    const custom = synthesizeService({
      serviceName: 'orders',
      branch: 'release/v2',
      source: { connectionArn: GITLAB_ARN, repository: 'platform/payments/orders', excludedPaths: ['docs/**', 'CHANGELOG.md'] },
    });
    expect(pipelineOf(custom).Triggers[0].GitConfiguration.Push).toEqual([
      { Branches: { Includes: ['release/v2'] }, FilePaths: { Excludes: ['docs/**', 'CHANGELOG.md'] } },
    ]);
    // A GitLab path keeps its nested groups.
    expect(stage(custom, 'Source').Actions[0].Configuration).toEqual(expect.objectContaining({ FullRepositoryId: 'platform/payments/orders', BranchName: 'release/v2' }));
    const everyPush = synthesizeService({ serviceName: 'orders', source: { connectionArn: GITLAB_ARN, repository: 'acme/orders', excludedPaths: [] } });
    expect(pipelineOf(everyPush).Triggers[0].GitConfiguration.Push).toEqual([{ Branches: { Includes: ['main'] } }]);
  });

  test('the build action hands the commit ID of the source action to the build, for either source', () => {
    const expected = [{ name: SOURCE_COMMIT_ENV, type: 'PLAINTEXT', value: '#{Source.CommitId}' }];
    expect(buildActionVariables(s)).toEqual(expected);
    expect(buildActionVariables(codeCommit)).toEqual(expected);
    expect(stage(codeCommit, 'Source').Actions[0].Namespace).toBe('Source');
  });

  test('everything after the source is the same as with CodeCommit: build, self-update, approvals, environments', () => {
    const after = (x: SynthesizedService) => pipelineOf(x).Stages.slice(1);
    expect(after(s).map((st: any) => st.Name)).toEqual(['Build', 'UpdatePipeline', 'staging', 'Approve-production', 'production']);
    expect(after(s)).toEqual(after(codeCommit));
    expect(stage(s, 'Approve-production').Actions.map((a: any) => a.Name)).toEqual(['Approve']);
    expect(stage(s, 'production').Actions.map((a: any) => a.Name)).toEqual(['PinImage', 'DeployStack', 'Rollout', 'Verify', 'RecordImage']);
  });

  test('only the source action\'s role may use the connection, and only that one, under the prefix of its ARN', () => {
    const use = grants(s.delivery.json).filter((g) => g.actions.some((a) => a.endsWith(':UseConnection')));
    expect([...new Set(use.map((g) => g.policy))]).toEqual([expect.stringMatching(/^PipelineSourceCodeConnectionsCodePipelineActionRoleDefaultPolicy/)]);
    expect(use.flatMap((g) => g.actions).sort()).toEqual(['codeconnections:UseConnection', 'codestar-connections:UseConnection']);
    expect(use.map((g) => g.resources)).toEqual([[CONNECTION_ARN], [CONNECTION_ARN]]);
    // The older ARN form is authorized under its own prefix only.
    const older = synthesizeService({ serviceName: 'orders', source: { connectionArn: GITLAB_ARN, repository: 'acme/orders' } });
    expect(grants(older.delivery.json).filter((g) => g.actions.some((a) => a.endsWith(':UseConnection')))
      .map((g) => [g.actions, g.resources])).toEqual([[['codestar-connections:UseConnection'], [GITLAB_ARN]]]);
  });

  test('the IAM walk finds every stack clean, and reports a connection used beyond the source\'s', () => {
    for (const stack of s.all) expect([stack.stack.stackName, iamViolations(stack.json)]).toEqual([stack.stack.stackName, []]);
    const planted = JSON.parse(JSON.stringify(s.delivery.json));
    const policy = Object.values<any>(planted.Resources).find((r) => r.Type === 'AWS::IAM::Policy');
    policy.Properties.PolicyDocument.Statement.push({
      Effect: 'Allow', Action: 'codeconnections:UseConnection', Resource: CONNECTION_ARN.replace('0a1b2c3d', 'ffffffff'),
    });
    expect(iamViolations(planted)).toEqual([expect.stringContaining('UseConnection beyond the connection of the source')]);
  });

  test('a key for the CodeCommit repository is refused with a connection source, before any stack is added', () => {
    const app = new App();
    const key = new kms.Key(new Stack(app, 'shared'), 'SourceKey');
    expect(() => new CicdService(app, { ...CONNECTION_SOURCE_PROPS, sourceEncryptionKey: key }))
      .toThrow(/^Invalid option "sourceEncryptionKey": got .*; expected no key when source names a connection's repository/);
    expect(app.node.children.map((c) => c.node.id)).toEqual(['shared']);
  });
});
