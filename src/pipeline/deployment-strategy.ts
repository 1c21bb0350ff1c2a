import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TestTrafficHook } from './lifecycle-hook';
import { DeploymentSettings } from '../shared/deployment-settings';

/** The port of the test listener, on the environment's load balancer. */
export const TEST_LISTENER_PORT = 9000;

/** The AWS-managed policy that ECS asks of the infrastructure role of a blue/green deployment. */
export const ECS_LOAD_BALANCER_POLICY = 'AmazonECSInfrastructureRolePolicyForLoadBalancers';

const STRATEGIES: Record<DeploymentSettings['strategy'], ecs.DeploymentStrategy> = {
  'rolling': ecs.DeploymentStrategy.ROLLING,
  'blue-green': ecs.DeploymentStrategy.BLUE_GREEN,
  'canary': ecs.DeploymentStrategy.CANARY,
  'linear': ecs.DeploymentStrategy.LINEAR,
};

/** The properties of the Fargate service that select the strategy and its timing. */
export function serviceDeploymentProps(deployment: DeploymentSettings): Pick<ecs.FargateServiceProps,
'deploymentStrategy' | 'bakeTime' | 'canaryConfiguration' | 'linearConfiguration'> {
  // A rolling update is ECS's default: the template of such an environment stays as it was.
  if (deployment.strategy === 'rolling') return {};
  return {
    deploymentStrategy: STRATEGIES[deployment.strategy],
    bakeTime: Duration.minutes(deployment.bakeTimeMinutes),
    canaryConfiguration: deployment.strategy === 'canary'
      ? { stepPercent: deployment.canaryPercent, stepBakeTime: Duration.minutes(deployment.canaryBakeTimeMinutes!) } : undefined,
    linearConfiguration: deployment.strategy === 'linear'
      ? { stepPercent: deployment.linearStepPercent, stepBakeTime: Duration.minutes(deployment.linearStepBakeTimeMinutes!) } : undefined,
  };
}

/**
 * What the production listener does with a request that no rule takes: forward it to the service
 * for a rolling update; for the other strategies, where ECS moves traffic by changing the weights
 * of a listener rule (it never touches a listener's default action), answer 404.
 */
export function productionListenerDefault(deployment: DeploymentSettings, targetGroup: elbv2.IApplicationTargetGroup):
{ defaultTargetGroups?: elbv2.IApplicationTargetGroup[]; defaultAction?: elbv2.ListenerAction } {
  return deployment.strategy === 'rolling'
    ? { defaultTargetGroups: [targetGroup] }
    : { defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }) };
}

/** Properties of `ServiceDeployment`. */
export interface ServiceDeploymentProps {
  readonly deployment: DeploymentSettings;
  readonly service: ecs.FargateService;
  /** The target group of the running tasks (blue). */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** How `targetGroup` was made: the alternate target group is made the same way. */
  readonly targetGroupProps: elbv2.ApplicationTargetGroupProps;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** The listener of production traffic (HTTPS when there is a certificate, else HTTP). */
  readonly productionListener: elbv2.ApplicationListener;
  readonly vpc: ec2.IVpc;
  readonly containerName: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * How the service's tasks reach the load balancer, for the environment's strategy. A rolling update
 * registers them in the target group that the production listener forwards to.
 *
 * Blue/green, canary and linear deployments are ECS's own: ECS starts the new tasks in the
 * alternate target group, points the test listener's rule at them, runs the test-traffic hook
 * (`TestTrafficHook`), then moves the production rule's weights (at once, a canary share first, or
 * in steps), keeps the old tasks for the bake time and rolls back on a failed hook or alarm. Both
 * target groups sit behind listener rules, as ECS requires; ECS changes the rules with the
 * infrastructure role.
 */
export class ServiceDeployment extends Construct {
  /** The target group of the new tasks during a deployment (green). */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** The rule of the production listener that ECS shifts. */
  public readonly productionRule?: elbv2.ApplicationListenerRule;
  /** The listener that serves the new tasks before production traffic moves. */
  public readonly testListener?: elbv2.ApplicationListener;
  /** The rule of the test listener. */
  public readonly testRule?: elbv2.ApplicationListenerRule;
  /** The role with which ECS changes the listener rules. */
  public readonly infrastructureRole?: iam.Role;
  /** The hook that checks the new tasks on the test listener. */
  public readonly hook?: TestTrafficHook;

  constructor(scope: Construct, id: string, props: ServiceDeploymentProps) {
    super(scope, id);
    const targetOptions = { containerName: props.containerName, containerPort: props.containerPort };
    if (props.deployment.strategy === 'rolling') {
      props.targetGroup.addTarget(props.service.loadBalancerTarget(targetOptions));
      return;
    }
    this.alternateTargetGroup = new elbv2.ApplicationTargetGroup(this, 'AlternateTargetGroup', props.targetGroupProps);
    const forward = () => elbv2.ListenerAction.weightedForward([
      { targetGroup: props.targetGroup, weight: 100 },
      { targetGroup: this.alternateTargetGroup!, weight: 0 },
    ]);
    const everyPath = [elbv2.ListenerCondition.pathPatterns(['/*'])];
    this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: props.productionListener, priority: 1, conditions: everyPath, action: forward(),
    });
    // HTTP: only the probe in the VPC connects, by private address, where a certificate's name
    // could not match anyway.
    this.testListener = props.loadBalancer.addListener('Test', {
      port: TEST_LISTENER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    this.testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
      listener: this.testListener, priority: 1, conditions: everyPath, action: forward(),
    });

    this.infrastructureRole = new iam.Role(this, 'InfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `Lets ECS move the traffic of ${props.serviceName} between its target groups`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(ECS_LOAD_BALANCER_POLICY)],
    });
    Validations.of(this.infrastructureRole).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${ECS_LOAD_BALANCER_POLICY}]`,
      reason: 'The AWS-managed policy that ECS documents for the infrastructure role of blue/green deployments; it follows ECS\'s needs as they change',
    });
    props.targetGroup.addTarget(props.service.loadBalancerTarget({
      ...targetOptions,
      alternateTarget: new ecs.AlternateTarget('Alternate', {
        alternateTargetGroup: this.alternateTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.productionRule),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.testRule),
        role: this.infrastructureRole,
      }),
    }));

    this.hook = new TestTrafficHook(this, 'TestTrafficHook', {
      vpc: props.vpc,
      loadBalancer: props.loadBalancer,
      loadBalancerSecurityGroup: props.loadBalancerSecurityGroup,
      testPort: TEST_LISTENER_PORT,
      healthCheckPath: props.healthCheckPath,
      containerName: props.containerName,
      clusterName: props.clusterName,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
    });
    props.service.addLifecycleHook(this.hook.target);
  }
}
