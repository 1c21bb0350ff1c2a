import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * A bucket that receives logs (S3 server access logs, load balancer access logs, VPC flow logs):
 * SSE-S3 (load balancer access logs accept no other key), TLS only, no public access, no ACLs,
 * objects expire after `retentionDays`; retained when its stack is deleted.
 */
export function createLogBucket(scope: Construct, id: string, retentionDays: number): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(retentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
