import {
  CfnResource, IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, Stack, Validations,
} from 'aws-cdk-lib';

/** The name under which `@cdklabs/cdk-validator-cfnguard` reports: the namespace of its acknowledgments. */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The version of `@cdklabs/cdk-validator-cfnguard` that generated repositories install. Exact: each
 * release may change the rules, and the acknowledgments below are made for this one.
 */
export const CFN_GUARD_VALIDATOR_VERSION = '0.0.62';

/** A Control Tower rule that the service's stacks do not pass by design, and where. */
export interface ControlTowerAcknowledgment {
  /** The cfn-guard rule name, as the plugin reports it (`Acknowledge with '<plugin>::<rule>'`). */
  readonly rule: string;
  /** The CloudFormation type of the resources that carry the finding. */
  readonly resourceType: string;
  /**
   * A regular expression over the resource's construct path below its stack, when only some
   * resources of the type carry the finding.
   */
  readonly path?: string;
  /** Why the stacks do not pass the rule. */
  readonly reason: string;
}

/**
 * The Control Tower rules that the service's stacks do not pass, each acknowledged on the resources
 * that carry it (never on a parent, so that a resource a user adds is still checked). The README's
 * quality-gates table lists them; test/quality/compliance.test.ts fails on a row that no
 * configuration of the matrix needs any more.
 */
export const CONTROL_TOWER_ACKNOWLEDGMENTS: readonly ControlTowerAcknowledgment[] = [
  {
    rule: 'alb_http_to_https_redirection_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    path: '(^|/)LoadBalancer/Http/Resource$',
    reason: 'Without a certificate (certificateArn or domain) the service is served over HTTP only; with one, the HTTP listener redirects to HTTPS.',
  },
  {
    rule: 'alb_http_to_https_redirection_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    path: '(^|/)LoadBalancer/Test/Resource$',
    reason: 'The test listener of blue/green, canary and linear deployments takes only the test probe from inside the VPC, by private address, where a certificate\'s name could not match.',
  },
  {
    rule: 'cloudwatch_log_group_encrypted_check',
    resourceType: 'AWS::Logs::LogGroup',
    reason: 'Log groups are encrypted by CloudWatch Logs with its own key; a customer-managed KMS key costs about 1 USD a month and a key policy for the logs service.',
  },
  {
    rule: 'cloudwatch_log_group_retention_period_check',
    resourceType: 'AWS::Logs::LogGroup',
    reason: 'Logs are kept as long as the log retention setting says (30 days by default), to bound their storage cost; the control wants at least 365 days or no expiry.',
  },
  {
    rule: 'codebuild_project_environment_privileged_check',
    resourceType: 'AWS::CodeBuild::Project',
    path: '(^|/)(BuildProject|PullRequestBuilds/Build/Project)/Resource$',
    reason: 'The builds (of the pipeline and of pull requests) run `docker build` to make the service image, which needs a privileged build container on CodeBuild.',
  },
  {
    rule: 'ecr_private_tag_immutability_enabled_check',
    resourceType: 'AWS::ECR::Repository',
    reason: 'Commit tags are immutable; "latest" (the layer cache) and the environments\' tags move, which the control\'s plain IMMUTABLE setting does not allow (it does not read IMMUTABLE_WITH_EXCLUSION).',
  },
  {
    rule: 'ecs_containers_readonly_access_check',
    resourceType: 'AWS::ECS::TaskDefinition',
    reason: 'The container\'s root filesystem is writable: a service image may write temporary files to it.',
  },
  {
    rule: 'ecs_service_assign_public_ip_disabled_check',
    resourceType: 'AWS::ECS::Service',
    reason: 'Public tasks (network.taskSubnets "public", the default) have a public IP address to reach ECR and CloudWatch Logs without a NAT gateway (about 32 USD a month per zone); their security group accepts the load balancer only.',
  },
  {
    rule: 'ecs_task_definition_memory_hard_limit_check',
    resourceType: 'AWS::ECS::TaskDefinition',
    reason: 'The container may use the memory of the whole task, which the task size limits.',
  },
  {
    rule: 'ecs_task_definition_nonroot_user_check',
    resourceType: 'AWS::ECS::TaskDefinition',
    reason: 'The task definition sets no user: the container runs as the image\'s USER, which is the non-root `node` in the generated Dockerfile.',
  },
  {
    rule: 'elbv2_deletion_protection_enabled_check',
    resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    reason: 'An environment\'s stack can be destroyed with `cdk destroy`; deletion protection would make that fail until it is turned off by hand.',
  },
  {
    rule: 'kms_create_grant_aws_service_check',
    resourceType: 'AWS::KMS::Key',
    reason: 'aws-cdk-lib\'s default key policy gives the account (its IAM policies) the use of the key, kms:CreateGrant included, without a kms:GrantIsForAWSResource condition.',
  },
  {
    rule: 'lambda_inside_vpc_check',
    resourceType: 'AWS::Lambda::Function',
    reason: 'The pipeline\'s functions call AWS APIs only (ECR, ECS, CodePipeline); in a VPC they would need a NAT gateway or VPC endpoints.',
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    resourceType: 'AWS::S3::Bucket',
    reason: 'Buckets are encrypted with S3-managed keys (load balancer access logs accept no other key); the artifact bucket uses KMS when artifacts cross accounts.',
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)LogBucket/Resource$',
    reason: 'The log bucket receives the access logs of the other buckets; logging it would need one more bucket, whose own logs would go nowhere.',
  },
  {
    rule: 's3_bucket_object_lock_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    reason: 'Artifacts and logs expire by lifecycle rules; Object Lock would keep every object for a fixed period instead.',
  },
  {
    rule: 's3_bucket_versioning_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    path: '(^|/)LogBucket/Resource$',
    reason: 'Logs are written once and expire; versions would only keep deleted copies.',
  },
  {
    rule: 's3_event_notifications_enabled_check',
    resourceType: 'AWS::S3::Bucket',
    reason: 'Nothing reacts to the objects of these buckets: the pipeline reads its artifacts itself.',
  },
  {
    rule: 'subnet_auto_assign_public_ip_disabled_check',
    resourceType: 'AWS::EC2::Subnet',
    path: '(^|/)PublicSubnet\\d+/Subnet$',
    reason: 'The public subnets hold the load balancer (and public tasks); instances launched in them get a public IP address.',
  },
];

/**
 * Acknowledges the Control Tower rules of `CONTROL_TOWER_ACKNOWLEDGMENTS` on the resources of
 * `stack` that carry them, as they are now: a resource added later is checked in full.
 */
export function acknowledgeControlTowerRules(stack: Stack): void {
  const depth = stack.node.scopes.length;
  for (const resource of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(resource) || Stack.of(resource) !== stack) continue;
    const below = resource.node.scopes.slice(depth).map((s) => s.node.id).join('/');
    for (const a of CONTROL_TOWER_ACKNOWLEDGMENTS) {
      if (a.resourceType !== resource.cfnResourceType) continue;
      if (a.path !== undefined && !new RegExp(a.path).test(below)) continue;
      Validations.of(resource).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::${a.rule}`, reason: a.reason });
    }
  }
}


/**
 * The Control Tower rules of `@cdklabs/cdk-validator-cfnguard` as a validation plugin whose every
 * finding is an error. The plugin reports its findings without a severity; once an acknowledgment
 * answers one of them, aws-cdk-lib judges the report by the severities that remain, and a report of
 * findings without one would pass.
 */
export class ControlTowerRules implements IPolicyValidationPluginBeta1 {
  /** The plugin's name, which is also the namespace of its acknowledgments. */
  public readonly name: string;
  /** The version of `@cdklabs/cdk-validator-cfnguard`. */
  public readonly version?: string;
  /** The rules that the plugin runs. */
  public readonly ruleIds?: string[];

  constructor(private readonly validator: IPolicyValidationPluginBeta1) {
    this.name = validator.name;
    this.version = validator.version;
    this.ruleIds = validator.ruleIds;
  }

  /** Runs the rules over the templates of `context`. */
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.validator.validate(context);
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}
