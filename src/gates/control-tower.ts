import {
  AspectPriority, Aspects, CfnResource, IAspect, Stack, Validations,
} from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/** The name under which `@cdklabs/cdk-validator-cfnguard` reports: the namespace of its acknowledgments. */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The version of `@cdklabs/cdk-validator-cfnguard` that generated repositories install. Exact: each
 * release may change the rules, and the acknowledgments below are made for this one.
 */
export const CFN_GUARD_VALIDATOR_VERSION = '0.0.62';

/** A Control Tower rule that some resources of the service's stacks do not pass by design, and which. */
export interface ControlTowerAcknowledgment {
  /** The cfn-guard rule name, as the plugin reports it (`Acknowledge with '<plugin>::<rule>'`). */
  readonly rule: string;
  /** The CloudFormation type of the resources that can carry the finding. */
  readonly resourceType: string;
  /**
   * A regular expression over the resource's construct path below its stack, when only some
   * resources of the type can carry the finding.
   */
  readonly path?: string;
  /**
   * Whether the resource, as synthesized (after the stack's aspects, such as the `strict` profile's),
   * breaks the rule: the rule's own condition, read from the resource's properties.
   */
  readonly breaks: (resource: CfnResource, resolve: (value: unknown) => any) => boolean;
  /** Why the resource does not pass the rule. */
  readonly reason: string;
}

/** The value of the first element whose `key` is `key` in a list of CloudFormation key/value pairs. */
function attribute(attributes: any, key: string): unknown {
  return (Array.isArray(attributes) ? attributes : []).find((a: any) => a?.key === key)?.value;
}

/** The server-side encryption algorithms of a bucket's default encryption. */
function bucketAlgorithms(bucket: s3.CfnBucket, resolve: (value: unknown) => any): string[] {
  const encryption = resolve(bucket.bucketEncryption);
  return (encryption?.serverSideEncryptionConfiguration ?? []).map((r: any) => r?.serverSideEncryptionByDefault?.sseAlgorithm);
}

/**
 * The Control Tower rules that resources of the service's stacks do not pass, each acknowledged on
 * the resource that breaks it, where it breaks it (never on a parent, so that a resource a user
 * adds is still checked), with a reason true for that resource. test/gates/control-tower.test.ts
 * runs the rules on the default, a strict and a customized service and fails on an acknowledgment
 * that answers no finding, as on a finding without one.
 */
export const CONTROL_TOWER_ACKNOWLEDGMENTS: readonly ControlTowerAcknowledgment[] = [
  {
    rule: 'alb_http_to_https_redirection_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    path: '(^|/)LoadBalancer/Http/Resource$',
    breaks: (r, resolve) => !(resolve((r as elbv2.CfnListener).defaultActions) ?? []).some((a: any) => a?.type === 'redirect'),
    reason: 'The environment has no certificate (its domain or certificateArn): the service is served over HTTP only; with one, this listener redirects to HTTPS.',
  },
  {
    rule: 'alb_http_to_https_redirection_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    path: '(^|/)LoadBalancer/Test/Resource$',
    breaks: (r, resolve) => resolve((r as elbv2.CfnListener).protocol) === 'HTTP',
    reason: 'The test listener of blue/green, canary and linear deployments takes only the test probe from inside the VPC, by private address, where a certificate\'s name could not match.',
  },
  {
    rule: 'cloudwatch_log_group_encrypted_check',
    resourceType: 'AWS::Logs::LogGroup',
    breaks: (r, resolve) => resolve((r as logs.CfnLogGroup).kmsKeyId) === undefined,
    reason: 'Under the standard compliance profile CloudWatch Logs encrypts the log group with its own key; compliance \'strict\' uses a customer-managed KMS key (about 1 USD a month).',
  },
  {
    rule: 'cloudwatch_log_group_retention_period_check',
    resourceType: 'AWS::Logs::LogGroup',
    breaks: (r, resolve) => {
      const days = resolve((r as logs.CfnLogGroup).retentionInDays);
      return days !== undefined && days < 365;
    },
    reason: 'The log retention setting keeps the logs fewer than 365 days, to bound their storage cost (the default, 365 days, passes).',
  },
  {
    rule: 'codebuild_project_environment_privileged_check',
    resourceType: 'AWS::CodeBuild::Project',
    breaks: (r, resolve) => resolve((r as codebuild.CfnProject).environment)?.privilegedMode === true,
    reason: 'Under the standard compliance profile the build runs `docker build` in a privileged build container, with a local layer cache; compliance \'strict\' uses CodeBuild\'s Docker server instead.',
  },
  {
    rule: 'ecr_private_tag_immutability_enabled_check',
    resourceType: 'AWS::ECR::Repository',
    breaks: (r, resolve) => resolve((r as ecr.CfnRepository).imageTagMutability) !== 'IMMUTABLE',
    reason: 'Commit tags are immutable; "latest" (the layer cache) and the environments\' tags move, which the control\'s plain IMMUTABLE setting does not allow (it does not read IMMUTABLE_WITH_EXCLUSION).',
  },
  {
    rule: 'ecs_containers_readonly_access_check',
    resourceType: 'AWS::ECS::TaskDefinition',
    breaks: (r, resolve) => (resolve((r as ecs.CfnTaskDefinition).containerDefinitions) ?? []).some((c: any) => c?.readonlyRootFilesystem !== true),
    reason: 'The environment has ECS Exec (enableExecuteCommand), whose agent writes into the container: its root filesystem stays writable.',
  },
  {
    rule: 'ecs_service_assign_public_ip_disabled_check',
    resourceType: 'AWS::ECS::Service',
    breaks: (r, resolve) => resolve((r as ecs.CfnService).networkConfiguration)?.awsvpcConfiguration?.assignPublicIp === 'ENABLED',
    reason: 'Public tasks (network.taskSubnets "public", the default of the standard profile) have a public IP address to reach ECR and CloudWatch Logs without a NAT gateway (about 32 USD a month per zone); their security group accepts the load balancer only.',
  },
  {
    rule: 'elbv2_deletion_protection_enabled_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    breaks: (r, resolve) => attribute(resolve((r as elbv2.CfnLoadBalancer).loadBalancerAttributes), 'deletion_protection.enabled') !== 'true',
    reason: 'The environment is not marked as production: its stack can be destroyed with `cdk destroy`, which deletion protection would make fail until it is turned off by hand.',
  },
  {
    rule: 'kms_create_grant_aws_service_check',
    resourceType: 'AWS::KMS::Key',
    breaks: (r, resolve) => !JSON.stringify(resolve((r as kms.CfnKey).keyPolicy) ?? {}).includes('kms:GrantIsForAWSResource'),
    reason: 'Under the standard compliance profile aws-cdk-lib\'s default key policy gives the account (its IAM policies) the use of the key, kms:CreateGrant included; compliance \'strict\' lets only AWS services create grants.',
  },
  {
    rule: 'lambda_inside_vpc_check',
    resourceType: 'AWS::Lambda::Function',
    breaks: (r, resolve) => resolve((r as lambda.CfnFunction).vpcConfig) === undefined,
    reason: 'The function calls AWS APIs only; in a VPC it would need a NAT gateway or VPC endpoints for them.',
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)LogBucket/Resource$',
    breaks: (r, resolve) => !bucketAlgorithms(r as s3.CfnBucket, resolve).includes('aws:kms'),
    reason: 'Access logs (of the load balancer, of the other buckets) can only be delivered to a bucket encrypted with S3-managed keys (SSE-S3).',
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)ArtifactBucket/Resource$',
    breaks: (r, resolve) => !bucketAlgorithms(r as s3.CfnBucket, resolve).includes('aws:kms'),
    reason: 'Under the standard compliance profile the pipeline\'s artifacts are encrypted with S3-managed keys; a customer-managed key is used when they cross accounts or under compliance \'strict\'.',
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)LogBucket/Resource$',
    breaks: (r, resolve) => resolve((r as s3.CfnBucket).loggingConfiguration) === undefined,
    reason: 'The log bucket receives the access logs of the other buckets; logging it would need one more bucket, whose own logs would go nowhere.',
  },
  {
    rule: 's3_bucket_object_lock_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    breaks: (r, resolve) => resolve((r as s3.CfnBucket).objectLockEnabled) !== true,
    reason: 'Artifacts and logs expire by lifecycle rules; Object Lock would keep every object for a fixed period instead.',
  },
  {
    rule: 's3_bucket_versioning_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)LogBucket/Resource$',
    breaks: (r, resolve) => resolve((r as s3.CfnBucket).versioningConfiguration)?.status !== 'Enabled',
    reason: 'Logs are written once and expire; versions would only keep deleted copies.',
  },
  {
    rule: 's3_event_notifications_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    breaks: (r, resolve) => resolve((r as s3.CfnBucket).notificationConfiguration) === undefined,
    reason: 'Nothing reacts to the objects of these buckets: the pipeline reads its artifacts itself.',
  },
  {
    rule: 'subnet_auto_assign_public_ip_disabled_check',
    resourceType: 'AWS::EC2::Subnet',
    path: '(^|/)PublicSubnet\\d+/Subnet$',
    breaks: (r, resolve) => resolve((r as ec2.CfnSubnet).mapPublicIpOnLaunch) === true,
    reason: 'Under the standard compliance profile the public subnets hold the load balancer and the public tasks, and give what is launched in them a public IP address; compliance \'strict\' turns that off.',
  },
];

/**
 * Acknowledges the Control Tower rules of `CONTROL_TOWER_ACKNOWLEDGMENTS` on the resources of
 * `stack` that exist now (a resource added later is checked in full), where the resource breaks
 * the rule as synthesized: the check runs as a read-only aspect, after the aspects that change
 * resources (the `strict` profile's).
 */
export function acknowledgeControlTowerRules(stack: Stack): void {
  const resources = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  Aspects.of(stack).add(new ControlTowerAcknowledgments(stack, new Set(resources)), { priority: AspectPriority.READONLY });
}

/** Acknowledges on each of `resources` the rules that it breaks. */
class ControlTowerAcknowledgments implements IAspect {
  constructor(private readonly stack: Stack, private readonly resources: ReadonlySet<CfnResource>) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !this.resources.has(node)) return;
    const below = node.node.scopes.slice(this.stack.node.scopes.length).map((s) => s.node.id).join('/');
    const resolve = (value: unknown) => this.stack.resolve(value);
    for (const a of CONTROL_TOWER_ACKNOWLEDGMENTS) {
      if (a.resourceType !== node.cfnResourceType) continue;
      if (a.path !== undefined && !new RegExp(a.path).test(below)) continue;
      if (!a.breaks(node, resolve)) continue;
      Validations.of(node).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::${a.rule}`, reason: a.reason });
    }
  }
}
