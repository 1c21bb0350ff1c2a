import { ArnFormat, Aspects, Duration, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';

/** Properties of `StrictCompliance`. */
export interface StrictComplianceProps {
  /** What the key encrypts, for its description. */
  readonly description: string;
  /** The VPC of the stack, whose public subnets then assign no public IP address. @default - no VPC */
  readonly vpc?: ec2.IVpc;
}

/**
 * What the `strict` compliance profile adds to a stack: a customer-managed KMS key (rotation on)
 * that encrypts every CloudWatch log group of the stack, also those added later; a statement in the
 * policy of every KMS key of the stack that lets only AWS services create grants (Control Tower's
 * CT.KMS.PR.3); and public subnets that assign no public IP address (the load balancer and the NAT
 * gateway have addresses of their own).
 */
export class StrictCompliance extends Construct {
  /** The stack's key for its log groups (and, in the pipeline's stack, its image repository). */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: StrictComplianceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      // What it encrypts (the log groups, the image repository) is deleted with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch Logs encrypts for the log groups of this account and region only: the encryption
    // context that it sends names the log group.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'LogGroupsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }));
    Aspects.of(stack).add(new StrictEncryptionAspect(this.key));
    for (const subnet of props.vpc?.publicSubnets ?? []) {
      const cfn = subnet.node.defaultChild;
      // A subnet of an existing VPC is not the stack's to change.
      if (cfn instanceof ec2.CfnSubnet) cfn.mapPublicIpOnLaunch = false;
    }
  }
}

/**
 * Encrypts the log groups that have no key with `key`; limits the grants of every key to AWS
 * services; moves every privileged build of the stack to the Docker server.
 */
class StrictEncryptionAspect implements IAspect {
  private readonly limited = new Set<kms.Key>();

  constructor(private readonly key: kms.IKey) {}

  public visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) {
      node.kmsKeyId = this.key.keyArn;
    }
    if (node instanceof codebuild.CfnProject) {
      // Every Docker build of the stack (the pipeline's, the pull requests') runs on the Docker server.
      const environment = node.environment as codebuild.CfnProject.EnvironmentProperty;
      if (environment.privilegedMode === true) {
        node.environment = { ...environment, privilegedMode: false, dockerServer: { computeType: dockerServerSize(environment.computeType) } };
      }
    }
    if (node instanceof kms.Key && !this.limited.has(node)) {
      this.limited.add(node);
      node.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'GrantsForAwsServicesOnly',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
    }
  }
}

/**
 * The build container's Docker access: under `strict`, CodeBuild's Docker server (a managed Docker
 * daemon of the project, sized like the build, which keeps its layers between builds; CodeBuild
 * points `DOCKER_HOST` at it, so the buildspec's `docker` commands run unchanged) instead of a
 * privileged build container with a local layer cache.
 */
export function buildDocker(strict: boolean, computeType: codebuild.ComputeType): {
  privileged: boolean; dockerServer?: codebuild.DockerServerOptions; cache?: codebuild.Cache;
} {
  if (!strict) {
    // Docker builds need a privileged build container.
    return { privileged: true, cache: codebuild.Cache.local(codebuild.LocalCacheMode.DOCKER_LAYER) };
  }
  return { privileged: false, dockerServer: { computeType: dockerServerSize(computeType) as codebuild.DockerServerComputeType } };
}

/** The Docker server's size: the build's, where the Docker server has it, else the smallest. */
function dockerServerSize(computeType: string): string {
  const sizes = Object.values(codebuild.DockerServerComputeType) as string[];
  return sizes.includes(computeType) ? computeType : codebuild.DockerServerComputeType.SMALL;
}

/** The stack of an environment, as far as the `strict` profile concerns it. */
export interface StrictEnvironmentScope extends Construct {
  readonly vpc: ec2.IVpc;
}

/**
 * Applies `strict` to an environment's stack: its key and public subnets. What it cannot pass is
 * acknowledged with the Control Tower rules' other acknowledgments (src/gates/control-tower.ts).
 */
export function strictEnvironment(scope: StrictEnvironmentScope, stackName: string): StrictCompliance {
  return new StrictCompliance(scope, 'Compliance', { description: `Log groups of ${stackName}`, vpc: scope.vpc });
}
