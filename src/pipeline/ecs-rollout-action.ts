import { Duration } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Options of `EcsRolloutAction`. */
export interface EcsRolloutActionProps {
  readonly actionName: string;
  /** The build output; it holds `imagedefinitions.json`. */
  readonly input: codepipeline.Artifact;
  /** Name of the cluster. */
  readonly clusterName: string;
  /** Name of the service. */
  readonly serviceName: string;
  /**
   * The environment's `EcsDeployRole`, imported by ARN: it holds every permission the action needs,
   * and reading `imagedefinitions.json` must be granted to it by the caller.
   */
  readonly role: iam.IRole;
  /** The region of the service. @default the pipeline's region */
  readonly region?: string;
  /** How long the action waits for the deployment (1-60 minutes). */
  readonly deploymentTimeout: Duration;
  readonly runOrder?: number;
}

/**
 * CodePipeline's ECS (rolling update) deploy action with `imagedefinitions.json`, run with the
 * role that the environment's stack provides. Unlike aws-cdk-lib's `EcsDeployAction`, it adds no
 * permission of its own: the role is scoped to one service in its stack.
 */
export class EcsRolloutAction extends codepipeline_actions.Action {
  private readonly props: EcsRolloutActionProps;

  constructor(props: EcsRolloutActionProps) {
    super({
      actionName: props.actionName,
      category: codepipeline.ActionCategory.DEPLOY,
      provider: 'ECS',
      artifactBounds: { minInputs: 1, maxInputs: 1, minOutputs: 0, maxOutputs: 0 },
      inputs: [props.input],
      role: props.role,
      region: props.region,
      runOrder: props.runOrder,
    });
    const minutes = props.deploymentTimeout.toMinutes();
    if (minutes < 1 || minutes > 60) throw new Error(`deploymentTimeout must be 1 to 60 minutes, got ${minutes}`);
    this.props = props;
  }

  protected bound(_scope: Construct, _stage: codepipeline.IStage, _options: codepipeline.ActionBindOptions): codepipeline.ActionConfig {
    // No grant here: a grant to a role of another account would name it in the artifact bucket's
    // and key's policies, which S3 and KMS refuse while the role does not exist yet.
    // `ServicePipeline` admits the role by condition instead.
    return {
      configuration: {
        ClusterName: this.props.clusterName,
        ServiceName: this.props.serviceName,
        FileName: 'imagedefinitions.json',
        DeploymentTimeout: this.props.deploymentTimeout.toMinutes(),
      },
    };
  }
}
