import * as path from 'path';
import {
  Arn, ArnFormat, Aws, CfnElement, CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, StackProps, Token, Validations,
} from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ScopedEcsDeployAction } from './scoped-ecs-deploy-action';
import { BUILD_ENV, InvalidOptionError, resolveServiceSettings, ServiceSettings } from '../shared/service-settings';

/** Where the Lambda handlers are: `src/pipeline/handlers` in the sources, `lib/pipeline/handlers` once compiled. */
const HANDLERS_DIR = path.join(__dirname, 'handlers');

/** The key under which buildspec.yml's `reports` section sends the JUnit results. */
const TEST_REPORT_KEY = 'unit-tests';

/** Build images that CodeBuild provides; anything else is pulled from a registry. */
const CURATED_IMAGE_PREFIX = 'aws/codebuild/';

/**
 * Properties of `CicdPipelineStack`.
 */
export interface CicdPipelineStackProps extends StackProps {
  /**
   * Name of the service: names the repositories, the cluster, the service, the task definition
   * family, the container, the build project and the pipeline.
   */
  readonly serviceName: string;
  /** Port the container listens on; also the target group port and the health check port. @default 8080 */
  readonly containerPort?: number;
  /** Path that the load balancer's health check requests. @default "/health" */
  readonly healthCheckPath?: string;
  /** Fargate CPU units of one task. @default 256 */
  readonly cpu?: number;
  /** Memory of one task in MiB. @default 512 */
  readonly memory?: number;
  /** Number of tasks, and the lower bound of autoscaling. @default 1 */
  readonly desiredCount?: number;
  /** Upper bound of CPU-based autoscaling. @default max(4, desiredCount) */
  readonly maxCount?: number;
  /** Branch whose pushes run the pipeline. @default "main" */
  readonly branch?: string;
  /**
   * CodeBuild image: a curated image name (`aws/codebuild/...`; an `aarch64` image also makes the
   * tasks run on ARM64) or the URI of a public image.
   *
   * @default "aws/codebuild/amazonlinux-x86_64-standard:5.0"
   */
  readonly buildImage?: string;

  /**
   * An existing VPC with public subnets in at least two Availability Zones for the load balancer
   * and the tasks.
   *
   * @default - a new VPC with public subnets in two Availability Zones and no NAT gateway: tasks get
   * public IP addresses to reach ECR and CloudWatch, and accept traffic from the load balancer only.
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Customer-managed KMS key for the CodeCommit repository.
   *
   * @default - the AWS-managed key `aws/codecommit`, at no cost. A customer-managed key costs about
   * 1 USD a month plus requests, and lets you control and audit its use in its key policy.
   */
  readonly sourceEncryptionKey?: kms.IKey;

  /**
   * KMS key for the ECR repository.
   *
   * @default - AES-256 encryption with keys managed by ECR, at no cost
   */
  readonly imageEncryptionKey?: kms.IKey;

  /**
   * Number of images that the ECR repository keeps; older images are expired (1-1000).
   *
   * @default 20
   */
  readonly imagesToKeep?: number;

  /**
   * Compute size of the CodeBuild project.
   *
   * @default codebuild.ComputeType.SMALL
   */
  readonly buildComputeType?: codebuild.ComputeType;

  /**
   * Retention of every log group of the stack (build, container, Lambda functions).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Certificate for an HTTPS listener on port 443; the HTTP listener then redirects to HTTPS.
   *
   * @default - HTTP on port 80 only
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Days that pipeline artifacts and access logs are kept in their S3 buckets (1-3650).
   *
   * @default 30
   */
  readonly artifactRetentionDays?: number;

  /**
   * CPU utilization (percent) that autoscaling keeps the service at (10-90).
   *
   * @default 60
   */
  readonly targetCpuUtilization?: number;
}

/**
 * The service's CI/CD pipeline and runtime: a CodeCommit repository, a CodeBuild project that
 * builds and pushes the image to ECR, an ECS Fargate service behind an Application Load Balancer,
 * and a CodePipeline (Source -> Build -> Deploy) that deploys every push to the branch.
 *
 * First and later deploys: on every deploy the `serviceImage` custom resource looks up the image
 * the service runs (else the newest image in ECR) and its desired count. The first `cdk deploy`
 * therefore succeeds before any image exists: the task definition names a placeholder image that is
 * never pulled, as the service runs no task and the autoscaling minimum is 0. The first pipeline
 * run deploys the built image, then its `EnsureRunning` action sets the desired count; autoscaling
 * scales out but not in until the next `cdk deploy` restores the minimum. A later `cdk deploy`
 * (for example of a new `cpu`) keeps the image the pipeline deployed and the current desired count.
 *
 * Removal: the CodeCommit repository is retained when the stack is deleted (it holds the source;
 * delete it by hand before creating the stack again under the same service name); the ECR
 * repository is emptied and deleted (every image can be rebuilt from the source); the artifact and
 * log buckets are retained and expire their objects after `artifactRetentionDays`.
 */
export class CicdPipelineStack extends Stack {
  /** The source repository. */
  public readonly repository: codecommit.Repository;
  /** The image repository. */
  public readonly imageRepository: ecr.Repository;
  /** The project that runs `buildspec.yml`. */
  public readonly buildProject: codebuild.PipelineProject;
  /** Log group of the build project. */
  public readonly buildLogGroup: logs.LogGroup;
  /** Report group that receives the JUnit test reports of the build. */
  public readonly testReportGroup: codebuild.ReportGroup;
  /** The VPC of the load balancer and the tasks. */
  public readonly vpc: ec2.IVpc;
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The task definition that CloudFormation registers; the pipeline registers later revisions of its family. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** Log group of the service's containers. */
  public readonly serviceLogGroup: logs.LogGroup;
  /** The internet-facing load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The target group of the service. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** Bucket of the pipeline's artifacts. */
  public readonly artifactBucket: s3.Bucket;
  /** Bucket of the access logs (artifact bucket, load balancer when the region is known, VPC flow logs). */
  public readonly logBucket: s3.Bucket;
  /**
   * Custom resource that decides, on every deploy, the image and the desired count of the service.
   * Attributes: `Image`, `DesiredCount`, `MinCapacity`, `Bootstrap`.
   */
  public readonly serviceImage: CustomResource;
  /** Function that the pipeline runs after the deploy to start a service that runs no task. */
  public readonly ensureRunningFunction: lambda.Function;

  /** @internal */
  public readonly _settings: ServiceSettings;

  constructor(scope: Construct, id: string, props: CicdPipelineStackProps) {
    const settings = resolveServiceSettings({ ...props, memoryMiB: props.memory });
    const imagesToKeep = integerOption('imagesToKeep', props.imagesToKeep, 20, 1, 1000);
    const artifactRetentionDays = integerOption('artifactRetentionDays', props.artifactRetentionDays, 30, 1, 3650);
    const targetCpuUtilization = integerOption('targetCpuUtilization', props.targetCpuUtilization, 60, 10, 90);
    super(scope, id, props);
    this._settings = settings;

    const name = settings.serviceName;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const arm = settings.buildImage.includes('aarch64') || settings.buildImage.includes('arm64');

    // ---------------------------------------------------------------- buckets
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      // Load balancer access logs accept SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(artifactRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.artifactBucket = new s3.Bucket(this, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'artifact-bucket/',
      lifecycleRules: [{ expiration: Duration.days(artifactRetentionDays), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---------------------------------------------------------------- source
    this.repository = new codecommit.Repository(this, 'Repository', {
      repositoryName: name,
      description: `Source of ${name}`,
    });
    this.repository.applyRemovalPolicy(RemovalPolicy.RETAIN);
    if (props.sourceEncryptionKey) {
      // Set on the L1 resource: the L2 property only exists in recent aws-cdk-lib releases.
      (this.repository.node.defaultChild as codecommit.CfnRepository).addPropertyOverride('KmsKeyId', props.sourceEncryptionKey.keyArn);
    }

    // ---------------------------------------------------------------- images
    this.imageRepository = new ecr.Repository(this, 'ImageRepository', {
      repositoryName: name,
      imageScanOnPush: true,
      encryption: props.imageEncryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: props.imageEncryptionKey,
      lifecycleRules: [{ description: `Keep the last ${imagesToKeep} images`, maxImageCount: imagesToKeep }],
      // Every image can be rebuilt from the source; deleting the stack must not leave a repository
      // behind that would block creating the stack again.
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
    // Commit tags are immutable (they are what imagedefinitions.json deploys); "latest" moves, as the
    // build uses it as its Docker layer cache. Set on the L1 resource, which every aws-cdk-lib
    // release accepts.
    const cfnImageRepository = this.imageRepository.node.defaultChild as ecr.CfnRepository;
    if (!props.imageEncryptionKey) {
      // Explicit in the template, where aws-cdk-lib leaves the (equal) default out.
      cfnImageRepository.addPropertyOverride('EncryptionConfiguration', { EncryptionType: 'AES256' });
    }
    cfnImageRepository.addPropertyOverride('ImageTagMutability', 'IMMUTABLE_WITH_EXCLUSION');
    cfnImageRepository.addPropertyOverride('ImageTagMutabilityExclusionFilters', [
      { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' },
    ]);

    // ---------------------------------------------------------------- build
    this.buildLogGroup = new logs.LogGroup(this, 'BuildLogGroup', {
      logGroupName: `/aws/codebuild/${name}-build`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.buildProject = new codebuild.PipelineProject(this, 'BuildProject', {
      projectName: `${name}-build`,
      description: `Tests ${name}, builds its image and pushes it to ECR`,
      buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml'),
      environment: {
        buildImage: buildImageFor(settings.buildImage, arm),
        computeType: props.buildComputeType ?? codebuild.ComputeType.SMALL,
        // Docker builds need a privileged build container.
        privileged: true,
      },
      environmentVariables: {
        [BUILD_ENV.repositoryUri]: { value: this.imageRepository.repositoryUri },
        [BUILD_ENV.containerName]: { value: settings.containerName },
        [BUILD_ENV.accountId]: { value: Aws.ACCOUNT_ID },
      },
      cache: codebuild.Cache.local(codebuild.LocalCacheMode.DOCKER_LAYER),
      logging: { cloudWatch: { logGroup: this.buildLogGroup } },
      grantReportGroupPermissions: false,
      timeout: Duration.minutes(30),
    });
    // buildspec.yml reports JUnit results under the "unit-tests" key: CodeBuild then writes to the
    // group named "<project>-unit-tests", created here so that the project needs no CreateReportGroup
    // permission.
    this.testReportGroup = new codebuild.ReportGroup(this, 'TestReportGroup', {
      reportGroupName: `${name}-build-${TEST_REPORT_KEY}`,
      type: codebuild.ReportGroupType.TEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.testReportGroup.grantWrite(this.buildProject);
    this.imageRepository.grantPullPush(this.buildProject);

    // ---------------------------------------------------------------- network
    this.vpc = props.vpc ?? this.createVpc();
    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: `Load balancer of ${name}: HTTP(S) from the internet`,
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet');
    if (props.certificate) albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The load balancer serves a public web service: it accepts HTTP(S) from any address.',
    });
    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: this.vpc,
      description: `Tasks of ${name}: the container port from the load balancer only`,
      // The tasks reach ECR, CloudWatch Logs and the services they call over the internet.
      allowAllOutbound: true,
    });

    // ---------------------------------------------------------------- runtime
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      clusterName: name,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.serviceImage = this.createServiceImage(settings, logRetention);
    const image = this.serviceImage.getAttString('Image');

    this.serviceLogGroup = new logs.LogGroup(this, 'ServiceLogGroup', {
      logGroupName: `/ecs/${name}`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: name,
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      },
    });
    this.taskDefinition.addContainer('Container', {
      containerName: settings.containerName,
      image: ecs.ContainerImage.fromRegistry(image),
      essential: true,
      portMappings: [{ containerPort: settings.containerPort, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.serviceLogGroup, streamPrefix: name }),
    });
    this.imageRepository.grantPull(this.taskDefinition.obtainExecutionRole());

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName: name,
      taskDefinition: this.taskDefinition,
      desiredCount: Token.asNumber(this.serviceImage.getAtt('DesiredCount')),
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [serviceSecurityGroup],
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
    });
    if (!Token.isUnresolved(this.region)) {
      this.loadBalancer.logAccessLogs(this.logBucket, 'load-balancer');
    } else {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'AwsSolutions-ELB2',
        reason: 'Access logs need the region\'s load balancing account in the bucket policy, which an environment-agnostic stack cannot name; they are on when the stack has an env.region.',
      });
    }
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: this.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: settings.containerPort,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: settings.healthCheckPath,
        port: String(settings.containerPort),
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.targetGroup.addTarget(this.service.loadBalancerTarget({
      containerName: settings.containerName,
      containerPort: settings.containerPort,
    }));
    serviceSecurityGroup.addIngressRule(albSecurityGroup, ec2.Port.tcp(settings.containerPort), 'Container port from the load balancer');
    albSecurityGroup.addEgressRule(serviceSecurityGroup, ec2.Port.tcp(settings.containerPort), 'Container port of the tasks');

    let serviceUrl: string;
    if (props.certificate) {
      this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [this.targetGroup],
        open: false,
      });
      this.loadBalancer.addListener('Http', {
        port: 80,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
      serviceUrl = `https://${this.loadBalancer.loadBalancerDnsName}`;
    } else {
      this.loadBalancer.addListener('Http', {
        port: 80,
        open: false,
        defaultTargetGroups: [this.targetGroup],
      });
      serviceUrl = `http://${this.loadBalancer.loadBalancerDnsName}`;
    }

    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.desiredCount, maxCapacity: settings.maxCount });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: targetCpuUtilization,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    // While no image exists (bootstrap), the minimum is 0: registering the scalable target would
    // otherwise start tasks that have nothing to pull. Scale-in stays suspended until the next deploy
    // after the first image, so that the service that EnsureRunning starts cannot be scaled in to 0.
    const scalableTarget = scaling.node.findChild('Target').node.defaultChild as appscaling.CfnScalableTarget;
    scalableTarget.addPropertyOverride('MinCapacity', this.serviceImage.getAtt('MinCapacity'));
    scalableTarget.addPropertyOverride('SuspendedState', {
      DynamicScalingInSuspended: this.serviceImage.getAtt('Bootstrap'),
      DynamicScalingOutSuspended: false,
      ScheduledScalingSuspended: false,
    });

    // ---------------------------------------------------------------- pipeline
    this.ensureRunningFunction = this.createEnsureRunningFunction(settings, logRetention);
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: name,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });
    const sourceOutput = new codepipeline.Artifact('Source');
    const buildOutput = new codepipeline.Artifact('Image');
    const sourceAction = this.createSourceAction(sourceOutput, settings.branch);
    this.pipeline.addStage({ stageName: 'Source', actions: [sourceAction] });
    if (props.sourceEncryptionKey) {
      // Reading a repository encrypted with a customer-managed key needs the key: grant it to the
      // role(s) of the Source stage.
      for (const child of this.pipeline.node.findChild('Source').node.findAll()) {
        if (child instanceof iam.Role) props.sourceEncryptionKey.grantDecrypt(child);
      }
    }
    this.pipeline.addStage({
      stageName: 'Build',
      actions: [new codepipeline_actions.CodeBuildAction({
        actionName: 'BuildAndPush',
        project: this.buildProject,
        input: sourceOutput,
        outputs: [buildOutput],
      })],
    });
    this.pipeline.addStage({
      stageName: 'Deploy',
      actions: [
        new ScopedEcsDeployAction({
          actionName: 'DeployToEcs',
          input: buildOutput,
          service: this.service,
          clusterName: name,
          serviceName: name,
          taskDefinitionFamily: name,
          passedRoles: [this.taskDefinition.taskRole, this.taskDefinition.obtainExecutionRole()],
          deploymentTimeout: Duration.minutes(30),
          runOrder: 1,
        }),
        new codepipeline_actions.LambdaInvokeAction({
          actionName: 'EnsureRunning',
          lambda: this.ensureRunningFunction,
          userParameters: { clusterName: name, serviceName: name, desiredCount: settings.desiredCount },
          runOrder: 2,
        }),
      ],
    });

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'CloneUrlHttps', { value: this.repository.repositoryCloneUrlHttp, description: 'git clone over HTTPS' });
    new CfnOutput(this, 'CloneUrlSsh', { value: this.repository.repositoryCloneUrlSsh, description: 'git clone over SSH' });
    new CfnOutput(this, 'CloneUrlGrc', { value: this.repository.repositoryCloneUrlGrc, description: 'git clone with git-remote-codecommit' });
    new CfnOutput(this, 'ImageRepositoryUri', { value: this.imageRepository.repositoryUri });
    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'ServiceUrl', { value: serviceUrl, description: 'URL of the service' });

    this.acknowledgeFindings();
  }

  /**
   * Creates the action of the Source stage. Override it to build from another source (for example
   * a `CodeStarConnectionsSourceAction` for GitHub or GitLab); it must write the source to `output`.
   * It runs in the constructor, before the subclass's own fields are set.
   *
   * @param output the artifact that the Build stage reads
   * @param branch the branch whose pushes run the pipeline
   */
  protected createSourceAction(output: codepipeline.Artifact, branch: string): codepipeline.IAction {
    return new codepipeline_actions.CodeCommitSourceAction({
      actionName: 'CodeCommit',
      repository: this.repository,
      branch,
      output,
      trigger: codepipeline_actions.CodeCommitTrigger.EVENTS,
    });
  }

  private createVpc(): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      // Nothing in the stack uses the default security group; restricting it would add a custom
      // resource function and its role to the stack.
      restrictDefaultSecurityGroup: false,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toS3(this.logBucket, 'vpc-flow-logs/'),
      // Rejected connections only: they are the ones worth auditing, and they keep the log small.
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    return vpc;
  }

  private handlerFunction(id: string, handler: string, description: string, retention: logs.RetentionDays): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${id}LogGroup`, { retention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description,
    });
    logGroup.grantWrite(role);
    const fn = new lambda.Function(this, id, {
      // The handlers use the AWS SDK for JavaScript v3 that this runtime provides.
      runtime: lambda.Runtime.NODEJS_24_X,
      code: lambda.Code.fromAsset(HANDLERS_DIR),
      handler: `index.${handler}`,
      description,
      role,
      logGroup,
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    return fn;
  }

  private createServiceImage(settings: ServiceSettings, retention: logs.RetentionDays): CustomResource {
    const stack = Stack.of(this);
    const fn = this.handlerFunction('ServiceImageFunction', 'serviceImage',
      `Decides the image and desired count of ${settings.serviceName} on every deploy`, retention);
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices'],
      resources: [Arn.format({ service: 'ecs', resource: 'service', resourceName: `${settings.serviceName}/${settings.serviceName}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack)],
    }));
    // DescribeTaskDefinition supports no resource-level permissions.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeImages'], resources: [this.imageRepository.repositoryArn] }));

    return new CustomResource(this, 'ServiceImage', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::ServiceImage',
      properties: {
        ClusterName: settings.serviceName,
        ServiceName: settings.serviceName,
        ContainerName: settings.containerName,
        RepositoryName: this.imageRepository.repositoryName,
        RepositoryUri: this.imageRepository.repositoryUri,
        DesiredCount: settings.desiredCount,
        // Changes on every synth, so that CloudFormation asks again on every deploy which image the
        // service runs: the pipeline deploys images without CloudFormation, and a deploy must not
        // roll the service back to an image the template knew earlier.
        Nonce: `${Date.now()}`,
      },
    });
  }

  private createEnsureRunningFunction(settings: ServiceSettings, retention: logs.RetentionDays): lambda.Function {
    const fn = this.handlerFunction('EnsureRunningFunction', 'ensureRunning',
      `Starts ${settings.serviceName} after the first image was deployed`, retention);
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [Arn.format({ service: 'ecs', resource: 'service', resourceName: `${settings.serviceName}/${settings.serviceName}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, Stack.of(this))],
    }));
    return fn;
  }

  /** The cdk-nag findings that remain by design, each with its reason. */
  private acknowledgeFindings(): void {
    Validations.of(this.buildProject).acknowledge({
      id: 'AwsSolutions-CB4',
      reason: 'Build artifacts are encrypted with the AWS-managed S3 key; a customer-managed key would cost about 1 USD a month for no added control here.',
    });
    if (!this._settings.buildImage.startsWith(CURATED_IMAGE_PREFIX)) {
      Validations.of(this.buildProject).acknowledge({
        id: 'AwsSolutions-CB5',
        reason: 'The build image is the registry image that the buildImage option names explicitly, instead of a CodeBuild curated image.',
      });
    }

    const artifactBucket = `<${this.getLogicalId(this.artifactBucket.node.defaultChild as CfnElement)}.Arn>`;
    const bucketGrant = 'aws-cdk-lib grants the pipeline, its action roles and the build project read/write on the objects of the pipeline\'s own artifact bucket only';
    acknowledgeWildcards(this.pipeline, bucketGrant, [
      'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${artifactBucket}/*`,
    ]);
    acknowledgeWildcards(this.buildProject, bucketGrant, [
      'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${artifactBucket}/*`,
    ]);
    // cdk-nag names a finding after the resource as the template writes it.
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const arnPrefix = (service: string) => `arn:<AWS::Partition>:${service}:${region}:${account}`;
    const buildProject = `<${this.getLogicalId(this.buildProject.node.defaultChild as CfnElement)}>`;
    acknowledgeWildcards(this.buildProject, 'The log streams of the build project\'s own default log group', [
      `Resource::${arnPrefix('logs')}:log-group:/aws/codebuild/${buildProject}:*`,
    ]);
    acknowledgeWildcards(this.buildProject, 'ecr:GetAuthorizationToken supports no resource-level permissions; push and pull are scoped to the image repository',
      ['Resource::*']);
    acknowledgeWildcards(this.taskDefinition, 'ecr:GetAuthorizationToken supports no resource-level permissions; pulls are scoped to the image repository',
      ['Resource::*']);
    acknowledgeWildcards(this.node.findChild('ServiceImageFunctionRole'),
      'ecs:DescribeTaskDefinition supports no resource-level permissions', ['Resource::*']);
    acknowledgeWildcards(this.node.findChild('EnsureRunningFunctionRole'),
      'codepipeline:PutJobSuccessResult and PutJobFailureResult support no resource-level permissions', ['Resource::*']);

    const stages = this.pipeline.node.findChild('Deploy');
    const deploy = stages.node.findChild('DeployToEcs');
    acknowledgeWildcards(deploy, 'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition support no resource-level permissions; ecs:ListTasks is limited to the cluster by the ecs:cluster condition', ['Resource::*']);
    acknowledgeWildcards(deploy, 'The tasks of the service\'s own cluster, whose IDs are not known in advance', [`Resource::${arnPrefix('ecs')}:task/${this._settings.serviceName}/*`]);
    acknowledgeWildcards(deploy, 'The revisions of the service\'s own task definition family, which the deploy action registers and tags', [`Resource::${arnPrefix('ecs')}:task-definition/${this._settings.serviceName}:*`]);
    const ensureRunning = stages.node.findChild('EnsureRunning');
    acknowledgeWildcards(ensureRunning, 'CodePipeline needs lambda:ListFunctions, which supports no resource-level permissions', ['Resource::*']);
    const fn = `<${this.getLogicalId(this.ensureRunningFunction.node.defaultChild as CfnElement)}.Arn>`;
    acknowledgeWildcards(ensureRunning, 'Invoking the EnsureRunning function and its versions', [`Resource::${fn}:*`]);
  }
}

/** Acknowledges cdk-nag's AwsSolutions-IAM5 findings (wildcards) on a construct and its children. */
function acknowledgeWildcards(scope: Construct, reason: string, findings: string[]): void {
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** Validates an optional integer option. */
function integerOption(option: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** The CodeBuild image for a curated image name or a public image URI. */
function buildImageFor(image: string, arm: boolean): codebuild.IBuildImage {
  if (image.startsWith(CURATED_IMAGE_PREFIX)) {
    return arm ? codebuild.LinuxArmBuildImage.fromCodeBuildImageId(image) : codebuild.LinuxBuildImage.fromCodeBuildImageId(image);
  }
  return arm ? codebuild.LinuxArmBuildImage.fromDockerRegistry(image) as codebuild.IBuildImage : codebuild.LinuxBuildImage.fromDockerRegistry(image);
}
