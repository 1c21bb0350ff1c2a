import { RegionInfo } from 'aws-cdk-lib/region-info';
import { InvalidOptionError } from './service-settings';

/**
 * The container's runtime configuration: plain environment variables, secrets that ECS injects at
 * start, the KMS key that encrypts them, and ECS Exec. Validated here for the service and for each
 * environment; an environment's entries override or extend the service-wide ones by name.
 */

/**
 * Variables that the image sets itself (Dockerfile `ENV`, the base image, the sample server); no
 * `dockerRuntimeEnv`, `environment` or `secrets` entry may redefine them.
 */
export const IMAGE_VARIABLES: readonly string[] = ['PORT', 'NODE_ENV', 'PATH', 'HOME', 'NODE_OPTIONS', 'SERVICE_VERSION'];

/**
 * Variables that ECS and Fargate set in every task (region, credentials endpoint, metadata
 * endpoint): overriding one would cut the task off from its own credentials or metadata.
 */
const PLATFORM_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV'];
const PLATFORM_PREFIXES = ['AWS_CONTAINER_', 'ECS_'];

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE_NAME_MAX = 128;
const VALUE_MAX = 4096;
// No control character: a value is rendered into the generated src/service-settings.ts on one line.
const VALUE = /^[^\u0000-\u001f\u007f]*$/;
const MAX_ENTRIES = 100;
// How aws-cdk-lib encodes an unresolved value in a string (Token.isUnresolved); the project side
// does not load aws-cdk-lib's core for this one check.
const CDK_TOKEN = /\$\{Token\[/;

const PARTITION = '(aws[a-z-]*)';
const REGION = '([a-z]{2}(?:-[a-z]+)+-[0-9]+)';
const ACCOUNT = '([0-9]{12})';
// Secrets Manager names: letters, digits and / _ + = . @ -; an ECS reference may add
// `:<json-key>:<version-stage>:<version-id>` (each part may be empty).
const SECRET_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:([A-Za-z0-9/_+=.@-]{1,512})`
  + '(?::([A-Za-z0-9_.@+=/-]{0,256}):([A-Za-z0-9_.-]{0,256}):([A-Za-z0-9-]{0,64}))?$');
// The six characters that Secrets Manager appends to a secret's name in its complete ARN.
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
const PARAMETER_ARN = new RegExp(`^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)$`);
const PARAMETER_ARN_MAX = 2048;
const KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`);

/** One secret of the container: where ECS reads it, and what the execution role may read for it. */
export interface SecretReference {
  /** Name of the environment variable that holds the secret in the container. */
  readonly name: string;
  /** The reference as given: an ARN, for Secrets Manager optionally with `:<json-key>:<stage>:<version>`. */
  readonly valueFrom: string;
  /** The action that reads it: `secretsmanager:GetSecretValue` or `ssm:GetParameters`. */
  readonly action: string;
  /** The resource that the execution role may read: the secret (`-??????` for a partial ARN) or the parameter. */
  readonly resourceArn: string;
  /** Whether the reference selects one key of a JSON secret. */
  readonly jsonKey: boolean;
}

/** The runtime configuration of the container, validated. */
export interface RuntimeSettings {
  /** Plain environment variables, by name (sorted). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets, sorted by name. */
  readonly secrets: readonly SecretReference[];
  /** KMS key that encrypts the secrets, which the execution role may use to decrypt them. */
  readonly secretsKeyArn?: string;
  /** Whether ECS Exec is enabled. */
  readonly enableExecuteCommand: boolean;
}

/** Why a variable name cannot be used, or undefined when it can. */
function reservedBecause(name: string): string | undefined {
  if (IMAGE_VARIABLES.includes(name)) return 'the image sets it';
  if (PLATFORM_VARIABLES.includes(name) || PLATFORM_PREFIXES.some((p) => name.startsWith(p))) return 'ECS sets it in every task';
  return undefined;
}

const NAME_ALLOWED = `variable names of letters, digits and "_" not starting with a digit (at most ${VARIABLE_NAME_MAX} characters), `
  + `other than ${IMAGE_VARIABLES.join(', ')}, ${PLATFORM_VARIABLES.join(', ')}, ${PLATFORM_PREFIXES.map((p) => `${p}*`).join(', ')} and __proto__`;

/** The entries of a map option (`environment`, `secrets`), with valid names; `option` names it in errors. */
function mapEntries(option: string, value: unknown, kind: string): Array<[string, unknown]> {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(option, value, `a map of environment variable names to ${kind}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) throw new InvalidOptionError(option, value, `at most ${MAX_ENTRIES} entries`);
  for (const [name] of entries) {
    if (name.length > VARIABLE_NAME_MAX || !VARIABLE_NAME.test(name) || name === '__proto__' || reservedBecause(name)) {
      throw new InvalidOptionError(option, name, NAME_ALLOWED);
    }
  }
  return entries;
}

function variableValue(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > VALUE_MAX || !VALUE.test(value) || CDK_TOKEN.test(value)) {
    throw new InvalidOptionError(option, value,
      `a literal string of at most ${VALUE_MAX} characters without control characters (no CDK token: the value goes into the template as it is)`);
  }
  return value;
}

/** Whether `region` is a region of `partition` that aws-cdk-lib knows. */
function knownRegion(partition: string, region: string): boolean {
  return RegionInfo.regions.some((r) => r.name === region && r.partition === partition);
}

const SECRET_ALLOWED = 'the ARN of a Secrets Manager secret, "arn:aws:secretsmanager:<region>:<account>:secret:<name>" (complete, with its 6-character suffix, or partial), '
  + 'optionally followed by ":<json-key>:<version-stage>:<version-id>" (for example ":password::"), '
  + 'or of an SSM parameter, "arn:aws:ssm:<region>:<account>:parameter/<name>"';

function secretReference(option: string, name: string, value: unknown): SecretReference {
  if (typeof value === 'string') {
    const secret = SECRET_ARN.exec(value);
    if (secret) {
      const [, partition, region, , secretName, jsonKey, stage, version] = secret;
      // A key or a version, not an empty selector; a version stage or a version ID, not both.
      const selects = secret[5] === undefined || ((jsonKey !== '' || stage !== '' || version !== '') && (stage === '' || version === ''));
      if (knownRegion(partition, region) && selects) {
        const secretArn = value.split(':').slice(0, 7).join(':');
        return {
          name,
          valueFrom: value,
          action: 'secretsmanager:GetSecretValue',
          // A partial ARN matches the secret only with a wildcard for its suffix.
          resourceArn: SECRET_SUFFIX.test(secretName) ? secretArn : `${secretArn}-??????`,
          jsonKey: jsonKey !== undefined && jsonKey !== '',
        };
      }
    }
    const parameter = PARAMETER_ARN.exec(value);
    if (parameter && value.length <= PARAMETER_ARN_MAX && knownRegion(parameter[1], parameter[2])) {
      return { name, valueFrom: value, action: 'ssm:GetParameters', resourceArn: value, jsonKey: false };
    }
  }
  throw new InvalidOptionError(option, value, SECRET_ALLOWED);
}

function keyArn(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const key = typeof value === 'string' ? KEY_ARN.exec(value) : null;
  if (!key || !knownRegion(key[1], key[2])) {
    throw new InvalidOptionError(option, value, 'the ARN of a KMS key, "arn:aws:kms:<region>:<account>:key/<key-id>" (not an alias)');
  }
  return key[0];
}

/**
 * Validates the runtime options of the service (`prefix` "") or of one environment (`prefix`
 * "environments[1].", with the service's settings as `inherited`), and merges them by name.
 */
export function resolveRuntimeSettings(prefix: string, input: Record<string, unknown>, inherited?: RuntimeSettings): RuntimeSettings {
  const environment = new Map<string, string>(Object.entries(inherited?.environment ?? {}));
  const secrets = new Map<string, SecretReference>((inherited?.secrets ?? []).map((s) => [s.name, s]));
  const variables = mapEntries(`${prefix}environment`, input.environment, 'string values');
  const references = mapEntries(`${prefix}secrets`, input.secrets, 'ARNs of Secrets Manager secrets or SSM parameters');
  for (const [name, value] of variables) {
    environment.set(name, variableValue(`${prefix}environment.${name}`, value));
    secrets.delete(name);
  }
  for (const [name, value] of references) {
    secrets.set(name, secretReference(`${prefix}secrets.${name}`, name, value));
    if (variables.some(([n]) => n === name)) {
      throw new InvalidOptionError(`${prefix}secrets.${name}`, value, `a name that ${prefix}environment does not also give a value`);
    }
    environment.delete(name);
  }
  const enable = input.enableExecuteCommand;
  if (enable !== undefined && typeof enable !== 'boolean') throw new InvalidOptionError(`${prefix}enableExecuteCommand`, enable, 'true or false');
  const enableExecuteCommand = enable ?? inherited?.enableExecuteCommand ?? false;
  return {
    environment: Object.fromEntries([...environment.entries()].sort(([a], [b]) => compare(a, b))),
    secrets: [...secrets.values()].sort((a, b) => compare(a.name, b.name)),
    secretsKeyArn: keyArn(`${prefix}secretsKeyArn`, input.secretsKeyArn) ?? inherited?.secretsKeyArn,
    enableExecuteCommand,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
