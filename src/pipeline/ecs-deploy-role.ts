import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgments';

/** Properties of `EcsDeployRole`. */
export interface EcsDeployRoleProps {
  /** Physical name of the role: the pipeline names it in its ECS deploy action. */
  readonly roleName: string;
  /** The account of the pipeline, which may assume the role. */
  readonly pipelineAccount: string;
  /** The cluster of the service. */
  readonly clusterName: string;
  /** The service that the action updates. */
  readonly serviceName: string;
  /** The family of the service's task definition. */
  readonly taskDefinitionFamily: string;
  /** The roles of the task definition: the only roles the action may pass. */
  readonly passedRoles: iam.IRole[];
}

/**
 * The role that CodePipeline's ECS deploy action assumes to roll out an image to one service, in
 * the service's own account. aws-cdk-lib's `EcsDeployAction` grants its ECS and `iam:PassRole`
 * actions on every resource; this role has them on the service, its cluster's tasks, its task
 * definition family and its two task roles.
 */
export class EcsDeployRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: EcsDeployRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ecsArn = (resource: string, resourceName: string) =>
      Arn.format({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      // The pipeline's account decides, with its own IAM policies, who may assume the role: the
      // pipeline's action role is the one it grants.
      assumedBy: new iam.AccountPrincipal(props.pipelineAccount),
      description: `Rolls out images to ${props.clusterName}/${props.serviceName} for the pipeline`,
    });
    const statements = [
      new iam.PolicyStatement({
        sid: 'UpdateTheService',
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: [ecsArn('service', `${props.clusterName}/${props.serviceName}`)],
      }),
      new iam.PolicyStatement({
        sid: 'WatchTheDeployment',
        actions: ['ecs:DescribeTasks'],
        resources: [ecsArn('task', `${props.clusterName}/*`)],
      }),
      // ListTasks has no resource type of its own: it is scoped by the cluster condition key.
      new iam.PolicyStatement({
        sid: 'ListTheClusterTasks',
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': ecsArn('cluster', props.clusterName) } },
      }),
      // DescribeTaskDefinition and RegisterTaskDefinition support no resource-level permissions.
      new iam.PolicyStatement({
        sid: 'RegisterTaskDefinitions',
        actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'TagNewRevisions',
        actions: ['ecs:TagResource'],
        resources: [ecsArn('task-definition', `${props.taskDefinitionFamily}:*`)],
        conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
      }),
      new iam.PolicyStatement({
        sid: 'PassTheTaskRoles',
        actions: ['iam:PassRole'],
        resources: props.passedRoles.map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
      // imagedefinitions.json, from the pipeline's artifact bucket. Its name is generated in another
      // stack (maybe another account): the statement names the pipeline's account instead, and the
      // bucket's policy admits this role only.
      new iam.PolicyStatement({
        sid: 'ReadPipelineArtifacts',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [Arn.format({ service: 's3', region: '', account: '', resource: '*/*' }, stack)],
        conditions: { StringEquals: { 's3:ResourceAccount': props.pipelineAccount } },
      }),
      new iam.PolicyStatement({
        sid: 'DecryptPipelineArtifacts',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [Arn.format({ service: 'kms', region: '*', account: props.pipelineAccount, resource: 'key', resourceName: '*' }, stack)],
        conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    const policy = this.role.node.findChild('DefaultPolicy');
    acknowledgeWildcards(policy, 'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition support no resource-level permissions; ecs:ListTasks is limited to the cluster by the ecs:cluster condition', ['Resource::*']);
    acknowledgeWildcards(policy, 'The tasks of the service\'s own cluster, whose IDs are not known in advance', [`Resource::${nagArn('ecs', `task/${props.clusterName}/*`)}`]);
    acknowledgeWildcards(policy, 'The revisions of the service\'s own task definition family, which the deploy action registers and tags', [`Resource::${nagArn('ecs', `task-definition/${props.taskDefinitionFamily}:*`)}`]);
    acknowledgeWildcards(policy, 'imagedefinitions.json in the pipeline\'s artifact bucket, whose generated name this stack cannot know: limited to buckets of the pipeline\'s account, and that bucket\'s policy admits this role only', ['Resource::arn:<AWS::Partition>:s3:::*/*']);
    acknowledgeWildcards(policy, 'The artifact key of the pipeline (when an environment is in another account), whose ID this stack cannot know: limited to keys of the pipeline\'s account used through S3', [`Resource::${nagArn('kms', 'key/*', '*', props.pipelineAccount)}`]);

    /** An ARN as cdk-nag names it in a finding: tokens as `<AWS::...>`. */
    function nagArn(service: string, resource: string, region?: string, account?: string): string {
      const show = (value: string | undefined, pseudo: string) => value === undefined || Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
      return `arn:<AWS::Partition>:${service}:${region ?? show(Token.isUnresolved(stack.region) ? undefined : stack.region, 'Region')}:${show(account ?? (Token.isUnresolved(stack.account) ? undefined : stack.account), 'AccountId')}:${resource}`;
    }
  }
}
