import { DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** Where a stack deploys: an account and a region, either of which may be unknown until deploy time. */
export interface DeployTarget {
  readonly account?: string;
  readonly region?: string;
}

/**
 * The roles that `cdk bootstrap` creates in an environment and that the pipeline deploys stacks
 * with, as `cdk deploy` does: the deploy role (which CodePipeline's CloudFormation actions assume)
 * and the CloudFormation execution role (which it passes to CloudFormation). Their policies are the
 * bootstrap's: the execution role's is the one given to `cdk bootstrap
 * --cloudformation-execution-policies`.
 */
export class BootstrapRoles {
  /** The deploy role of the environment, imported; grants on it go to the resources' policies. */
  public readonly deployRole: iam.IRole;
  /** The CloudFormation execution role of the environment, imported. */
  public readonly executionRole: iam.IRole;

  constructor(scope: Construct, id: string, target: DeployTarget) {
    const stack = Stack.of(scope);
    const qualifier: string = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const account = target.account ?? '${AWS::AccountId}';
    const region = target.region ?? '${AWS::Region}';
    const role = (kind: string) => roleArn(target, `cdk-${qualifier}-${kind}-role-${account}-${region}`);
    // addGrantsToResources: the pipeline's artifact bucket (and key) let the role read what it deploys.
    this.deployRole = iam.Role.fromRoleArn(scope, `${id}DeployRole`, role('deploy'), { mutable: false, addGrantsToResources: true });
    this.executionRole = iam.Role.fromRoleArn(scope, `${id}ExecutionRole`, role('cfn-exec'), { mutable: false });
  }
}

/**
 * The ARN of the role `name` in the target's account. A literal where the account and region are
 * known, so that aws-cdk-lib sees a role of another account; else an Fn::Sub (cfn-lint wants Fn::Sub
 * rather than the Fn::Join of `Arn.format` in a pipeline action's configuration, E3703).
 */
export function roleArn(target: DeployTarget, name: string): string {
  if (target.account !== undefined && target.region !== undefined) {
    return `arn:${RegionInfo.get(target.region).partition ?? 'aws'}:iam::${target.account}:role/${name}`;
  }
  return Fn.sub(`arn:\${AWS::Partition}:iam::${target.account ?? '${AWS::AccountId}'}:role/${name}`);
}
