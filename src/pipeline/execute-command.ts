import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { EnvironmentSettings } from '../shared/service-settings';

/** The stack of an environment, as far as ECS Exec concerns it. */
export interface ExecuteCommandScope extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.TaskDefinition;
}

/** The log group of an environment's ECS Exec sessions: next to the log group of its containers. */
export function executeCommandLogGroupName(environment: EnvironmentSettings): string {
  return `${environment.logGroupName}/exec`;
}

/**
 * Turns ECS Exec on for the service of an environment's stack: the service's `EnableExecuteCommand`, the cluster's logging of
 * every session to a log group of its own, and a policy of the task role for the Session Manager
 * channels and that log group. The service and the cluster are set on their CloudFormation
 * resources: aws-cdk-lib's `enableExecuteCommand` would put these grants, with their `Resource: "*"`,
 * into the task role's default policy, where the acknowledgment of cdk-nag's finding would also
 * hide a wildcard that a user grants the task role.
 *
 * @returns the log group of the sessions
 */
export function enableExecuteCommand(scope: ExecuteCommandScope, environment: EnvironmentSettings, logRetention: logs.RetentionDays): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, 'ExecuteCommandLogGroup', {
    logGroupName: executeCommandLogGroupName(environment),
    retention: logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  (scope.service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
  (scope.cluster.node.defaultChild as ecs.CfnCluster).addPropertyOverride('Configuration.ExecuteCommandConfiguration', {
    Logging: 'OVERRIDE',
    LogConfiguration: { CloudWatchLogGroupName: logGroup.logGroupName, CloudWatchEncryptionEnabled: false },
  });
  const policy = new iam.Policy(scope, 'ExecuteCommandPolicy', {
    roles: [scope.taskDefinition.taskRole],
    statements: [
      new iam.PolicyStatement({
        actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        resources: ['*'],
      }),
      // The agent checks the log group before it writes a session's log.
      new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    ],
  });
  acknowledgeWildcards(policy,
    'ECS Exec: the Session Manager channel actions (ssmmessages:*Channel) and logs:DescribeLogGroups support no resource-level permissions; the session log is limited to its log group.',
    ['Resource::*']);
  // Tasks started before the policy is attached would run without a working agent.
  scope.service.node.addDependency(policy);
  return logGroup;
}
