import * as semver from 'semver';

/**
 * The values that the generated repository and the pipeline stack must agree on, their defaults and
 * their validation. Both the project type and `CicdPipelineStack` resolve their options here, so a
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
  memoryMiB: 512,
  desiredCount: 1,
  maxCount: 4,
  branch: 'main',
  buildImage: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
  nodeVersion: '20',
} as const;

/**
 * Names of the environment variables that the CodeBuild project sets and `buildspec.yml` reads.
 */
export const BUILD_ENV = {
  repositoryUri: 'REPOSITORY_URI',
  containerName: 'CONTAINER_NAME',
  accountId: 'AWS_ACCOUNT_ID',
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
  readonly memoryMiB?: unknown;
  readonly desiredCount?: unknown;
  readonly maxCount?: unknown;
  readonly branch?: unknown;
  readonly buildImage?: unknown;
}

/** Validated settings with every default applied. */
export interface ServiceSettings {
  readonly serviceName: string;
  /** The container name in the task definition and in `imagedefinitions.json`. */
  readonly containerName: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly branch: string;
  readonly buildImage: string;
}

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

function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
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

/**
 * Validates the service options and applies the defaults. Throws `InvalidOptionError` for the first
 * invalid option, before anything has been created.
 */
export function resolveServiceSettings(input: ServiceSettingsInput): ServiceSettings {
  const serviceName = text('serviceName', input.serviceName, undefined, SERVICE_NAME,
    `2 to ${SERVICE_NAME_MAX} characters: lowercase letters and digits in words joined by single hyphens, starting with a letter (for example "orders-api")`,
    SERVICE_NAME_MAX);
  const containerPort = integer('containerPort', input.containerPort, DEFAULTS.containerPort, 1024, 65535);
  const healthCheckPath = text('healthCheckPath', input.healthCheckPath, DEFAULTS.healthCheckPath, HEALTH_PATH,
    'an absolute URL path of at most 1024 characters made of letters, digits and . _ ~ / - (for example "/health")', 1024);
  const cpu = integer('cpu', input.cpu, DEFAULTS.cpu, 256, 16384);
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    throw new InvalidOptionError('cpu', input.cpu, `one of the Fargate CPU units ${FARGATE_SIZES.map((s) => s.cpu).join(', ')}`);
  }
  const defaultMemory = size.memory.includes(DEFAULTS.memoryMiB) ? DEFAULTS.memoryMiB : size.memory[0];
  const memoryMiB = integer('memory', input.memoryMiB, defaultMemory, 512, 122880);
  if (!size.memory.includes(memoryMiB)) {
    throw new InvalidOptionError('memory', input.memoryMiB,
      `a memory size that Fargate pairs with ${cpu} CPU units: ${size.memory[0]} to ${size.memory[size.memory.length - 1]} MiB in steps of ${size.memory.length > 1 ? size.memory[1] - size.memory[0] : size.memory[0]}${size.memory.length <= 3 ? ` (${size.memory.join(', ')})` : ''}`);
  }
  const desiredCount = integer('desiredCount', input.desiredCount, DEFAULTS.desiredCount, 1, 100);
  const maxCount = integer('maxCount', input.maxCount, Math.max(DEFAULTS.maxCount, desiredCount), 1, 100);
  if (maxCount < desiredCount) {
    throw new InvalidOptionError('maxCount', input.maxCount, `an integer from desiredCount (${desiredCount}) to 100`);
  }
  const branch = text('branch', input.branch, DEFAULTS.branch, BRANCH,
    'a Git branch name of at most 100 characters made of letters, digits and . _ / - (for example "main")', 100);
  if (branch.includes('..') || branch.endsWith('/') || branch.endsWith('.lock') || branch.includes('//')) {
    throw new InvalidOptionError('branch', input.branch, 'a valid Git branch name (no "..", "//", trailing "/" or ".lock")');
  }
  const buildImage = text('buildImage', input.buildImage, DEFAULTS.buildImage, BUILD_IMAGE,
    'a CodeBuild image name such as "aws/codebuild/amazonlinux-x86_64-standard:5.0" or an image URI', 255);

  return {
    serviceName,
    containerName: serviceName,
    containerPort,
    healthCheckPath,
    cpu,
    memoryMiB,
    desiredCount,
    maxCount,
    branch,
    buildImage,
  };
}
