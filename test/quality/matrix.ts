import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Combination } from './generated';
import { customizedProps } from '../support/service-stacks';

/**
 * The configuration matrix: combinations of the project's options, and of the props that only
 * the CDK app can give (KMS keys, a larger build...), that the quality tests check.
 */
export const COMBINATIONS: Combination[] = [
  { name: 'every default', options: {} },
  {
    name: 'hardening: retention forever for the service, a day and ten years per environment, a production environment first with ECS Exec, the last not production',
    options: {
      logRetentionDays: 0,
      environments: [
        { name: 'staging', production: true, enableExecuteCommand: true, logRetentionDays: 1 },
        { name: 'load-test' },
        { name: 'production', production: false, requireApproval: true, logRetentionDays: 3653 },
      ],
    },
  },
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
    name: 'KMS keys from another stack, HTTPS in production, in an account and region',
    options: {
      serviceName: 'billing-api',
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      environments: [
        { name: 'staging' },
        { name: 'production', requireApproval: true, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012' },
      ],
    },
    cdkExtras: (app) => {
      const p = customizedProps(app);
      return { sourceEncryptionKey: p.sourceEncryptionKey, imageEncryptionKey: p.imageEncryptionKey };
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
      qualityGates: { cdkNag: false, strictSynth: false, dockerfileLint: false, buildspecSchema: false, controlTower: false },
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
    cdkExtras: () => ({
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
      qualityGates: { strictSynth: false, dockerfileLint: false, buildspecSchema: false, controlTower: false },
      cpu: 8192,
      memory: 16384,
      buildImage: 'aws/codebuild/amazonlinux-aarch64-standard:2.0',
      readmeExtraSections: [{ title: 'On call', body: 'Page the orders team.' }],
    },
  },
  {
    name: 'one environment: production, without approval',
    options: { environments: [{ name: 'production' }] },
  },
  {
    name: 'three environments with their own sizes, approvals before staging and production',
    options: {
      cpu: 1024,
      memory: 4096,
      environments: [
        { name: 'dev', cpu: 256, memory: 512, desiredCount: 1, maxCount: 1 },
        { name: 'staging', requireApproval: true, cpu: 512, memory: 2048 },
        { name: 'production', requireApproval: true, cpu: 2048, memory: 8192, desiredCount: 3, maxCount: 20 },
      ],
    },
  },
  {
    name: 'cross-account: the pipeline in one account, staging in it, production and a load test in two others',
    options: {
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      environments: [
        { name: 'staging' },
        { name: 'load-test', account: '333333333333' },
        { name: 'production', account: '222222222222', requireApproval: true, certificateArn: 'arn:aws:acm:eu-west-1:222222222222:certificate/abc-123' },
      ],
    },
  },
  {
    name: 'per-environment cpu, memory and counts over service-wide 2 vCPU/16 GiB and 5 to 10 tasks',
    options: {
      cpu: 2048,
      memory: 16384,
      desiredCount: 5,
      maxCount: 10,
      environments: [
        // 16 GiB does not pair with 0.25 vCPU: the smallest size that does (512 MiB).
        { name: 'small', cpu: 256 },
        // maxCount is raised to desiredCount.
        { name: 'wide', desiredCount: 20 },
        { name: 'largest', cpu: 16384, memory: 122880, desiredCount: 1, maxCount: 100 },
        { name: 'memory-only', memory: 8192 },
      ],
    },
  },
  {
    name: 'deployment strategies: rolling dev, blue/green staging from the service-wide setting, linear production with HTTPS',
    options: {
      deployment: { strategy: 'blue-green', bakeTimeMinutes: 5 },
      environments: [
        { name: 'dev', deployment: { strategy: 'rolling' } },
        { name: 'staging' },
        {
          name: 'production',
          requireApproval: true,
          certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
          deployment: { strategy: 'linear', linearStepPercent: 20, linearStepBakeTimeMinutes: 2, bakeTimeMinutes: 15 },
        },
      ],
    },
  },
  {
    name: 'domains and networks: HTTPS names (one at the apex with a given certificate), private tasks behind a NAT gateway per zone, an existing VPC',
    options: {
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      network: { taskSubnets: 'private', natGateways: 'per-zone' },
      environments: [
        { name: 'staging', domain: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', recordName: 'orders.staging' } },
        {
          name: 'production',
          requireApproval: true,
          certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
          domain: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', recordName: '@' },
        },
        {
          name: 'shared',
          network: {
            taskSubnets: 'private',
            vpc: {
              vpcId: 'vpc-0123456789abcdef0',
              availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
              publicSubnetIds: ['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a2', 'subnet-0a0a0a0a0a0a0a0a3'],
              privateSubnetIds: ['subnet-0b0b0b0b0b0b0b0b1', 'subnet-0b0b0b0b0b0b0b0b2', 'subnet-0b0b0b0b0b0b0b0b3'],
            },
          },
        },
      ],
    },
  },
  {
    name: 'strict compliance: the pipeline and production strict (production in another account, HTTPS, ECS Exec), staging strict behind a NAT gateway per zone, dev standard',
    options: {
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      compliance: 'strict',
      environments: [
        { name: 'dev', compliance: 'standard' },
        { name: 'staging', network: { natGateways: 'per-zone' } },
        {
          name: 'production',
          account: '210987654321',
          requireApproval: true,
          certificateArn: 'arn:aws:acm:eu-west-1:210987654321:certificate/12345678-1234-1234-1234-123456789012',
          enableExecuteCommand: true,
        },
      ],
    },
  },
  {
    name: 'variables and secrets of every kind with a KMS key, per-environment overrides, ECS Exec in production',
    options: {
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      environment: { GREETING: 'Hello', LOG_LEVEL: 'info' },
      secrets: { API_TOKEN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/api-token' },
      environments: [
        { name: 'staging', environment: { LOG_LEVEL: 'debug', FEATURE_X: 'on' } },
        {
          name: 'production',
          requireApproval: true,
          environment: { GREETING: 'Welcome' },
          secrets: {
            DB_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf:password::',
            DB_URL: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-url-Zz9Yx8',
            SIGNING_KEY: 'arn:aws:ssm:eu-west-1:123456789012:parameter/orders/production/signing-key',
          },
          secretsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012',
          enableExecuteCommand: true,
        },
      ],
    },
  },
  {
    name: 'a GitLab repository in nested groups through a connection, own excluded paths, in an account and region',
    options: {
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      branch: 'trunk',
      source: {
        connectionArn: 'arn:aws:codestar-connections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        repository: 'platform/payments/orders-api',
        excludedPaths: ['docs/**', '*.md', 'adr/**'],
      },
    },
  },
  {
    name: 'the most environments: ten with 16-character names, a 32-character service name',
    options: {
      serviceName: 'a234567890-b234567890-c234567890',
      environments: Array.from({ length: 10 }, (_, i) => ({ name: `environment-${String.fromCharCode(97 + i)}abc`, requireApproval: i % 2 === 1 })),
    },
  },
  {
    name: 'e-mail notifications, service-wide thresholds and stricter ones in production, which runs in another account',
    options: {
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      alarms: { loadBalancer5xxPercent: 2, target5xxPercent: 1.5, latencyP99Ms: 800, evaluationMinutes: 2, minimumRequests: 20 },
      notifications: { emails: ['team@example.com', 'oncall+orders@example.org'] },
      environments: [
        { name: 'staging', alarms: { latencyP99Ms: 2000 } },
        { name: 'production', account: '222222222222', requireApproval: true, alarms: { target5xxPercent: 0.5, unhealthyHosts: 2, tasksBelowDesiredMinutes: 10 } },
      ],
    },
  },
  {
    name: 'an existing notification topic, with an e-mail subscription',
    options: {
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      notifications: { topicArn: 'arn:aws:sns:eu-west-1:111111111111:team-alerts', emails: ['team@example.com'] },
    },
  },
  {
    name: 'the team\'s group, approvals before staging and production, production in another account',
    options: {
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      teamAccess: { group: true },
      environments: [{ name: 'staging', requireApproval: true }, { name: 'production', account: '222222222222', requireApproval: true }],
    },
  },
  {
    name: 'template upgrade every day at 03:30, from a release branch, with pull request builds',
    options: { upgradeSchedule: 'cron(30 3 * * ? *)', branch: 'release/v3' },
  },
  {
    name: 'no pull request builds and no scheduled upgrade',
    options: { pullRequestBuilds: false, upgradeSchedule: 'off' },
  },
];
