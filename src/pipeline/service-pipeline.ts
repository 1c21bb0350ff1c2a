import { Aws, CfnCapabilities, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BootstrapRoles, roleArn } from './bootstrap-roles';
import { CicdServiceProps } from './cicd-service-props';
import { EcsRolloutAction } from './ecs-rollout-action';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { PipelineFunction } from './pipeline-function';
import { addSourceTrigger, createSourceAction } from './pipeline-source';
import { resolveCicdService } from './resolve-cicd-service';
import { EnvironmentSettings, ServiceSettings } from '../shared/service-settings';

/** The namespace of the build action's variables; buildspec.yml exports `IMAGE_TAG`. */
const BUILD_NAMESPACE = 'Build';
/** The tag that the build gave this commit's image, as a pipeline variable. */
const IMAGE_TAG = `#{${BUILD_NAMESPACE}.IMAGE_TAG}`;
/** Where `npx projen test` (the synth gate) leaves the synthesized templates in the build output. */
const CLOUD_ASSEMBLY_DIR = 'cdk.out';

/** Properties of `ServicePipeline`. */
export interface ServicePipelineProps {
  /** The pipeline that receives the stages. */
  readonly pipeline: codepipeline.Pipeline;
  /** The service, as `CicdService` was given it. */
  readonly service: CicdServiceProps;
  /** The CodeCommit repository of the source; absent when `source` names a connection's repository. */
  readonly repository?: codecommit.IRepository;
  /** The image repository. */
  readonly imageRepository: ecr.IRepository;
  /** The project that runs `buildspec.yml`. */
  readonly buildProject: codebuild.IProject;
  /** The template file of the stack that holds the pipeline, in the cloud assembly. */
  readonly selfTemplateFile: string;
  /**
   * Topic that each approval notifies when it starts waiting.
   *
   * @default - approvals notify nobody
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * The stages of the service's pipeline:
 *
 * 1. Source: the push to the branch (of the CodeCommit repository, or of the repository that
 *    `source` reaches through a connection, when the push changes more than `excludedPaths`).
 * 2. Build: `buildspec.yml` tests the repository, synthesizes the CDK app, builds and pushes the
 *    image, and writes `imagedefinitions.json`.
 * 3. UpdatePipeline: the pipeline's own stack from this commit's templates; when that changes
 *    the pipeline, the run starts again on the new definition.
 * 4. One stage per environment, in order: an approval where the environment asks for one; the
 *    environment's ECR tag created if missing (first deploy); the environment's stack from this
 *    commit's templates; the image rollout with the ECS deploy action and `imagedefinitions.json`;
 *    the verification that the environment's URL answers the health path with this commit's
 *    version; then the environment's tag moved to this commit's image.
 *
 * Stacks are deployed with the CDK bootstrap roles of their environment (the deploy role, which
 * passes the CloudFormation execution role), as `cdk deploy` does; rollouts with the role that
 * each environment's stack provides.
 */
export class ServicePipeline extends Construct {
  /** Points an environment's ECR tag at a commit's image. */
  public readonly tagImageFunction: PipelineFunction;
  /** Checks that an environment serves the commit just built. */
  public readonly verifyFunction: PipelineFunction;
  /** The artifact that the build writes: `imagedefinitions.json` and the synthesized templates. */
  public readonly buildOutput: codepipeline.Artifact;

  constructor(scope: Construct, id: string, props: ServicePipelineProps) {
    super(scope, id);
    const resolved = resolveCicdService(props.service);
    const settings = resolved.settings;
    const { pipeline } = props;

    this.tagImageFunction = new PipelineFunction(this, 'TagImage', {
      handler: 'tagImage',
      description: `Points the environment tags of ${settings.serviceName} at the image that an environment runs`,
      logRetention: resolved.logRetention,
    });
    this.tagImageFunction.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:BatchGetImage', 'ecr:PutImage'],
      resources: [props.imageRepository.repositoryArn],
    }));
    this.verifyFunction = new PipelineFunction(this, 'Verify', {
      handler: 'verifyDeployment',
      description: `Checks that an environment of ${settings.serviceName} serves the commit just deployed`,
      logRetention: resolved.logRetention,
      // 40 attempts 5 s apart, each waiting up to 5 s.
      timeout: Duration.minutes(7),
    });
    for (const fn of [this.tagImageFunction, this.verifyFunction]) {
      acknowledgeWildcards(fn.role.node.findChild('DefaultPolicy'),
        'codepipeline:PutJobSuccessResult and PutJobFailureResult support no resource-level permissions', ['Resource::*']);
    }

    const sourceOutput = new codepipeline.Artifact('Source');
    this.buildOutput = new codepipeline.Artifact('Build');
    const source = createSourceAction(settings, props.repository, sourceOutput);
    pipeline.addStage({ stageName: 'Source', actions: [source.action] });
    addSourceTrigger(pipeline, settings, source);
    if (resolved.sourceEncryptionKey) {
      // Reading a repository encrypted with a customer-managed key needs the key.
      for (const child of pipeline.node.findChild('Source').node.findAll()) {
        if (child instanceof iam.Role) resolved.sourceEncryptionKey.grantDecrypt(child);
      }
    }
    pipeline.addStage({
      stageName: 'Build',
      actions: [new codepipeline_actions.CodeBuildAction({
        actionName: 'BuildAndPush',
        project: props.buildProject,
        input: sourceOutput,
        outputs: [this.buildOutput],
        variablesNamespace: BUILD_NAMESPACE,
        environmentVariables: source.buildVariables,
      })],
    });

    const pipelineRoles = new BootstrapRoles(this, 'Pipeline', { account: settings.pipelineAccount, region: settings.pipelineRegion });
    pipeline.addStage({
      stageName: 'UpdatePipeline',
      actions: [this.deployStack('SelfUpdate', settings.pipelineStackName, props.selfTemplateFile, pipelineRoles)],
    });

    let previousUrl: string | undefined;
    for (const environment of settings.environments) {
      previousUrl = this.addEnvironmentStage(props, settings, environment, previousUrl);
    }
    this.acknowledgeFindings(pipeline, settings, source.actionName);
  }

  /** The cdk-nag findings of aws-cdk-lib's pipeline roles that remain by design, each on the policy that carries it. */
  private acknowledgeFindings(pipeline: codepipeline.Pipeline, settings: ServiceSettings, sourceAction: string): void {
    const stack = Stack.of(this);
    const bucket = `<${stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as CfnElement)}.Arn>`;
    const bucketFindings = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${bucket}/*`];
    const keyFindings = pipeline.artifactBucket.encryptionKey ? ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'] : [];
    const bucketReason = 'aws-cdk-lib grants the pipeline and its source action read/write on the objects of the pipeline\'s own artifact bucket (and its key) only';
    acknowledgeWildcards(pipeline.role.node.findChild('DefaultPolicy'), bucketReason, [...bucketFindings, ...keyFindings]);
    acknowledgeWildcards(policyOf(pipeline.node.findChild('Source').node.findChild(sourceAction)), bucketReason, [...bucketFindings, ...keyFindings]);
    const invocations: Array<[string, PipelineFunction]> = [['PinImage', this.tagImageFunction], ['RecordImage', this.tagImageFunction], ['Verify', this.verifyFunction]];
    for (const environment of settings.environments) {
      for (const [action, fn] of invocations) {
        const policy = policyOf(pipeline.node.findChild(environment.name).node.findChild(action));
        const arn = `<${stack.getLogicalId(fn.function.node.defaultChild as CfnElement)}.Arn>`;
        acknowledgeWildcards(policy, 'CodePipeline\'s Lambda invoke action needs lambda:ListFunctions, which supports no resource-level permissions', ['Resource::*']);
        acknowledgeWildcards(policy, 'Invoking the action\'s own function and its versions', [`Resource::${arn}:*`]);
      }
    }
  }

  /** Adds the stage of one environment; returns the variable that holds its URL. */
  private addEnvironmentStage(props: ServicePipelineProps, settings: ServiceSettings, environment: EnvironmentSettings,
    previousUrl: string | undefined): string {
    const account = environment.account ?? settings.pipelineAccount;
    const region = environment.region ?? settings.pipelineRegion;
    const namespace = `${environment.name}-stack`;
    const url = `#{${namespace}.ServiceUrl}`;
    const tagParams = (onlyIfMissing: boolean) => ({
      repositoryName: props.imageRepository.repositoryName,
      sourceTag: IMAGE_TAG,
      targetTag: environment.imageTag,
      onlyIfMissing,
    });
    const actions: codepipeline.IAction[] = [];
    if (environment.requireApproval) {
      // A stage of its own, before the environment's: a rejection fails this stage, which has
      // nothing to roll back, and a rollback of the environment's stage asks no one again.
      props.pipeline.addStage({
        stageName: approvalStageName(environment.name),
        actions: [new codepipeline_actions.ManualApprovalAction({
          actionName: 'Approve',
          additionalInformation: previousUrl
            ? `Deploy commit ${IMAGE_TAG} of ${settings.serviceName} to ${environment.name}? It runs at the link.`
            : `Deploy commit ${IMAGE_TAG} of ${settings.serviceName} to ${environment.name}?`,
          externalEntityLink: previousUrl,
          notificationTopic: props.notificationTopic,
          runOrder: 1,
        })],
      });
    }
    actions.push(
      new codepipeline_actions.LambdaInvokeAction({
        actionName: 'PinImage',
        lambda: this.tagImageFunction.function,
        userParameters: tagParams(true),
        runOrder: 2,
      }),
      this.deployStack('DeployStack', environment.stackName, `${environment.stackName}.template.json`,
        new BootstrapRoles(this, environment.name, { account, region }), { namespace, region, runOrder: 3 }),
      new EcsRolloutAction({
        actionName: 'Rollout',
        input: this.buildOutput,
        clusterName: environment.clusterName,
        serviceName: environment.ecsServiceName,
        role: this.environmentDeployRole(props.pipeline, settings, environment, account ?? Aws.ACCOUNT_ID),
        region,
        // The action waits for the whole ECS deployment, bake time included, but 60 minutes at most:
        // blue/green, canary and linear deployments get that longest wait, and their bake time and
        // steps were validated to fit in it (DeploymentSettings), which needs no waiting step of
        // our own. Should the action pass a deployment that ECS rolled back, Verify (next) fails.
        deploymentTimeout: Duration.minutes(environment.deployment.rolloutTimeoutMinutes),
        runOrder: 4,
      }),
      new codepipeline_actions.LambdaInvokeAction({
        actionName: 'Verify',
        lambda: this.verifyFunction.function,
        userParameters: { url: `${url}${settings.healthCheckPath}`, expectedVersion: IMAGE_TAG },
        runOrder: 5,
      }),
      new codepipeline_actions.LambdaInvokeAction({
        actionName: 'RecordImage',
        lambda: this.tagImageFunction.function,
        userParameters: tagParams(false),
        runOrder: 6,
      }),
    );
    props.pipeline.addStage({ stageName: environment.name, actions, onFailure: ROLLBACK_ON_FAILURE });
    return url;
  }

  /**
   * The environment's `EcsDeployRole`, imported by ARN. The pipeline's stack is deployed before the
   * environment's, so the role may not exist yet, and S3 and KMS refuse a policy that names a
   * principal that does not exist: the artifact bucket (and key) grant the role's account, on the
   * condition that the caller is that role; the role's own policy allows the read.
   */
  private environmentDeployRole(pipeline: codepipeline.Pipeline, settings: ServiceSettings, environment: EnvironmentSettings,
    account: string): iam.IRole {
    const target = { account: environment.account ?? settings.pipelineAccount, region: environment.region ?? settings.pipelineRegion };
    const arn = roleArn(target, environment.deployRoleName);
    const reader = new iam.AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': arn } });
    pipeline.artifactBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: `ReadArtifacts${environment.name.replace(/-/g, '')}Rollout`,
      principals: [reader],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [pipeline.artifactBucket.arnForObjects('*')],
    }));
    pipeline.artifactBucket.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
      sid: `DecryptArtifacts${environment.name.replace(/-/g, '')}Rollout`,
      principals: [reader],
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
    }));
    // Grants to an immutable role are dropped: the two statements above are the grants.
    return iam.Role.fromRoleArn(this, `${environment.name}EcsDeployRole`, arn, { mutable: false });
  }

  /** A CloudFormation action that creates or updates `stackName` from this commit's synthesized template. */
  private deployStack(actionName: string, stackName: string, templateFile: string, roles: BootstrapRoles,
    options: { namespace?: string; region?: string; runOrder?: number } = {}): codepipeline_actions.CloudFormationCreateUpdateStackAction {
    return new codepipeline_actions.CloudFormationCreateUpdateStackAction({
      actionName,
      stackName,
      templatePath: this.buildOutput.atPath(`${CLOUD_ASSEMBLY_DIR}/${templateFile}`),
      adminPermissions: false,
      role: roles.deployRole,
      deploymentRole: roles.executionRole,
      cfnCapabilities: [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND],
      replaceOnFailure: false,
      variablesNamespace: options.namespace,
      region: options.region,
      runOrder: options.runOrder,
    });
  }
}

/**
 * What an environment's stage does when an action fails: CodePipeline runs the stage again with
 * the artifacts and variables of the last execution that succeeded in it (its template, image and
 * tag), once the pipeline has had one in its current structure. The failed execution stays failed.
 */
export const ROLLBACK_ON_FAILURE: codepipeline.FailureConditions = { result: codepipeline.Result.ROLLBACK };

/** The name of the stage that waits for the approval of `environment`: capitalized, so no environment can be named so. */
export function approvalStageName(environment: string): string {
  return `Approve-${environment}`;
}

/** The default policy of the role that aws-cdk-lib makes for a pipeline action. */
function policyOf(action: Construct): Construct {
  return action.node.findChild('CodePipelineActionRole').node.findChild('DefaultPolicy');
}
