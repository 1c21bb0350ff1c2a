import { Arn, ArnFormat, Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CicdServiceProps } from './cicd-service-props';
import { containerConfiguration } from './container-configuration';
import { addScratchVolume, containerHardening } from './container-hardening';
import { productionListenerDefault, serviceDeploymentProps, ServiceDeployment } from './deployment-strategy';
import { EcsDeployRole } from './ecs-deploy-role';
import { enableExecuteCommand } from './execute-command';
import { logLoadBalancerAccess } from './load-balancer-access-logs';
import { createLogBucket } from './log-bucket';
import { environmentTopic } from './notifications';
import { resolveCicdService } from './resolve-cicd-service';
import { ServiceAlarms } from './service-alarms';
import { ServiceDashboard } from './service-dashboard';
import { ServiceDomain } from './service-domain';
import { ServiceNetwork } from './service-network';
import { strictEnvironment } from './strict-compliance';
import { EnvironmentTeamAccess, inAnotherAccount } from './team-access';
import { EnvironmentSettings, InvalidOptionError } from '../shared/service-settings';

/** Properties of `EnvironmentStack`. */
export interface EnvironmentStackProps extends StackProps {
  /** The service, as `CicdService` was given it. */
  readonly service: CicdServiceProps;
  /** Name of the environment in `service.environments` that this stack runs. */
  readonly environmentName: string;
}

/**
 * The runtime of the service in one environment: a VPC, an ECS cluster, the Fargate service
 * behind an internet-facing Application Load Balancer, its logs, and the role that the pipeline's
 * ECS deploy action assumes. The pipeline deploys this stack from the commit it runs; every
 * physical name carries the environment's name, so two environments share an account and region.
 *
 * The task definition runs the image that the ECR tag `env-<environment>` names: the image this
 * environment last deployed and verified. A stack update (a new CPU size, say) therefore keeps the
 * running image, and the template does not change from one commit to the next.
 *
 * Removal: the ECS, load balancer and network resources and the log group are deleted with the
 * stack; the access log bucket is retained (delete it by hand) and expires its objects. In a
 * production environment (`production`) the load balancer is protected from deletion: deleting the
 * stack fails until a deployment with `production: false` lifts the protection.
 *
 * The container runs as the Dockerfile's unprivileged user with a read-only root filesystem (and
 * a writable `/tmp`) unless ECS Exec is on, and with the task's memory as its hard limit.
 */
export class EnvironmentStack extends Stack {
  /** The environment's settings. @internal */
  public readonly _environment: EnvironmentSettings;
  /** The VPC of the load balancer and the tasks. */
  public readonly vpc: ec2.IVpc;
  /** Bucket of the load balancer's access logs and the VPC's flow logs. */
  public readonly logBucket: s3.Bucket;
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The task definition that CloudFormation registers; the pipeline registers later revisions of its family. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Log group of the service's containers. */
  public readonly serviceLogGroup: logs.LogGroup;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The internet-facing load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The target group of the service. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The role that the pipeline's ECS deploy action assumes. */
  public readonly deployRole: iam.Role;
  /** The URL of the service (`http://` or `https://` and the load balancer's DNS name). */
  public readonly serviceUrl: string;
  /** How the tasks reach the load balancer, for the environment's deployment strategy. @internal */
  public readonly _deployment: ServiceDeployment;
  /**
   * The target group of the new tasks during a blue/green, canary or linear deployment (ECS
   * alternates the two); none for rolling updates.
   */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** The listener on which the new tasks are checked before production traffic moves; none for rolling updates. */
  public readonly testListener?: elbv2.ApplicationListener;
  /** The alarms that roll a deployment back (`<service>-<environment>-<what>`). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The topic that the alarms tell: the service's, or in another account than the pipeline's, the environment's own. */
  public readonly notificationTopic: sns.ITopic;
  /** The environment's CloudWatch dashboard, named after its stack. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The team's policy `<service>-<environment>-team-access`, in another account than the pipeline's only. */
  public readonly teamAccessPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    const resolved = resolveCicdService(props.service);
    const settings = resolved.settings;
    const environment = settings.environments.find((e) => e.name === props.environmentName);
    if (!environment) {
      throw new InvalidOptionError('environmentName', props.environmentName, `one of the environments: ${settings.environments.map((e) => e.name).join(', ')}`);
    }
    super(scope, id, {
      stackName: environment.stackName,
      description: `${settings.serviceName} in ${environment.name}: ECS Fargate service behind a load balancer`,
      env: { account: environment.account ?? settings.pipelineAccount, region: environment.region ?? settings.pipelineRegion },
      ...props,
    });
    this._environment = environment;
    const arm = settings.buildImage.includes('aarch64') || settings.buildImage.includes('arm64');

    this.logBucket = createLogBucket(this, 'LogBucket', resolved.artifactRetentionDays);
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the access logs of the load balancer and the VPC flow logs; logging its own access would need one more bucket.',
    });

    const network = new ServiceNetwork(this, { network: environment.network, flowLogBucket: this.logBucket });
    this.vpc = network.vpc;

    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: `Load balancer of ${environment.stackName}: HTTP(S) from the internet`,
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet');
    if (environment.certificateArn || environment.domain) albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The load balancer serves a public web service: it accepts HTTP(S) from any address.',
    });
    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: this.vpc,
      description: `Tasks of ${environment.stackName}: the container port from the load balancer only`,
      // The tasks reach ECR, CloudWatch Logs and the services they call over the internet.
      allowAllOutbound: true,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      clusterName: environment.clusterName,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.serviceLogGroup = new logs.LogGroup(this, 'ServiceLogGroup', {
      logGroupName: environment.logGroupName,
      retention: resolved.environmentLogRetention[environment.name],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: environment.taskFamily,
      cpu: environment.cpu,
      memoryLimitMiB: environment.memory,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      },
    });
    // The image repository lives in the pipeline's stack; it is referred to by name and account,
    // so this stack has no dependency on that stack's outputs.
    const repositoryArn = Arn.format({
      service: 'ecr',
      account: settings.pipelineAccount ?? Aws.ACCOUNT_ID,
      region: settings.pipelineRegion ?? Aws.REGION,
      resource: 'repository',
      resourceName: settings.serviceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }, this);
    const imageRepository = ecr.Repository.fromRepositoryAttributes(this, 'ImageRepository', { repositoryArn, repositoryName: settings.serviceName });
    const container = this.taskDefinition.addContainer('Container', {
      containerName: settings.containerName,
      image: ecs.ContainerImage.fromEcrRepository(imageRepository, environment.imageTag),
      essential: true,
      portMappings: [{ containerPort: settings.containerPort, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.serviceLogGroup, streamPrefix: settings.serviceName }),
      ...containerConfiguration(environment.runtime, this.taskDefinition),
      ...containerHardening(environment),
    });
    addScratchVolume(this.taskDefinition, container);
    const executionPolicy = this.taskDefinition.obtainExecutionRole().node.tryFindChild('DefaultPolicy');
    if (executionPolicy) {
      Validations.of(executionPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken supports no resource-level permissions; pulls are scoped to the image repository.',
      });
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName: environment.ecsServiceName,
      taskDefinition: this.taskDefinition,
      desiredCount: environment.desiredCount,
      assignPublicIp: network.assignPublicIp,
      vpcSubnets: network.taskSubnets,
      securityGroups: [serviceSecurityGroup],
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
      ...serviceDeploymentProps(environment.deployment),
      // By name: aws-cdk-lib drops alarms enabled after construction (aws-cdk#36308).
      deploymentAlarms: { alarmNames: Object.values(environment.alarms.names), behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    });
    if (environment.runtime.enableExecuteCommand) enableExecuteCommand(this, environment, resolved.environmentLogRetention[environment.name]);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      vpcSubnets: network.loadBalancerSubnets,
      dropInvalidHeaderFields: true,
      deletionProtection: environment.production,
    });
    logLoadBalancerAccess(this.loadBalancer, this.logBucket, 'load-balancer');
    const domain = environment.domain && new ServiceDomain(this, 'Domain', {
      domain: environment.domain, certificateArn: environment.certificateArn, loadBalancer: this.loadBalancer,
    });

    const targetGroupProps: elbv2.ApplicationTargetGroupProps = {
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
    };
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', targetGroupProps);
    serviceSecurityGroup.addIngressRule(albSecurityGroup, ec2.Port.tcp(settings.containerPort), 'Container port from the load balancer');
    albSecurityGroup.addEgressRule(serviceSecurityGroup, ec2.Port.tcp(settings.containerPort), 'Container port of the tasks');
    const listeners = this.addListeners(environment, domain);
    this.serviceUrl = listeners.url;
    this._deployment = new ServiceDeployment(this, 'Deployment', {
      deployment: environment.deployment,
      service: this.service,
      targetGroup: this.targetGroup,
      targetGroupProps,
      loadBalancer: this.loadBalancer,
      loadBalancerSecurityGroup: albSecurityGroup,
      productionListener: listeners.production,
      vpc: this.vpc,
      containerName: settings.containerName,
      containerPort: settings.containerPort,
      healthCheckPath: settings.healthCheckPath,
      clusterName: environment.clusterName,
      serviceName: environment.ecsServiceName,
      logRetention: resolved.environmentLogRetention[environment.name],
    });
    this.alternateTargetGroup = this._deployment.alternateTargetGroup;
    this.testListener = this._deployment.testListener;
    if (environment.compliance === 'strict') strictEnvironment(this, environment.stackName);

    this.notificationTopic = environmentTopic(this, settings, environment);
    const monitored = {
      loadBalancer: this.loadBalancer,
      // Both target groups: during a deployment the new tasks are in the alternate one.
      targetGroups: [this.targetGroup, ...(this.alternateTargetGroup ? [this.alternateTargetGroup] : [])],
      clusterName: environment.clusterName,
      serviceName: environment.ecsServiceName,
    };
    this.alarms = new ServiceAlarms(this, 'Alarms', { ...monitored, alarms: environment.alarms, topic: this.notificationTopic }).all;
    // The service names its alarms: they exist before its first deployment.
    this.service.node.addDependency(...this.alarms);
    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      ...monitored, dashboardName: environment.stackName, taskFamily: environment.taskFamily, alarms: this.alarms, thresholds: environment.alarms,
    }).dashboard;

    const scaling = this.service.autoScaleTaskCount({ minCapacity: environment.desiredCount, maxCapacity: environment.maxCount });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: resolved.targetCpuUtilization,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });

    this.deployRole = new EcsDeployRole(this, 'EcsDeployRole', {
      roleName: environment.deployRoleName,
      pipelineAccount: settings.pipelineAccount ?? Aws.ACCOUNT_ID,
      clusterName: environment.clusterName,
      serviceName: environment.ecsServiceName,
      taskDefinitionFamily: environment.taskFamily,
      passedRoles: [this.taskDefinition.taskRole, this.taskDefinition.obtainExecutionRole()],
    }).role;

    new CfnOutput(this, 'ServiceUrl', { value: this.serviceUrl, description: 'URL of the service' });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'EcsServiceName', { value: this.service.serviceName });
    // In the pipeline's account, the pipeline's stack holds the team's policy for this environment too.
    if (inAnotherAccount(settings, environment)) this.teamAccessPolicy = new EnvironmentTeamAccess(this, 'TeamAccess', { environment }).policy;
  }

  /**
   * The first two Availability Zones of the region, resolved by CloudFormation (`Fn::GetAZs`) also
   * when the stack names its account and region: a context lookup would need AWS credentials at
   * synth time, and the pipeline deploys the template that an offline build synthesized.
   */
  public get availabilityZones(): string[] {
    return [0, 1].map((i) => Fn.select(i, Fn.getAzs()));
  }

  /**
   * The listeners: HTTP, or HTTPS with HTTP redirected to it; returns the service's URL (the
   * domain's, if any) and the listener of its traffic.
   */
  private addListeners(environment: EnvironmentSettings, domain: ServiceDomain | undefined): { url: string; production: elbv2.ApplicationListener } {
    const certificate = domain?.certificate
      ?? (environment.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', environment.certificateArn) : undefined);
    if (certificate) {
      const production = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [certificate],
        // The policy the ELB console picks today: TLS 1.3 and 1.2 with strong ciphers only, and
        // hybrid post-quantum key exchange for the clients that offer it.
        sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
        ...productionListenerDefault(environment.deployment, this.targetGroup),
        open: false,
      });
      this.loadBalancer.addListener('Http', {
        port: 80,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
      return { url: domain?.url ?? `https://${this.loadBalancer.loadBalancerDnsName}`, production };
    }
    const production = this.loadBalancer.addListener('Http', {
      port: 80,
      open: false,
      ...productionListenerDefault(environment.deployment, this.targetGroup),
    });
    return { url: `http://${this.loadBalancer.loadBalancerDnsName}`, production };
  }
}
