import { Aws, CfnCondition, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** The value the region map holds for regions that have no Elastic Load Balancing account. */
const NO_ACCOUNT = 'none';

/**
 * Turns on the load balancer's access logs into `bucket` under `prefix`, also in a stack whose
 * region is unknown until deploy time (aws-cdk-lib's `logAccessLogs` needs the region).
 *
 * Elastic Load Balancing writes the logs as the region's load-balancing account in the regions
 * opened before August 2022, and as the log delivery service principal in the others. For an
 * environment-agnostic stack the bucket policy grants both: the account comes from a region map
 * (the regions aws-cdk-lib knows); where a region has none, that statement names the stack's own
 * account, which grants nothing that its IAM policies do not already allow.
 */
export function logLoadBalancerAccess(loadBalancer: elbv2.ApplicationLoadBalancer, bucket: s3.IBucket, prefix: string): void {
  const stack = Stack.of(loadBalancer);
  if (!Token.isUnresolved(stack.region)) {
    loadBalancer.logAccessLogs(bucket, prefix);
    return;
  }
  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  loadBalancer.setAttribute('access_logs.s3.prefix', prefix);

  const accounts: Record<string, Record<string, string>> = {};
  for (const region of RegionInfo.regions) {
    accounts[region.name] = { account: region.elbv2Account ?? NO_ACCOUNT };
  }
  const map = new CfnMapping(loadBalancer, 'LogDeliveryAccounts', { mapping: accounts });
  const regionAccount = map.findInMap(Aws.REGION, 'account');
  const hasAccount = new CfnCondition(loadBalancer, 'RegionHasLogDeliveryAccount', {
    expression: Fn.conditionNot(Fn.conditionEquals(regionAccount, NO_ACCOUNT)),
  });
  const writer = Fn.conditionIf(hasAccount.logicalId, regionAccount, Aws.ACCOUNT_ID).toString();

  const objects = bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'LoadBalancerLogsByRegionAccount',
    actions: ['s3:PutObject'],
    principals: [new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${writer}:root`)],
    resources: [objects],
  }));
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'LoadBalancerLogsByLogDelivery',
    actions: ['s3:PutObject'],
    principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
    resources: [objects],
  }));
  // CloudFormation checks the bucket's permissions when it turns the logs on.
  const policy = bucket.policy?.node.defaultChild;
  if (policy) loadBalancer.node.addDependency(policy);
}
