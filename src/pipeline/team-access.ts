import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { executeCommandLogGroupName } from './execute-command';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { approvalStageName } from './service-pipeline';
import { EnvironmentSettings, ServiceSettings } from '../shared/service-settings';
import { environmentTeamPolicyName, teamPolicyParts } from '../shared/team-access-settings';

/** The approval action's name in each environment's approval stage (see `ServicePipeline`). */
const APPROVAL_ACTION = 'Approve';

/** Why the team's policy names the log streams of a log group with a wildcard. */
const LOG_STREAMS_REASON = 'The log streams of the service\'s own log groups (builds, environments and their ECS Exec sessions), whose names cannot be known in advance';

/** Properties of `TeamAccess`. */
export interface TeamAccessProps {
  /** The service's settings. */
  readonly settings: ServiceSettings;
  /** The CodeCommit repository; absent with a connection source, which leaves no Git permissions to grant. */
  readonly repository?: codecommit.IRepository;
  /** The repository's customer-managed key, when it has one. */
  readonly repositoryKey?: kms.IKey;
  /** The build project. */
  readonly buildProject: codebuild.IProject;
  /** The build project's log group. */
  readonly buildLogGroup: logs.ILogGroup;
  /** The report group of the build's test reports. */
  readonly testReportGroup: codebuild.IReportGroup;
  /** The pipeline. */
  readonly pipeline: codepipeline.IPipeline;
}

/**
 * The team's access to the service in the pipeline's account: a customer managed policy
 * `<service>-team-access` (and, with `teamAccess.group`, an IAM group `<service>-team` with the
 * policies) that lets a developer pull and push the CodeCommit repository, read the builds, their
 * logs and test reports (`addBuild` adds the pull request build and the template upgrade), the
 * pipeline and its runs, the log groups (ECS Exec sessions' included) and ECS services of the
 * environments in this account, and approve or reject a waiting approval of the pipeline only in a
 * session signed in with MFA. With more than three environments, the environments after the first
 * three are in further policies, `<service>-team-access-2` for the fourth to sixth and so on.
 * Every statement names the service's own resources.
 */
export class TeamAccess extends Construct {
  /** The policy to attach to a developer's user, group or role (or to name in a permission set). */
  public readonly policy: iam.ManagedPolicy;
  /**
   * Every policy of the team: `policy`, then one more for every three environments after the first
   * three (`<policy>-2`, `<policy>-3`...), which keeps each within IAM's size of a managed policy.
   */
  public readonly policies: iam.ManagedPolicy[];
  /** The group with the policies, when `teamAccess.group` is true. */
  public readonly group?: iam.Group;
  private readonly buildsStatement: iam.PolicyStatement;
  private readonly reportsStatement: iam.PolicyStatement;
  private readonly logsStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);
    const statements: iam.PolicyStatement[] = [];
    if (props.repository) {
      statements.push(new iam.PolicyStatement({
        sid: 'PullTheRepository',
        actions: ['codecommit:GitPull', 'codecommit:GetRepository', 'codecommit:GetBranch', 'codecommit:ListBranches'],
        resources: [props.repository.repositoryArn],
      }), new iam.PolicyStatement({
        sid: 'PushBranches',
        actions: ['codecommit:GitPush'],
        resources: [props.repository.repositoryArn],
        // Branches only: tags and other references are not the team's to push.
        conditions: { 'ForAllValues:StringLike': { 'codecommit:References': ['refs/heads/*'] } },
      }));
    }
    if (props.repository && props.repositoryKey) {
      // A repository encrypted with a customer-managed key: CodeCommit uses the key with the
      // caller's permissions, and only CodeCommit may use it with this grant.
      statements.push(new iam.PolicyStatement({
        sid: 'UseTheRepositoryKeyThroughCodeCommit',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.repositoryKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `codecommit.${stack.region}.amazonaws.com` } },
      }));
    }
    this.buildsStatement = new iam.PolicyStatement({
      sid: 'ReadTheBuilds',
      actions: ['codebuild:BatchGetProjects', 'codebuild:ListBuildsForProject', 'codebuild:BatchGetBuilds'],
      resources: [props.buildProject.projectArn],
    });
    this.reportsStatement = new iam.PolicyStatement({
      sid: 'ReadTheTestReports',
      actions: ['codebuild:BatchGetReportGroups', 'codebuild:ListReportsForReportGroup', 'codebuild:BatchGetReports',
        'codebuild:DescribeTestCases', 'codebuild:GetReportGroupTrend'],
      resources: [props.testReportGroup.reportGroupArn],
    });
    statements.push(
      this.buildsStatement,
      this.reportsStatement,
      new iam.PolicyStatement({
        sid: 'ReadThePipeline',
        actions: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution',
          'codepipeline:ListPipelineExecutions', 'codepipeline:ListActionExecutions'],
        resources: [props.pipeline.pipelineArn],
      }),
    );
    // The environments' statements, three environments to a policy: the first three in this
    // policy, the others in `<policy>-2`, `<policy>-3`... With the longest names, ECS Exec and an
    // approval each, three environments and the delivery statements stay within IAM's 6,144
    // characters of a managed policy with room to spare (test/pipeline/team-access.test.ts
    // measures it), where ten did not.
    const [main, ...further] = teamPolicyParts(settings.teamAccess, settings.environments, settings.pipelineAccount);
    const first = environmentStatements(stack, settings, props.pipeline, main.environments);
    this.logsStatement = readLogs([logGroupArn(stack, literalName(props.buildLogGroup)), ...first.logGroups]);
    statements.push(this.logsStatement, ...first.statements);
    statements.push(denyApprovalWithoutMfa(props.pipeline));

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: settings.teamAccess.policyName,
      description: `Developers of ${settings.serviceName}: Git, builds, pipeline, logs and ECS state; approvals with MFA only`,
      statements,
    });
    acknowledgeEnvironmentWildcards(stack, this.policy, this.logsStatement.resources, first.local);
    new CfnOutput(stack, main.output, { value: this.policy.managedPolicyArn, description: 'The team\'s policy: attach it to a user, group or role' });
    this.policies = [this.policy];
    for (const part of further) {
      const more = environmentStatements(stack, settings, props.pipeline, part.environments);
      const policyStatements = [...more.logGroups.length > 0 ? [readLogs(more.logGroups)] : [], ...more.statements];
      // Each policy that allows approvals carries the Deny too, whichever of them a person gets.
      if (more.approvals) policyStatements.push(denyApprovalWithoutMfa(props.pipeline));
      const names = part.environments.map((e) => e.name).join(', ');
      // The description names no environment: CloudFormation replaces a managed policy whose
      // description changes, which a policy with a fixed name cannot be.
      const policy = new iam.ManagedPolicy(this, `Policy${part.number}`, {
        managedPolicyName: part.policyName,
        description: `Developers of ${settings.serviceName}, with ${settings.teamAccess.policyName}: logs, ECS state and approvals of more environments`,
        statements: policyStatements,
      });
      acknowledgeEnvironmentWildcards(stack, policy, more.logGroups, more.local);
      new CfnOutput(stack, part.output, { value: policy.managedPolicyArn, description: `The team's policy for ${names}: attach it with the first one` });
      this.policies.push(policy);
    }

    if (settings.teamAccess.group) {
      this.group = new iam.Group(this, 'Group', { groupName: settings.teamAccess.groupName, managedPolicies: this.policies });
      new CfnOutput(stack, 'TeamGroupName', { value: this.group.groupName, description: 'The team\'s IAM group, with the team\'s policies' });
    }
  }

  /**
   * Lets the team read another build project of the service (pull request builds, the template
   * upgrade): the project and its builds, the events of its log group and, when it has one, its
   * test report group; the same read actions as for the pipeline's build, on these resources only.
   */
  public addBuild(project: codebuild.IProject, logGroup: logs.ILogGroup, testReportGroup?: codebuild.IReportGroup): void {
    const stack = Stack.of(this);
    const logArn = logGroupArn(stack, literalName(logGroup));
    this.buildsStatement.addResources(project.projectArn);
    if (testReportGroup) this.reportsStatement.addResources(testReportGroup.reportGroupArn);
    this.logsStatement.addResources(logArn);
    acknowledgeWildcards(this.policy, LOG_STREAMS_REASON, [`Resource::${nagArn(stack, logArn)}`]);
  }
}

/** Properties of `EnvironmentTeamAccess`. */
export interface EnvironmentTeamAccessProps {
  /** The environment, in another account than the pipeline's. */
  readonly environment: EnvironmentSettings;
}

/**
 * The team's access to an environment in another account than the pipeline's: a customer managed
 * policy `<service>-<environment>-team-access` that reads the environment's logs (its ECS Exec
 * sessions' included, when ECS Exec is on) and its ECS service and tasks. Nothing else of the service lives in that account.
 */
export class EnvironmentTeamAccess extends Construct {
  /** The policy to attach to a developer's user, group or role in the environment's account. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: EnvironmentTeamAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const environment = props.environment;
    const logGroups = environmentLogGroups(stack, environment);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: environmentTeamPolicyName(environment.stackName),
      description: `Developers of ${environment.stackName}: its logs and ECS state`,
      statements: [readLogs(logGroups), readEcs(stack, [environment])],
    });
    acknowledgeWildcards(this.policy, 'The log streams of the environment\'s own log groups (its containers and ECS Exec sessions), whose names cannot be known in advance',
      logGroups.map((arn) => `Resource::${nagArn(stack, arn)}`));
    acknowledgeWildcards(this.policy, 'The tasks of the environment\'s own cluster, whose IDs change with every deployment',
      [`Resource::${nagArn(stack, taskArns(stack, environment))}`]);
    new CfnOutput(stack, 'TeamAccessPolicyArn', { value: this.policy.managedPolicyArn, description: 'The team\'s policy in this account: attach it to a user, group or role' });
  }
}

/** Whether an environment runs in another account than the pipeline's: its stack then holds its own team policy. */
export function inAnotherAccount(settings: ServiceSettings, environment: EnvironmentSettings): boolean {
  return environment.account !== undefined && environment.account !== settings.pipelineAccount;
}

/** A log group and its streams, by name. */
function logGroupArn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** A log group's name as the template states it: a literal name gives an ARN that names the service, not a token. */
function literalName(logGroup: logs.ILogGroup): string {
  return (logGroup.node.defaultChild as logs.CfnLogGroup | undefined)?.logGroupName ?? logGroup.logGroupName;
}

/** The log groups of an environment: its containers', and its ECS Exec sessions' when ECS Exec is on. */
function environmentLogGroups(stack: Stack, environment: EnvironmentSettings): string[] {
  const names = [environment.logGroupName, ...(environment.runtime.enableExecuteCommand ? [executeCommandLogGroupName(environment)] : [])];
  return names.map((name) => logGroupArn(stack, name));
}

function readLogs(logGroups: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadTheLogs',
    actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery'],
    resources: logGroups,
  });
}

/** The tasks of an environment's cluster. */
function taskArns(stack: Stack, environment: EnvironmentSettings): string {
  return stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${environment.clusterName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** The ECS state of the environments: their clusters, services (deployments, events, counts) and tasks. */
function readEcs(stack: Stack, environments: EnvironmentSettings[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadTheEcsServices',
    actions: ['ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTasks'],
    resources: environments.flatMap((e) => [
      stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: e.clusterName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${e.clusterName}/${e.ecsServiceName}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      taskArns(stack, e),
    ]),
  });
}

/** An ARN as cdk-nag names it in a finding: pseudo parameters as `<AWS::...>`. */
function nagArn(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn);
  if (typeof resolved === 'string') return resolved;
  return (resolved['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`)).join('');
}

/**
 * The team's access to some environments: the log groups of those in the pipeline's account (the
 * others have a policy in their own account) and the statements for their ECS state and for
 * approvals with MFA where they wait for one.
 */
function environmentStatements(stack: Stack, settings: ServiceSettings, pipeline: codepipeline.IPipeline, environments: EnvironmentSettings[]) {
  const local = environments.filter((e) => !inAnotherAccount(settings, e));
  const logGroups = local.flatMap((e) => environmentLogGroups(stack, e));
  const statements: iam.PolicyStatement[] = [];
  if (local.length > 0) statements.push(readEcs(stack, local));
  const approvals = environments.filter((e) => e.requireApproval)
    .map((e) => `${pipeline.pipelineArn}/${approvalStageName(e.name)}/${APPROVAL_ACTION}`);
  if (approvals.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'ApproveOnlyWithMfa',
      actions: ['codepipeline:PutApprovalResult'],
      resources: approvals,
      // Bool, not BoolIfExists: a request without the key (long-term access keys) does not match,
      // so this statement never allows it.
      conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    }));
  }
  return { local, logGroups, statements, approvals: approvals.length > 0 };
}

/**
 * Denies approvals of the pipeline without MFA. The Deny holds even where another policy of the
 * same person allows approvals: BoolIfExists with "false" matches a session without MFA (false) and
 * a request without the key at all (long-term access keys, which carry no MFA context), where a
 * plain Bool would not match and so would not deny. It covers every action of this pipeline,
 * approvals added later included.
 */
function denyApprovalWithoutMfa(pipeline: codepipeline.IPipeline): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyApprovalWithoutMfa',
    effect: iam.Effect.DENY,
    actions: ['codepipeline:PutApprovalResult'],
    resources: [`${pipeline.pipelineArn}/*`],
    conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  });
}

/** The cdk-nag acknowledgments of a team policy's wildcards: log streams of its log groups, tasks of its clusters. */
function acknowledgeEnvironmentWildcards(stack: Stack, policy: iam.ManagedPolicy, logGroups: readonly string[],
  local: readonly EnvironmentSettings[]): void {
  if (logGroups.length > 0) acknowledgeWildcards(policy, LOG_STREAMS_REASON, logGroups.map((arn) => `Resource::${nagArn(stack, arn)}`));
  if (local.length > 0) {
    acknowledgeWildcards(policy, 'The tasks of the service\'s own clusters, whose IDs change with every deployment',
      local.map((e) => `Resource::${nagArn(stack, taskArns(stack, e))}`));
  }
}
