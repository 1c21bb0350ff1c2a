import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ServiceOptions } from '../shared/service-options';

/**
 * Properties of `CicdService`: the service's options (the same ones `.projenrc.ts` sets) and the
 * choices that only the CDK side has.
 */
export interface CicdServiceProps extends ServiceOptions {
  /**
   * Customer-managed KMS key for the CodeCommit repository (not with `source`, which creates none).
   *
   * @default - the AWS-managed key `aws/codecommit`, at no cost. A customer-managed key costs about
   * 1 USD a month plus requests, and lets you control and audit its use in its key policy.
   */
  readonly sourceEncryptionKey?: kms.IKey;

  /**
   * KMS key for the ECR repository.
   *
   * @default - AES-256 encryption with keys managed by ECR, at no cost
   */
  readonly imageEncryptionKey?: kms.IKey;

  /**
   * Number of commit images that the ECR repository keeps (1-1000); older ones expire. The image
   * that an environment runs (tag `env-<name>`) never expires.
   *
   * @default 20
   */
  readonly imagesToKeep?: number;

  /**
   * Compute size of the CodeBuild project.
   *
   * @default codebuild.ComputeType.SMALL
   */
  readonly buildComputeType?: codebuild.ComputeType;

  /**
   * Retention of every log group (build, containers, pipeline functions).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Days that pipeline artifacts and access logs are kept in their S3 buckets (1-3650).
   *
   * @default 30
   */
  readonly artifactRetentionDays?: number;

  /**
   * CPU utilization (percent) that autoscaling keeps each environment's service at (10-90).
   *
   * @default 60
   */
  readonly targetCpuUtilization?: number;
}
