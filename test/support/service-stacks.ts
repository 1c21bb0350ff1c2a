import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CicdService, CicdServiceProps, DeliveryStack, EnvironmentStack } from '../../src';

/** One synthesized stack: the construct, its template for assertions and as JSON, and its file. */
export interface SynthesizedStack<T extends Stack = Stack> {
  readonly stack: T;
  readonly template: Template;
  readonly json: any;
  readonly templateFile: string;
}

/** The service's stacks, synthesized once in a fresh app. */
export interface SynthesizedService {
  readonly app: App;
  readonly service: CicdService;
  readonly outdir: string;
  readonly delivery: SynthesizedStack<DeliveryStack>;
  readonly environments: Array<SynthesizedStack<EnvironmentStack>>;
  /** Every stack of the service, the delivery stack first. */
  readonly all: SynthesizedStack[];
}

/** Builds the service in a fresh app (with `context`) and synthesizes it. */
export function synthesizeService(props: CicdServiceProps | ((app: App) => CicdServiceProps),
  context: Record<string, unknown> = {}): SynthesizedService {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-service-'));
  const app = new App({ outdir, context });
  const service = new CicdService(app, typeof props === 'function' ? props(app) : props);
  app.synth();
  const synthesized = <T extends Stack>(stack: T): SynthesizedStack<T> => {
    const templateFile = path.join(outdir, stack.templateFile);
    const json = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    return { stack, template: Template.fromJSON(json), json, templateFile };
  };
  const delivery = synthesized(service.deliveryStack);
  const environments = service.environmentStacks.map(synthesized);
  return { app, service, outdir, delivery, environments, all: [delivery, ...environments] };
}

/** The service with every default. */
export function defaultService(): SynthesizedService {
  return synthesizeService({ serviceName: 'orders' });
}

/**
 * Every optional prop set to something other than its default, with account and region; the keys
 * come from another stack ("shared") of the same app, as they would in an organisation's account.
 */
export function customizedProps(app: App): CicdServiceProps {
  const shared = new Stack(app, 'shared', { env: { account: '123456789012', region: 'eu-west-1' } });
  return {
    serviceName: 'billing-api',
    containerPort: 3000,
    healthCheckPath: '/status/ready',
    cpu: 1024,
    memory: 4096,
    desiredCount: 2,
    maxCount: 6,
    branch: 'release/v2',
    buildImage: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
    pipelineAccount: '123456789012',
    pipelineRegion: 'eu-west-1',
    environments: [
      { name: 'test', cpu: 256, memory: 512, desiredCount: 1, maxCount: 1 },
      { name: 'staging' },
      {
        name: 'production',
        requireApproval: true,
        desiredCount: 3,
        maxCount: 12,
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
        environment: { LOG_LEVEL: 'warn' },
        secrets: {
          DB_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing/db-AbCdEf:password::',
          SIGNING_KEY: 'arn:aws:ssm:eu-west-1:123456789012:parameter/billing/signing-key',
        },
        secretsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012',
        enableExecuteCommand: true,
      },
    ],
    environment: { GREETING: 'Hello', LOG_LEVEL: 'info' },
    secrets: { API_TOKEN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing/api-token' },
    sourceEncryptionKey: new kms.Key(shared, 'SourceKey', { enableKeyRotation: true }),
    imageEncryptionKey: new kms.Key(shared, 'ImageKey', { enableKeyRotation: true }),
    imagesToKeep: 5,
    buildComputeType: codebuild.ComputeType.MEDIUM,
    logRetention: logs.RetentionDays.ONE_WEEK,
    artifactRetentionDays: 7,
    targetCpuUtilization: 50,
  };
}

/** `customizedProps`, synthesized with the currently recommended feature flags. */
export function customizedService(): SynthesizedService {
  return synthesizeService(customizedProps, { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS });
}

/** Staging in the pipeline's account, production in another one. */
export const CROSS_ACCOUNT_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  pipelineAccount: '111111111111',
  pipelineRegion: 'eu-west-1',
  environments: [
    { name: 'staging' },
    { name: 'production', account: '222222222222', requireApproval: true, cpu: 512, memory: 1024, desiredCount: 2 },
  ],
};

/** The cross-account service. */
export function crossAccountService(): SynthesizedService {
  return synthesizeService(CROSS_ACCOUNT_PROPS);
}

/**
 * One environment per deployment strategy, each with settings of its own; the canary one serves
 * HTTPS, so its production rule sits on the 443 listener.
 */
export const STRATEGIES_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  healthCheckPath: '/status/ready',
  environments: [
    { name: 'rolling', deployment: { strategy: 'rolling' } },
    { name: 'blue-green', deployment: { strategy: 'blue-green', bakeTimeMinutes: 5 } },
    {
      name: 'canary',
      requireApproval: true,
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      deployment: { strategy: 'canary', canaryPercent: 20.5, canaryBakeTimeMinutes: 7, bakeTimeMinutes: 3 },
    },
    { name: 'linear', deployment: { strategy: 'linear', linearStepPercent: 50, linearStepBakeTimeMinutes: 4, bakeTimeMinutes: 0 } },
  ],
};

/** The service with one environment per deployment strategy. */
export function strategiesService(): SynthesizedService {
  return synthesizeService(STRATEGIES_PROPS);
}

/** A connection of the newer `codeconnections` form, in the pipeline's account. */
export const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The source in a GitHub repository through a connection, the pipeline in an account and region. */
export const CONNECTION_SOURCE_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  pipelineAccount: '111111111111',
  pipelineRegion: 'eu-west-1',
  source: { connectionArn: CONNECTION_ARN, repository: 'acme/orders' },
};

/** The service whose source is a connection's repository. */
export function connectionService(): SynthesizedService {
  return synthesizeService(CONNECTION_SOURCE_PROPS);
}

/** The resources of a template of one type, as [logical ID, resource] pairs. */
export function resourcesOfType(json: any, type: string): Array<[string, any]> {
  return Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
}

/** The one resource of a type; fails unless there is exactly one. */
export function only(json: any, type: string): [string, any] {
  const found = resourcesOfType(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The default, customized and cross-account services. */
export interface ThreeServices {
  base: SynthesizedService;
  custom: SynthesizedService;
  cross: SynthesizedService;
}

/** The default, customized and cross-account services, synthesized once before the tests of a file. */
export function threeServices(): ThreeServices {
  const services = {} as ThreeServices;
  beforeAll(() => {
    services.base = defaultService();
    services.custom = customizedService();
    services.cross = crossAccountService();
  });
  return services;
}
