import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Options of `ScopedEcsDeployAction`. */
export interface ScopedEcsDeployActionProps {
  readonly actionName: string;
  /** The build output; it holds `imagedefinitions.json`. */
  readonly input: codepipeline.Artifact;
  readonly service: ecs.IBaseService;
  /** Name of the cluster (known at synth time, so that ARNs can be written without a dependency). */
  readonly clusterName: string;
  /** Name of the service. */
  readonly serviceName: string;
  /** Family of the service's task definition. */
  readonly taskDefinitionFamily: string;
  /** The roles of the task definition that the action registers: the only roles it may pass. */
  readonly passedRoles: iam.IRole[];
  readonly deploymentTimeout?: Duration;
  readonly runOrder?: number;
}

/**
 * The CodePipeline "ECS" deploy action with a role scoped to one service. aws-cdk-lib's
 * `EcsDeployAction` grants the ECS and `iam:PassRole` actions on every resource; this one grants
 * them on the service, its cluster's tasks, its task definition family and its two task roles.
 */
export class ScopedEcsDeployAction extends codepipeline_actions.Action {
  private readonly props: ScopedEcsDeployActionProps;

  constructor(props: ScopedEcsDeployActionProps) {
    super({
      actionName: props.actionName,
      category: codepipeline.ActionCategory.DEPLOY,
      provider: 'ECS',
      artifactBounds: { minInputs: 1, maxInputs: 1, minOutputs: 0, maxOutputs: 0 },
      inputs: [props.input],
      resource: props.service,
      runOrder: props.runOrder,
    });
    this.props = props;
  }

  protected bound(scope: Construct, _stage: codepipeline.IStage, options: codepipeline.ActionBindOptions): codepipeline.ActionConfig {
    const stack = Stack.of(scope);
    const ecsArn = (resource: string, resourceName: string) =>
      Arn.format({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);
    const clusterArn = Arn.format({ service: 'ecs', resource: 'cluster', resourceName: this.props.clusterName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);

    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UpdateTheService',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [ecsArn('service', `${this.props.clusterName}/${this.props.serviceName}`)],
    }));
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WatchTheDeployment',
      actions: ['ecs:DescribeTasks'],
      resources: [ecsArn('task', `${this.props.clusterName}/*`)],
    }));
    // ListTasks has no resource type of its own: it is scoped by the cluster condition key.
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListTheClusterTasks',
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
    }));
    // DescribeTaskDefinition and RegisterTaskDefinition support no resource-level permissions.
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RegisterTaskDefinitions',
      actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
      resources: ['*'],
    }));
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'TagNewRevisions',
      actions: ['ecs:TagResource'],
      resources: [Arn.format({ service: 'ecs', resource: 'task-definition', resourceName: `${this.props.taskDefinitionFamily}:*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack)],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    }));
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassTheTaskRoles',
      actions: ['iam:PassRole'],
      resources: this.props.passedRoles.map((r) => r.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }));
    options.bucket.grantRead(options.role);

    const timeout = this.props.deploymentTimeout?.toMinutes();
    return {
      configuration: {
        ClusterName: this.props.clusterName,
        ServiceName: this.props.serviceName,
        FileName: 'imagedefinitions.json',
        DeploymentTimeout: timeout,
      },
    };
  }
}
