import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as semver from 'semver';
import { AlarmSettings, resolveAlarms } from './alarm-settings';
import { defaultDeployment, DeploymentSettings, resolveDeployment } from './deployment-settings';
import { checkDomainsUnique, DomainSettings, resolveDomain } from './domain-settings';
import { NetworkSettings, resolveNetwork } from './network-settings';
import { NotificationSettings, resolveNotifications } from './notification-settings';
import { resolveReviewSettings } from './review-settings';
import { resolveRuntimeSettings, RuntimeSettings } from './runtime-configuration';
import { resolveSource, SourceSettings } from './source-settings';

/**
 * The values that the generated repository and the pipeline stack must agree on, their defaults and
 * their validation. Both the project type and the CDK side (`CicdService`) resolve their options here, so a
 * port or a container name can never differ between the Dockerfile, the buildspec and the task
 * definition.
 */

/**
 * The lowest aws-cdk-lib the pipeline stack works with (the package's peer dependency; cdk-nag 3
 * needs it too). A generated project asking for less is raised to it.
 */
export const MIN_CDK_VERSION = '2.257.0';

/**
 * True when semantic version `a` is lower than `b` (prerelease tags and a leading `^` or `~` are
 * ignored; an `a` that names no version counts as lower).
 */
export function versionLower(a: string, b: string): boolean {
  const x = semver.coerce(a);
  return x === null || semver.lt(x, semver.coerce(b) ?? b);
}

/** Default values, in one place. */
export const DEFAULTS = {
  containerPort: 8080,
  healthCheckPath: '/health',
  cpu: 256,
  memory: 512,
  desiredCount: 1,
  maxCount: 4,
  branch: 'main',
  buildImage: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
  nodeVersion: '24',
} as const;

/**
 * Names of the environment variables that the CodeBuild project sets and `buildspec.yml` reads.
 */
export const BUILD_ENV = {
  repositoryUri: 'REPOSITORY_URI',
  containerName: 'CONTAINER_NAME',
  accountId: 'AWS_ACCOUNT_ID',
  /** "1" in pull request builds: the same checks, nothing pushed, no imagedefinitions.json. */
  verifyOnly: 'VERIFY_ONLY',
} as const;

/** The CPU/memory pairs that Fargate accepts (linux, x86_64 and arm64), in MiB. */
export const FARGATE_SIZES: ReadonlyArray<{ cpu: number; memory: readonly number[] }> = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Thrown for an option value that cannot work; the message names the option, the value and what is allowed. */
export class InvalidOptionError extends Error {
  constructor(option: string, value: unknown, allowed: string) {
    super(`Invalid option "${option}": got ${describe(value)}; expected ${allowed}.`);
    this.name = 'InvalidOptionError';
  }
}

/** Renders a value for an error message without letting a huge or hostile value flood it. */
export function describe(value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : showNonString(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

function showNonString(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Options that describe the service; each is optional except the name. */
export interface ServiceSettingsInput {
  readonly serviceName?: unknown;
  readonly containerPort?: unknown;
  readonly healthCheckPath?: unknown;
  readonly cpu?: unknown;
  readonly memory?: unknown;
  readonly desiredCount?: unknown;
  readonly maxCount?: unknown;
  readonly branch?: unknown;
  readonly buildImage?: unknown;
  readonly environments?: unknown;
  readonly pipelineAccount?: unknown;
  readonly pipelineRegion?: unknown;
  readonly network?: unknown;
  readonly environment?: unknown;
  readonly secrets?: unknown;
  readonly secretsKeyArn?: unknown;
  readonly enableExecuteCommand?: unknown;
  readonly source?: unknown;
  readonly alarms?: unknown;
  readonly notifications?: unknown;
  readonly deployment?: unknown;
  readonly pullRequestBuilds?: unknown;
  readonly upgradeSchedule?: unknown;
}

/**
 * One environment, validated, with the service-wide values applied and every physical name that
 * two environments must not share.
 */
export interface EnvironmentSettings {
  readonly name: string;
  /** The account, when the options name one. */
  readonly account?: string;
  /** The region, when the options name one. */
  readonly region?: string;
  readonly requireApproval: boolean;
  readonly cpu: number;
  readonly memory: number;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly certificateArn?: string;
  /** `<service>-<environment>`: the stack, the ECS cluster and service, the task definition family. */
  readonly stackName: string;
  readonly clusterName: string;
  readonly ecsServiceName: string;
  readonly taskFamily: string;
  readonly logGroupName: string;
  /** Role in the environment's account that the pipeline's ECS deploy action assumes. */
  readonly deployRoleName: string;
  /**
   * The ECR tag that marks the image this environment last deployed and verified; the task
   * definition of the stack names it, so a stack update never rolls the service back.
   */
  readonly imageTag: string;
  /** The environment's domain, when it has one. */
  readonly domain?: DomainSettings;
  /** The environment's network: its own `network`, else the service's. */
  readonly network: NetworkSettings;
  /** The container's variables, secrets and ECS Exec: the service-wide ones, overridden by the environment's. */
  readonly runtime: RuntimeSettings;
  /** The environment's alarms: thresholds and names. */
  readonly alarms: AlarmSettings;
  /** How ECS rolls out a new image here. */
  readonly deployment: DeploymentSettings;
}

/** Validated settings with every default applied. */
export interface ServiceSettings {
  readonly serviceName: string;
  /** The container name in the task definition and in `imagedefinitions.json`. */
  readonly containerName: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly cpu: number;
  readonly memory: number;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly branch: string;
  readonly buildImage: string;
  /** Name of the stack with the source and image repositories, the build and the pipeline. */
  readonly pipelineStackName: string;
  readonly pipelineAccount?: string;
  readonly pipelineRegion?: string;
  readonly environments: EnvironmentSettings[];
  /** The service-wide network, which environments without their own use. */
  readonly network: NetworkSettings;
  /** The service-wide variables, secrets and ECS Exec, before any environment's own. */
  readonly runtime: RuntimeSettings;
  /** The CodeConnections repository; absent for the CodeCommit repository. */
  readonly source?: SourceSettings;
  /** Where notifications go. */
  readonly notifications: NotificationSettings;
  /** Whether pull requests are built and need the build's approval. */
  readonly pullRequestBuilds: boolean;
  /** The schedule of the template upgrade; undefined when it is off. */
  readonly upgradeSchedule?: string;
}

/** The environments when the options name none: staging, then production after an approval. */
export const DEFAULT_ENVIRONMENTS: ReadonlyArray<{ readonly name: string; readonly requireApproval?: boolean }> = [
  { name: 'staging' },
  { name: 'production', requireApproval: true },
];

/** The prefix of the ECR tags that mark what each environment runs (mutable, unlike commit tags). */
export const ENVIRONMENT_TAG_PREFIX = 'env-';

// CodeCommit allows more, but the name also names the ECR repository (lowercase, [a-z0-9._/-]),
// the ECS cluster and service, log groups and IAM-scoped resources: keep to what all of them accept.
// At least 2 characters: ECR rejects a one-character repository name.
const SERVICE_NAME = /^(?=.{2})[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SERVICE_NAME_MAX = 32;
// Paths the ALB accepts in a health check, without characters a shell or YAML would treat specially.
const HEALTH_PATH = /^\/[A-Za-z0-9._~\/-]*$/;
// A Git branch name restricted to characters that need no quoting anywhere.
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
// CodeBuild curated images (aws/codebuild/...) or an image URI from a registry.
const BUILD_IMAGE = /^[a-z0-9][a-z0-9._\/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/;

// An environment's name joins the service name in every physical name of its stack; 16 keeps the
// longest of them (the deploy role, `<service>-<environment>-ecs-deploy`) within IAM's 64 characters.
const ENVIRONMENT_NAME = /^(?=.{2})[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENVIRONMENT_NAME_MAX = 16;
const MAX_ENVIRONMENTS = 10;
const ACCOUNT = /^[0-9]{12}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/[A-Za-z0-9-]{1,128}$/;

/** Validates an optional integer option. */
export function integerOption(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

function text(option: string, value: unknown, fallback: string | undefined, pattern: RegExp, allowed: string, maxLength: number): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length > maxLength || !pattern.test(value)) {
    throw new InvalidOptionError(option, value, allowed);
  }
  return value;
}

function optionalText(option: string, value: unknown, pattern: RegExp, allowed: string, maxLength: number): string | undefined {
  return value === undefined ? undefined : text(option, value, undefined, pattern, allowed, maxLength);
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false');
  return value;
}

function account(option: string, value: unknown): string | undefined {
  return optionalText(option, value, ACCOUNT, 'an AWS account ID of 12 digits', 12);
}

function region(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const known = RegionInfo.regions.map((r) => r.name);
  if (typeof value !== 'string' || !known.includes(value)) {
    throw new InvalidOptionError(option, value, 'the name of an AWS region, for example "eu-west-1"');
  }
  return value;
}

/** A Fargate CPU/memory pair; `prefix` names the options in errors (`""` or `environments[1].`). */
function fargateSize(prefix: string, cpuInput: unknown, memoryInput: unknown, cpuDefault: number,
  memoryDefault: number): { cpu: number; memory: number } {
  const cpu = integerOption(`${prefix}cpu`, cpuInput, cpuDefault, 256, 16384);
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    throw new InvalidOptionError(`${prefix}cpu`, cpuInput, `one of the Fargate CPU units ${FARGATE_SIZES.map((s) => s.cpu).join(', ')}`);
  }
  const defaultMemory = size.memory.includes(memoryDefault) ? memoryDefault : size.memory[0];
  const memory = integerOption(`${prefix}memory`, memoryInput, defaultMemory, 512, 122880);
  if (!size.memory.includes(memory)) {
    const step = size.memory.length > 1 ? size.memory[1] - size.memory[0] : size.memory[0];
    throw new InvalidOptionError(`${prefix}memory`, memoryInput,
      `a memory size that Fargate pairs with ${cpu} CPU units: ${size.memory[0]} to ${size.memory[size.memory.length - 1]} MiB in steps of ${step}${size.memory.length <= 3 ? ` (${size.memory.join(', ')})` : ''}`);
  }
  return { cpu, memory };
}

/** Task counts; `prefix` as for `fargateSize`. */
function counts(prefix: string, desiredInput: unknown, maxInput: unknown, desiredDefault: number,
  maxDefault: number): { desiredCount: number; maxCount: number } {
  const desiredCount = integerOption(`${prefix}desiredCount`, desiredInput, desiredDefault, 1, 100);
  const maxCount = integerOption(`${prefix}maxCount`, maxInput, Math.max(maxDefault, desiredCount), 1, 100);
  if (maxCount < desiredCount) {
    throw new InvalidOptionError(`${prefix}maxCount`, maxInput, `an integer from desiredCount (${desiredCount}) to 100`);
  }
  return { desiredCount, maxCount };
}

const ENVIRONMENT_KEYS = ['name', 'account', 'region', 'requireApproval', 'desiredCount', 'maxCount', 'cpu', 'memory', 'certificateArn', 'domain', 'network',
  'environment', 'secrets', 'secretsKeyArn', 'enableExecuteCommand', 'alarms', 'deployment'];

function resolveEnvironments(input: unknown, service: {
  serviceName: string;
  cpu: number;
  memory: number;
  desiredCount: number;
  maxCount: number;
  pipelineAccount?: string;
  pipelineRegion?: string;
  network: NetworkSettings;
  runtime: RuntimeSettings;
  deployment?: unknown;
}): Array<Omit<EnvironmentSettings, 'alarms'>> {
  const list = input === undefined ? DEFAULT_ENVIRONMENTS : input;
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_ENVIRONMENTS) {
    throw new InvalidOptionError('environments', input, `a list of 1 to ${MAX_ENVIRONMENTS} environments, each { name, account?, region?, requireApproval?, desiredCount?, maxCount?, cpu?, memory?, certificateArn?, domain?, network? }`);
  }
  const seen = new Set<string>();
  return list.map((element: unknown, index: number) => {
    const at = `environments[${index}]`;
    if (typeof element !== 'object' || element === null || Array.isArray(element)) {
      throw new InvalidOptionError(at, element, 'an object { name, account?, region?, requireApproval?, desiredCount?, maxCount?, cpu?, memory?, certificateArn?, domain?, network? }');
    }
    const e = element as Record<string, unknown>;
    const unknownKey = Object.keys(e).find((k) => !ENVIRONMENT_KEYS.includes(k) && e[k] !== undefined);
    if (unknownKey) {
      throw new InvalidOptionError(`${at}.${unknownKey}`, e[unknownKey], `one of the environment's fields: ${ENVIRONMENT_KEYS.join(', ')}`);
    }
    const name = text(`${at}.name`, e.name, undefined, ENVIRONMENT_NAME,
      `2 to ${ENVIRONMENT_NAME_MAX} characters: lowercase letters and digits in words joined by single hyphens, starting with a letter (for example "staging")`,
      ENVIRONMENT_NAME_MAX);
    if (seen.has(name)) throw new InvalidOptionError(`${at}.name`, e.name, 'a name that no other environment has');
    seen.add(name);
    const envAccount = account(`${at}.account`, e.account);
    if (envAccount !== undefined && service.pipelineAccount === undefined) {
      throw new InvalidOptionError(`${at}.account`, e.account,
        'no account unless pipelineAccount is set too (the stacks of an environment in its own account refer to the pipeline\'s by account)');
    }
    const envRegion = region(`${at}.region`, e.region);
    if (envRegion !== undefined && service.pipelineRegion === undefined) {
      throw new InvalidOptionError(`${at}.region`, e.region, 'no region unless pipelineRegion is set too');
    }
    if ((envAccount ?? service.pipelineAccount) !== service.pipelineAccount && service.pipelineRegion === undefined) {
      throw new InvalidOptionError('pipelineRegion', undefined, `a region when ${at}.account names another account`);
    }
    // A region other than the pipeline's would need CodePipeline's cross-region replication buckets,
    // which aws-cdk-lib adds as a support stack that the cdk-nag gate and the IAM rules do not pass.
    if (envRegion !== undefined && envRegion !== service.pipelineRegion) {
      throw new InvalidOptionError(`${at}.region`, e.region,
        `the pipeline's region ("${service.pipelineRegion}"): environments in other regions are not supported yet`);
    }
    const size = fargateSize(`${at}.`, e.cpu, e.memory, service.cpu, service.memory);
    const count = counts(`${at}.`, e.desiredCount, e.maxCount, service.desiredCount, service.maxCount);
    const certificateArn = optionalText(`${at}.certificateArn`, e.certificateArn, CERTIFICATE_ARN,
      'the ARN of an ACM certificate, "arn:aws:acm:<region>:<account>:certificate/<id>"', 2048);
    const qualified = `${service.serviceName}-${name}`;
    return {
      name,
      account: envAccount,
      region: envRegion,
      requireApproval: bool(`${at}.requireApproval`, e.requireApproval, false),
      ...size,
      ...count,
      certificateArn,
      stackName: qualified,
      clusterName: qualified,
      ecsServiceName: qualified,
      taskFamily: qualified,
      logGroupName: `/ecs/${service.serviceName}/${name}`,
      deployRoleName: `${qualified}-ecs-deploy`,
      imageTag: `${ENVIRONMENT_TAG_PREFIX}${name}`,
      domain: resolveDomain(at, e.domain, certificateArn),
      network: e.network === undefined ? service.network : resolveNetwork(`${at}.network`, e.network, envRegion ?? service.pipelineRegion),
      runtime: resolveRuntimeSettings(`${at}.`, e, service.runtime),
      deployment: e.deployment !== undefined ? resolveDeployment(`${at}.deployment`, e.deployment)
        : resolveDeployment(service.deployment !== undefined ? 'deployment' : `${at}.deployment`, service.deployment ?? defaultDeployment(index === list.length - 1)),
    };
  });
}

/**
 * Validates the service options and applies the defaults. Throws `InvalidOptionError` for the first
 * invalid option, before anything has been created.
 */
export function resolveServiceSettings(input: ServiceSettingsInput): ServiceSettings {
  const serviceName = text('serviceName', input.serviceName, undefined, SERVICE_NAME,
    `2 to ${SERVICE_NAME_MAX} characters: lowercase letters and digits in words joined by single hyphens, starting with a letter (for example "orders-api")`,
    SERVICE_NAME_MAX);
  const containerPort = integerOption('containerPort', input.containerPort, DEFAULTS.containerPort, 1024, 65535);
  const healthCheckPath = text('healthCheckPath', input.healthCheckPath, DEFAULTS.healthCheckPath, HEALTH_PATH,
    'an absolute URL path of at most 1024 characters made of letters, digits and . _ ~ / - (for example "/health")', 1024);
  const { cpu, memory } = fargateSize('', input.cpu, input.memory, DEFAULTS.cpu, DEFAULTS.memory);
  const { desiredCount, maxCount } = counts('', input.desiredCount, input.maxCount, DEFAULTS.desiredCount, DEFAULTS.maxCount);
  const branch = text('branch', input.branch, DEFAULTS.branch, BRANCH,
    'a Git branch name of at most 100 characters made of letters, digits and . _ / - (for example "main")', 100);
  if (branch.includes('..') || branch.endsWith('/') || branch.endsWith('.lock') || branch.includes('//')) {
    throw new InvalidOptionError('branch', input.branch, 'a valid Git branch name (no "..", "//", trailing "/" or ".lock")');
  }
  const buildImage = text('buildImage', input.buildImage, DEFAULTS.buildImage, BUILD_IMAGE,
    'a CodeBuild image name such as "aws/codebuild/amazonlinux-x86_64-standard:5.0" or an image URI', 255);
  const pipelineAccount = account('pipelineAccount', input.pipelineAccount);
  const pipelineRegion = region('pipelineRegion', input.pipelineRegion);
  const network = resolveNetwork('network', input.network, pipelineRegion);
  const runtime = resolveRuntimeSettings('', input as Record<string, unknown>);
  if (input.deployment !== undefined) resolveDeployment('deployment', input.deployment);
  const resolvedEnvironments = resolveEnvironments(input.environments, {
    serviceName, cpu, memory, desiredCount, maxCount, pipelineAccount, pipelineRegion, network, runtime, deployment: input.deployment,
  });
  checkDomainsUnique(resolvedEnvironments);
  const source = resolveSource(input.source, pipelineAccount);
  const alarms = resolveAlarms(input.alarms, input.environments, resolvedEnvironments.map((e) => e.stackName));
  const environments = resolvedEnvironments.map((e, i) => ({ ...e, alarms: alarms[i] }));
  const notifications = resolveNotifications(input.notifications, { serviceName, pipelineAccount, pipelineRegion });
  const review = resolveReviewSettings(input, source !== undefined);

  return {
    serviceName,
    containerName: serviceName,
    containerPort,
    healthCheckPath,
    cpu,
    memory,
    desiredCount,
    maxCount,
    branch,
    buildImage,
    pipelineStackName: `${serviceName}-pipeline`,
    pipelineAccount,
    pipelineRegion,
    environments,
    network,
    runtime,
    source,
    notifications,
    ...review,
  };
}
