import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Combination } from './generated';
import { customizedProps } from '../pipeline/stacks';

/**
 * The configuration matrix: combinations of the project's options, and of the stack props that only
 * the CDK app can give (an existing VPC, KMS keys, a certificate), that the quality tests check.
 */
export const COMBINATIONS: Combination[] = [
  { name: 'every default', options: {} },
  {
    name: 'port 3000, deep health path, 1 vCPU/4 GiB, release branch, arm64 build image',
    options: {
      containerPort: 3000,
      healthCheckPath: '/status/ready',
      cpu: 1024,
      memory: 4096,
      branch: 'release/v2',
      buildImage: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
    },
  },
  {
    name: 'existing VPC, KMS keys, HTTPS certificate, in an account and region',
    options: { serviceName: 'billing-api' },
    stackExtras: (app) => {
      const p = customizedProps(app);
      return {
        env: p.env, vpc: p.vpc, sourceEncryptionKey: p.sourceEncryptionKey, imageEncryptionKey: p.imageEncryptionKey, certificate: p.certificate,
      };
    },
  },
  {
    name: 'the largest task and counts: port 65535, 16 vCPU/120 GiB, 100 tasks',
    options: { containerPort: 65535, cpu: 16384, memory: 122880, desiredCount: 100, maxCount: 100 },
  },
  {
    name: 'the lowest port, 0.25 vCPU/2 GiB, fixed count of 3, image from a registry',
    options: { containerPort: 1024, cpu: 256, memory: 2048, desiredCount: 3, maxCount: 3, buildImage: 'public.ecr.aws/codebuild/amazonlinux-x86_64-standard:5.0' },
  },
  {
    name: 'every gate off, Dockerfile and buildspec owned, runtime env and extra build commands',
    options: {
      qualityGates: { cdkNag: false, strictSynth: false, dockerfileLint: false, buildspecSchema: false },
      ownedFiles: ['Dockerfile', 'buildspec.yml'],
      dockerRuntimeEnv: { LOG_LEVEL: 'debug', FEATURE_X: 'on' },
      buildspecExtraCommands: { installCommands: ['npm --version'], preBuildCommands: ['echo pre'], buildCommands: ['echo built'], postBuildCommands: ['echo done'] },
    },
  },
  {
    name: 'a 32-character service name from a scoped project name, feature branch',
    options: { name: '@acme/Orders_API', serviceName: 'a234567890-b234567890-c234567890', branch: 'feature/x-1.2' },
  },
  {
    name: '4 vCPU/30 GiB, 2 to 50 tasks, larger build, short retention, few images',
    options: { cpu: 4096, memory: 30720, desiredCount: 2, maxCount: 50, healthCheckPath: '/' },
    stackExtras: () => ({
      buildComputeType: codebuild.ComputeType.LARGE,
      logRetention: logs.RetentionDays.ONE_DAY,
      imagesToKeep: 1,
      artifactRetentionDays: 1,
      targetCpuUtilization: 90,
    }),
  },
  {
    name: 'only cdk-nag on, 8 vCPU/16 GiB, arm64 standard image, README sections',
    options: {
      qualityGates: { strictSynth: false, dockerfileLint: false, buildspecSchema: false },
      cpu: 8192,
      memory: 16384,
      buildImage: 'aws/codebuild/amazonlinux-aarch64-standard:2.0',
      readmeExtraSections: [{ title: 'On call', body: 'Page the orders team.' }],
    },
  },
];
