import { Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { PipelineFunction } from './pipeline-function';

/** How often the hook asks the test listener, and how long ECS waits between two asks. */
export const TEST_TRAFFIC_ATTEMPTS = 10;
/** Seconds between two asks: with `TEST_TRAFFIC_ATTEMPTS`, the hook gives up after 5 minutes. */
export const TEST_TRAFFIC_INTERVAL_SECONDS = 30;

/** Properties of `TestTrafficHook`. */
export interface TestTrafficHookProps {
  /** The VPC of the load balancer: the probe runs in it. */
  readonly vpc: ec2.IVpc;
  /** The load balancer whose test listener the hook asks. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The security group of the load balancer: it admits the probe on `testPort`. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** The port of the test listener. */
  readonly testPort: number;
  /** The health path of the service. */
  readonly healthCheckPath: string;
  /** The container whose image names the version to expect. */
  readonly containerName: string;
  /** The cluster and service whose deployments call the hook. */
  readonly clusterName: string;
  readonly serviceName: string;
  /** Retention of the functions' log groups. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The lifecycle hook of a blue/green, canary or linear deployment, at POST_TEST_TRAFFIC_SHIFT: the
 * test listener must answer the health path with the new tasks' version, as the pipeline's `Verify`
 * action asks the production URL, before ECS moves any production traffic; otherwise ECS rolls the
 * deployment back.
 *
 * The test listener admits no one from the internet. The hook (outside the VPC, where it reaches
 * the ECS, EC2 and Lambda APIs) looks up the image and the load balancer's private addresses and
 * has a probe function inside the VPC, the one source that the test port admits, ask the listener.
 * A VPC function alone could not: without a NAT gateway it reaches no AWS API, and an
 * internet-facing load balancer's name resolves to public addresses only.
 */
export class TestTrafficHook extends Construct {
  /** The function that ECS invokes. */
  public readonly hookFunction: PipelineFunction;
  /** The function in the VPC that asks the test listener. */
  public readonly probeFunction: PipelineFunction;
  /** The security group of the probe: the only source the test listener admits. */
  public readonly probeSecurityGroup: ec2.SecurityGroup;
  /** The role that ECS assumes to invoke the hook. */
  public readonly invokeRole: iam.Role;
  /** The hook, for `FargateService.addLifecycleHook`. */
  public readonly target: ecs.DeploymentLifecycleLambdaTarget;

  constructor(scope: Construct, id: string, props: TestTrafficHookProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.probeSecurityGroup = new ec2.SecurityGroup(this, 'ProbeSecurityGroup', {
      vpc: props.vpc,
      description: `Test-traffic probe of ${props.serviceName}: the test listener only`,
      allowAllOutbound: false,
    });
    this.probeSecurityGroup.addEgressRule(props.loadBalancerSecurityGroup, ec2.Port.tcp(props.testPort), 'The test listener');
    props.loadBalancerSecurityGroup.addIngressRule(this.probeSecurityGroup, ec2.Port.tcp(props.testPort), 'Test listener, from the deployment hook\'s probe only');

    this.probeFunction = new PipelineFunction(this, 'Probe', {
      handler: 'probeTestListener',
      description: `Asks the test listener of ${props.serviceName} for its health path, from inside the VPC`,
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      reportsToPipeline: false,
      vpc: props.vpc,
      securityGroups: [this.probeSecurityGroup],
    });

    this.hookFunction = new PipelineFunction(this, 'Hook', {
      handler: 'testTrafficHook',
      description: `Checks the new tasks of ${props.serviceName} on the test listener before production traffic moves`,
      logRetention: props.logRetention,
      timeout: Duration.minutes(1),
      reportsToPipeline: false,
      environment: {
        CONTAINER_NAME: props.containerName,
        LOAD_BALANCER: props.loadBalancer.loadBalancerFullName,
        TEST_PORT: String(props.testPort),
        HEALTH_PATH: props.healthCheckPath,
        PROBE_FUNCTION: this.probeFunction.function.functionName,
        ATTEMPTS: String(TEST_TRAFFIC_ATTEMPTS),
        INTERVAL_SECONDS: String(TEST_TRAFFIC_INTERVAL_SECONDS),
      },
    });
    const revisions = Arn.format({
      service: 'ecs', resource: 'service-revision', resourceName: `${props.clusterName}/${props.serviceName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }, stack);
    const hookRole = this.hookFunction.role;
    hookRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServiceRevisions'], resources: [revisions] }));
    // DescribeNetworkInterfaces supports no resource-level permissions.
    hookRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
    hookRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.probeFunction.function.functionArn] }));
    const hookPolicy = hookRole.node.findChild('DefaultPolicy');
    acknowledgeWildcards(hookPolicy, 'ec2:DescribeNetworkInterfaces supports no resource-level permissions: the hook finds the load balancer\'s private addresses', ['Resource::*']);
    acknowledgeWildcards(hookPolicy, 'The revisions of the environment\'s own service, whose IDs ECS assigns at each deployment',
      [`Resource::arn:<AWS::Partition>:ecs:${nagToken(stack.region, 'Region')}:${nagToken(stack.account, 'AccountId')}:service-revision/${props.clusterName}/${props.serviceName}/*`]);

    // ECS assumes this role to invoke the hook: the function itself, no other version or alias.
    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `Lets ECS invoke the test-traffic hook of ${props.serviceName}`,
    });
    this.invokeRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.hookFunction.function.functionArn] }));
    this.target = new ecs.DeploymentLifecycleLambdaTarget(this.hookFunction.function, 'TestTrafficHook', {
      role: this.invokeRole,
      lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
    });
  }
}

/** A stack's region or account as cdk-nag writes it in a finding. */
function nagToken(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
}
