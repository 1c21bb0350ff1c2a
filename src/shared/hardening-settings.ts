import { InvalidOptionError } from './service-settings';

/**
 * The user that the generated Dockerfile's `USER` instruction names and that the task definitions
 * run the container as: the official Node.js images' unprivileged user (uid 1000).
 */
export const CONTAINER_USER = 'node';

/** Where the container may write when its root filesystem is read-only: a volume of the task's ephemeral storage. */
export const SCRATCH_PATH = '/tmp';

/** The retention periods, in days, that CloudWatch Logs accepts for a log group. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The `logRetentionDays` value that keeps the logs forever (a log group without a retention period). */
export const NEVER_EXPIRE = 0;

/**
 * The retention when the options set none: one year, the shortest that AWS Control Tower's
 * proactive control on log groups accepts (at least 365 days, or never expire).
 */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** The hardening choices of one environment, validated with the defaults applied. */
export interface HardeningSettings {
  /** Whether the environment is production: its load balancer is protected from deletion. */
  readonly production: boolean;
  /** Days its log groups keep their events; `NEVER_EXPIRE` (0) keeps them forever. */
  readonly logRetentionDays: number;
}

/** Validates a `logRetentionDays` option: one of CloudWatch's periods, or 0 to keep the logs forever. */
export function logRetentionDays(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || (value !== NEVER_EXPIRE && !LOG_RETENTION_DAYS.includes(value))) {
    throw new InvalidOptionError(option, value,
      `${NEVER_EXPIRE} (never expire) or one of the retention periods that CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')} days`);
  }
  return value;
}

/**
 * Validates the service's `logRetentionDays` and each environment's `production` and
 * `logRetentionDays` (the environments are already known to be a list of objects). By default the
 * last environment is production and the others are not.
 *
 * @returns the service-wide retention, and each environment's settings in order
 */
export function resolveHardening(serviceRetention: unknown, environments: ReadonlyArray<Record<string, unknown>>): {
  logRetentionDays: number;
  environments: HardeningSettings[];
} {
  const service = logRetentionDays('logRetentionDays', serviceRetention, DEFAULT_LOG_RETENTION_DAYS);
  return {
    logRetentionDays: service,
    environments: environments.map((e, index) => {
      const at = `environments[${index}]`;
      const production = e.production === undefined ? index === environments.length - 1 : e.production;
      if (typeof production !== 'boolean') throw new InvalidOptionError(`${at}.production`, e.production, 'true or false');
      return { production, logRetentionDays: logRetentionDays(`${at}.logRetentionDays`, e.logRetentionDays, service) };
    }),
  };
}
