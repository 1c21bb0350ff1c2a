import { Aws, CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CicdServiceProps } from './cicd-service-props';
import { createLogBucket } from './log-bucket';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { acknowledgeApprovalGrants, PipelineNotifications } from './notifications';
import { createCodeCommitRepository } from './pipeline-source';
import { PullRequestBuilds } from './pull-request-builds';
import { resolveCicdService } from './resolve-cicd-service';
import { ScheduledUpgrade } from './scheduled-upgrade';
import { ServicePipeline } from './service-pipeline';
import { buildDocker, StrictCompliance } from './strict-compliance';
import { TeamAccess } from './team-access';
import { BUILD_ENV, ENVIRONMENT_TAG_PREFIX, ServiceSettings } from '../shared/service-settings';

/** The key under which buildspec.yml's `reports` section sends the JUnit results. */
const TEST_REPORT_KEY = 'unit-tests';

/** Build images that CodeBuild provides; anything else is pulled from a registry. */
const CURATED_IMAGE_PREFIX = 'aws/codebuild/';

/** Properties of `DeliveryStack`. */
export interface DeliveryStackProps extends StackProps {
  /** The service, as `CicdService` was given it. */
  readonly service: CicdServiceProps;
}

/**
 * The delivery tools of the service: the CodeCommit repository (unless `source` names a
 * repository reached through a connection), the ECR repository, the CodeBuild
 * project that tests the repository and builds the image, and the pipeline that delivers every
 * push to the environments (`ServicePipeline`). It is the one stack deployed from a laptop
 * (`npx projen deploy`); the pipeline deploys every later change of it, and every environment's
 * stack, from Git.
 *
 * Removal: the CodeCommit repository is retained when the stack is deleted (it holds the source;
 * delete it by hand before creating the stack again under the same service name); the ECR
 * repository is emptied and deleted (every image can be rebuilt from the source), and so is the
 * test report group with its reports; the artifact and log buckets are retained and expire their
 * objects after `artifactRetentionDays`.
 */
export class DeliveryStack extends Stack {
  /** The CodeCommit repository of the source; absent when `source` names a connection's repository. */
  public readonly repository?: codecommit.Repository;
  /** The image repository. */
  public readonly imageRepository: ecr.Repository;
  /** The project that runs `buildspec.yml`. */
  public readonly buildProject: codebuild.PipelineProject;
  /** Log group of the build project. */
  public readonly buildLogGroup: logs.LogGroup;
  /** Report group that receives the JUnit test reports of the build. */
  public readonly testReportGroup: codebuild.ReportGroup;
  /** Bucket of the pipeline's artifacts. */
  public readonly artifactBucket: s3.Bucket;
  /** Bucket of the artifact bucket's access logs. */
  public readonly logBucket: s3.Bucket;
  /** The KMS key of the artifacts, when an environment is in another account. */
  public readonly artifactKey?: kms.Key;
  /** The pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The stages of the pipeline and the functions its actions invoke. */
  public readonly servicePipeline: ServicePipeline;
  /** The topic of the pipeline's runs, its approvals and the alarms of the environments in this account. */
  public readonly notificationTopic: sns.ITopic;
  /** The team's customer managed policy `<service>-team-access`. */
  public readonly teamAccessPolicy: iam.ManagedPolicy;
  /**
   * Every policy of the team in this account: `teamAccessPolicy`, then `<service>-team-access-2`,
   * `-3`... for every three environments after the first three.
   */
  public readonly teamAccessPolicies: iam.ManagedPolicy[];
  /** The team's IAM group `<service>-team`, when `teamAccess.group` is true. */
  public readonly teamGroup?: iam.Group;
  /** The pull request builds, unless `pullRequestBuilds` is false (always with a connection source). */
  public readonly pullRequestBuilds?: PullRequestBuilds;
  /** The scheduled template upgrade, unless `upgradeSchedule` is "off" (always with a connection source). */
  public readonly scheduledUpgrade?: ScheduledUpgrade;

  /** @internal */
  public readonly _settings: ServiceSettings;

  constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    const resolved = resolveCicdService(props.service);
    const settings = resolved.settings;
    super(scope, id, {
      stackName: settings.pipelineStackName,
      description: `Delivery of ${settings.serviceName}: source and image repositories, build and pipeline`,
      env: { account: settings.pipelineAccount, region: settings.pipelineRegion },
      ...props,
    });
    this._settings = settings;
    // Server access logs reach the log bucket through its bucket policy, whatever the app's feature
    // flags say, so that the bucket can refuse ACLs (object ownership enforced).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const name = settings.serviceName;
    const otherAccounts = [...new Set(settings.environments
      .map((e) => e.account)
      .filter((a): a is string => a !== undefined && a !== settings.pipelineAccount))];

    // ---------------------------------------------------------------- buckets
    this.logBucket = createLogBucket(this, 'LogBucket', resolved.artifactRetentionDays);
    const strict = settings.compliance === 'strict'
      ? new StrictCompliance(this, 'Compliance', { description: `Log groups and images of ${name}` }) : undefined;
    if (otherAccounts.length > 0 || strict) {
      // Environments in other accounts read the artifacts: S3-managed keys cannot be shared; strict
      // wants a customer-managed key anyway.
      this.artifactKey = new kms.Key(this, 'ArtifactKey', {
        description: `Pipeline artifacts of ${name}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    this.artifactBucket = new s3.Bucket(this, 'ArtifactBucket', {
      encryption: this.artifactKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: this.artifactKey,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'artifact-bucket/',
      lifecycleRules: [{ expiration: Duration.days(resolved.artifactRetentionDays), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---------------------------------------------------------------- source
    this.repository = createCodeCommitRepository(this, settings, resolved.sourceEncryptionKey);

    // ---------------------------------------------------------------- images
    this.imageRepository = this.createImageRepository(settings, resolved.imagesToKeep, resolved.imageEncryptionKey ?? strict?.key);
    for (const account of otherAccounts) {
      this.imageRepository.grantPull(new iam.AccountPrincipal(account));
    }

    // ---------------------------------------------------------------- build
    this.buildLogGroup = new logs.LogGroup(this, 'BuildLogGroup', {
      logGroupName: `/aws/codebuild/${name}-build`,
      retention: resolved.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const arm = settings.buildImage.includes('aarch64') || settings.buildImage.includes('arm64');
    const { cache: dockerCache, ...docker } = buildDocker(strict !== undefined, resolved.buildComputeType);
    this.buildProject = new codebuild.PipelineProject(this, 'BuildProject', {
      projectName: `${name}-build`,
      description: `Tests ${name}, builds its image and pushes it to ECR`,
      buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml'),
      environment: {
        buildImage: buildImageFor(settings.buildImage, arm),
        computeType: resolved.buildComputeType,
        ...docker,
      },
      environmentVariables: {
        [BUILD_ENV.repositoryUri]: { value: this.imageRepository.repositoryUri },
        [BUILD_ENV.containerName]: { value: settings.containerName },
        [BUILD_ENV.accountId]: { value: Aws.ACCOUNT_ID },
      },
      cache: dockerCache,
      logging: { cloudWatch: { logGroup: this.buildLogGroup } },
      grantReportGroupPermissions: false,
      encryptionKey: this.artifactKey,
      timeout: Duration.minutes(30),
    });
    // buildspec.yml reports JUnit results under the "unit-tests" key: CodeBuild then writes to the
    // group named "<project>-unit-tests", created here so that the project needs no CreateReportGroup
    // permission. Its reports are deleted with it: CodeBuild refuses to delete a group that has any.
    this.testReportGroup = new codebuild.ReportGroup(this, 'TestReportGroup', {
      reportGroupName: `${name}-build-${TEST_REPORT_KEY}`,
      type: codebuild.ReportGroupType.TEST,
      removalPolicy: RemovalPolicy.DESTROY,
      deleteReports: true,
    });
    this.testReportGroup.grantWrite(this.buildProject);
    this.imageRepository.grant(this.buildProject,
      'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage',
      'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage');
    // The registry login has no resource type: it gets a policy of its own, where its finding is
    // acknowledged, so that a wildcard added to the project's role still fails the cdk-nag gate.
    const login = new iam.Policy(this, 'BuildRegistryLogin', {
      statements: [new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] })],
      roles: [this.buildProject.role!],
    });
    acknowledgeWildcards(login, 'ecr:GetAuthorizationToken supports no resource-level permissions; push and pull are scoped to the image repository',
      ['Resource::*']);

    // ---------------------------------------------------------------- pipeline
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: name,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      // When the self-update changes the pipeline, the run starts again on the new definition.
      restartExecutionOnUpdate: true,
      // Stage rollback (ServicePipeline) needs SUPERSEDED or QUEUED: a PARALLEL pipeline has none.
      executionMode: codepipeline.ExecutionMode.SUPERSEDED,
    });
    const notifications = new PipelineNotifications(this, 'Notifications', { pipeline: this.pipeline, settings });
    this.notificationTopic = notifications.topic;
    this.servicePipeline = new ServicePipeline(this, 'Delivery', {
      pipeline: this.pipeline,
      service: props.service,
      repository: this.repository,
      imageRepository: this.imageRepository,
      buildProject: this.buildProject,
      selfTemplateFile: this.templateFile,
      notificationTopic: this.notificationTopic,
    });
    acknowledgeApprovalGrants(this.pipeline, settings, notifications);
    const team = new TeamAccess(this, 'TeamAccess', {
      settings,
      repository: this.repository,
      repositoryKey: resolved.sourceEncryptionKey,
      buildProject: this.buildProject,
      buildLogGroup: this.buildLogGroup,
      testReportGroup: this.testReportGroup,
      pipeline: this.pipeline,
    });
    this.teamAccessPolicy = team.policy;
    this.teamAccessPolicies = team.policies;
    this.teamGroup = team.group;

    // ---------------------------------------------------------------- pull requests and upgrades
    // Both need the CodeCommit repository: the settings switch them off with a connection source.
    if (this.repository) {
      const review = {
        repository: this.repository, serviceName: name, buildImage: buildImageFor(settings.buildImage, arm), logRetention: resolved.logRetention,
      };
      if (settings.pullRequestBuilds) {
        this.pullRequestBuilds = new PullRequestBuilds(this, 'PullRequestBuilds', {
          ...review, computeType: resolved.buildComputeType, imageRepository: this.imageRepository, containerName: settings.containerName,
        });
      }
      if (settings.upgradeSchedule) {
        this.scheduledUpgrade = new ScheduledUpgrade(this, 'ScheduledUpgrade', {
          ...review, branch: settings.branch, schedule: settings.upgradeSchedule, notificationTopic: this.notificationTopic,
        });
      }
    }
    // The team reads these builds as it reads the pipeline's.
    const verify = this.pullRequestBuilds?.verifyBuild;
    if (verify) team.addBuild(verify.project, verify.logGroup, verify.testReportGroup);
    if (this.scheduledUpgrade) team.addBuild(this.scheduledUpgrade.project, this.scheduledUpgrade.logGroup);

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'ImageRepositoryUri', { value: this.imageRepository.repositoryUri });
    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });

    this.acknowledgeBuildFindings(settings);
  }

  private createImageRepository(settings: ServiceSettings, imagesToKeep: number, key?: kms.IKey): ecr.Repository {
    const repository = new ecr.Repository(this, 'ImageRepository', {
      repositoryName: settings.serviceName,
      imageScanOnPush: true,
      encryption: key ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: key,
      lifecycleRules: [
        // An image that an environment runs is claimed by this rule, so the next one cannot expire it.
        { rulePriority: 1, description: 'Keep the images that the environments run', tagStatus: ecr.TagStatus.TAGGED, tagPrefixList: [ENVIRONMENT_TAG_PREFIX], maxImageCount: 1000 },
        { rulePriority: 2, description: `Keep the last ${imagesToKeep} images`, maxImageCount: imagesToKeep },
      ],
      // Every image can be rebuilt from the source; deleting the stack must not leave a repository
      // behind that would block creating the stack again.
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
    // Commit tags are immutable (they are what imagedefinitions.json deploys); "latest" (the build's
    // layer cache) and the environments' tags move. Set on the L1 resource, which every
    // aws-cdk-lib release accepts.
    const cfn = repository.node.defaultChild as ecr.CfnRepository;
    if (!key) {
      // Explicit in the template, where aws-cdk-lib leaves the (equal) default out.
      cfn.addPropertyOverride('EncryptionConfiguration', { EncryptionType: 'AES256' });
    }
    cfn.addPropertyOverride('ImageTagMutability', 'IMMUTABLE_WITH_EXCLUSION');
    cfn.addPropertyOverride('ImageTagMutabilityExclusionFilters', ['latest', `${ENVIRONMENT_TAG_PREFIX}*`].map((value) => ({
      ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: value,
    })));
    return repository;
  }

  /** The cdk-nag findings of the build project that remain by design, each on the policy that carries it. */
  private acknowledgeBuildFindings(settings: ServiceSettings): void {
    if (!this.artifactKey) {
      Validations.of(this.buildProject).acknowledge({
        id: 'AwsSolutions-CB4',
        reason: 'Build artifacts are encrypted with the AWS-managed S3 key; a customer-managed key would cost about 1 USD a month for no added control here.',
      });
    }
    if (!settings.buildImage.startsWith(CURATED_IMAGE_PREFIX)) {
      Validations.of(this.buildProject).acknowledge({
        id: 'AwsSolutions-CB5',
        reason: 'The build image is the registry image that the buildImage option names explicitly, instead of a CodeBuild curated image.',
      });
    }
    const policy = this.buildProject.role!.node.findChild('DefaultPolicy');
    const artifactBucket = `<${this.getLogicalId(this.artifactBucket.node.defaultChild as CfnElement)}.Arn>`;
    acknowledgeWildcards(policy, 'aws-cdk-lib grants the build project read/write on the objects of the pipeline\'s own artifact bucket only', [
      'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${artifactBucket}/*`,
    ]);
    if (this.artifactKey) {
      acknowledgeWildcards(policy, 'aws-cdk-lib grants the build project the data keys of the pipeline\'s own artifact key only',
        ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']);
    }
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const buildProject = `<${this.getLogicalId(this.buildProject.node.defaultChild as CfnElement)}>`;
    acknowledgeWildcards(policy, 'The log streams of the build project\'s own default log group', [
      `Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/${buildProject}:*`,
    ]);
  }
}

/** The CodeBuild image for a curated image name or a public image URI. */
function buildImageFor(image: string, arm: boolean): codebuild.IBuildImage {
  if (image.startsWith(CURATED_IMAGE_PREFIX)) {
    return arm ? codebuild.LinuxArmBuildImage.fromCodeBuildImageId(image) : codebuild.LinuxBuildImage.fromCodeBuildImageId(image);
  }
  return arm ? codebuild.LinuxArmBuildImage.fromDockerRegistry(image) as codebuild.IBuildImage : codebuild.LinuxBuildImage.fromDockerRegistry(image);
}
