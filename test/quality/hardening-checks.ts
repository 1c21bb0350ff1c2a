import { isDeepStrictEqual } from 'util';
import { EnvironmentOptions, ServiceOptions } from '../../src';
import { CONTAINER_USER, DEFAULT_LOG_RETENTION_DAYS, NEVER_EXPIRE } from '../../src/shared/hardening-settings';

/** What the options make of the hardening: each environment's production flag and retentions (undefined: never expire). */
export interface ExpectedHardening {
  /** The service's options, as the generated repository sets them. */
  readonly service: ServiceOptions;
  /** Retention in days that the CDK app's `logRetention` sets, when it sets one (undefined: never expire). */
  readonly cdkRetention?: { days: number | undefined };
}

/** `logRetentionDays` as CloudFormation's `RetentionInDays`: none when the logs never expire. */
function inTemplate(days: number): number | undefined {
  return days === NEVER_EXPIRE ? undefined : days;
}

/** The retention of the pipeline stack's log groups, from the options (not from the code under test). */
export function expectedServiceRetention(x: ExpectedHardening): number | undefined {
  if (x.cdkRetention) return x.cdkRetention.days;
  return inTemplate(x.service.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS);
}

/** Where the pipeline stack's log groups disagree with the options. Empty when they agree. */
export function deliveryHardeningProblems(x: ExpectedHardening, template: any): string[] {
  const expected = expectedServiceRetention(x);
  return logGroups(template).filter(([, days]) => days !== expected)
    .map(([id, days]) => `log group ${id} retention ${days} != ${expected}`);
}

/**
 * Where an environment's stack disagrees with its options on the container's user, root
 * filesystem and memory limit, the load balancer's deletion protection, and its log groups'
 * retention. `index` and `count` place it in the list of environments (the last is production by
 * default). Empty when they agree.
 */
export function environmentHardeningProblems(x: ExpectedHardening, e: EnvironmentOptions, index: number, count: number,
  dockerfile: string, template: any): string[] {
  const out: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected)) out.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  };
  const resources = Object.values<any>(template.Resources);
  const task = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition')?.Properties ?? {};
  const container = task.ContainerDefinitions?.[0] ?? {};
  const exec = e.enableExecuteCommand ?? x.service.enableExecuteCommand ?? false;
  // The Dockerfile's last USER is the one the image runs as.
  const dockerUser = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]).pop();
  expectSame('container user', container.User, CONTAINER_USER);
  expectSame('container user is the Dockerfile\'s', container.User, dockerUser);
  expectSame('read-only root filesystem', container.ReadonlyRootFilesystem, !exec);
  expectSame('container memory limit', container.Memory, Number(task.Memory));
  expectSame('scratch volume at /tmp', (container.MountPoints ?? []).map((m: any) => m.ContainerPath), ['/tmp']);

  const lb = resources.find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')?.Properties ?? {};
  const attributes = Object.fromEntries((lb.LoadBalancerAttributes ?? []).map((a: any) => [a.Key, a.Value]));
  const production = e.production ?? index === count - 1;
  expectSame('load balancer deletion protection', attributes['deletion_protection.enabled'], String(production));
  expectSame('load balancer access logs', attributes['access_logs.s3.enabled'], 'true');

  const retention = e.logRetentionDays !== undefined ? inTemplate(e.logRetentionDays) : expectedServiceRetention(x);
  for (const [id, days] of logGroups(template)) expectSame(`log group ${id} retention`, days, retention);
  return out;
}

/** Every bucket of a stack that allows ACLs (no BucketOwnerEnforced) or names one. */
export function bucketProblems(template: any): string[] {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket')
    .filter(([, r]) => r.Properties?.AccessControl !== undefined
      || !isDeepStrictEqual(r.Properties?.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }))
    .map(([id]) => `bucket ${id} allows ACLs`);
}

function logGroups(template: any): Array<[string, number | undefined]> {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup')
    .map(([id, r]) => [id, r.Properties?.RetentionInDays]);
}
