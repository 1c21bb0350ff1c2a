import { integerOption, InvalidOptionError } from './service-settings';

/** The alarms of one environment: their thresholds, validated with the defaults applied, and their names. */
export interface AlarmSettings {
  readonly loadBalancer5xxPercent: number;
  readonly target5xxPercent: number;
  readonly latencyP99Ms: number;
  readonly unhealthyHosts: number;
  readonly tasksBelowDesiredMinutes: number;
  readonly evaluationMinutes: number;
  readonly minimumRequests: number;
  /**
   * The physical name of each alarm, `<service>-<environment>-<what>`: the ECS service names them
   * as its deployment alarms before they exist, so they cannot be generated.
   */
  readonly names: AlarmNames;
}

/** The physical names of an environment's alarms. */
export interface AlarmNames {
  readonly loadBalancer5xx: string;
  readonly target5xx: string;
  readonly latencyP99: string;
  readonly unhealthyHosts: string;
  readonly tasksBelowDesired: string;
}

/** The thresholds when the options set none: suited to the sample service (answers in milliseconds, no expected errors). */
export const ALARM_DEFAULTS = {
  loadBalancer5xxPercent: 5,
  target5xxPercent: 5,
  latencyP99Ms: 1000,
  unhealthyHosts: 1,
  tasksBelowDesiredMinutes: 5,
  evaluationMinutes: 3,
  minimumRequests: 10,
} as const;

type Thresholds = Omit<AlarmSettings, 'names'>;

const ALARM_KEYS = Object.keys(ALARM_DEFAULTS) as Array<keyof Thresholds>;

/** The limits of each threshold; percentages may have decimals, the others are integers. */
const LIMITS: Record<keyof Thresholds, { min: number; max: number; decimals?: boolean }> = {
  loadBalancer5xxPercent: { min: 0.1, max: 100, decimals: true },
  target5xxPercent: { min: 0.1, max: 100, decimals: true },
  latencyP99Ms: { min: 1, max: 60000 },
  unhealthyHosts: { min: 1, max: 100 },
  tasksBelowDesiredMinutes: { min: 1, max: 60 },
  evaluationMinutes: { min: 1, max: 60 },
  minimumRequests: { min: 0, max: 100000 },
};

/**
 * Validates one `alarms` object (`prefix` names it in errors: `alarms.` or `environments[1].alarms.`)
 * over the thresholds it falls back to.
 */
function thresholds(prefix: string, input: unknown, fallback: Thresholds): Thresholds {
  if (input === undefined) return fallback;
  const option = prefix.slice(0, -1);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError(option, input, `an object with any of ${ALARM_KEYS.join(', ')}`);
  }
  const given = input as Record<string, unknown>;
  const unknownKey = Object.keys(given).find((k) => !(ALARM_KEYS as string[]).includes(k) && given[k] !== undefined);
  if (unknownKey) throw new InvalidOptionError(`${prefix}${unknownKey}`, given[unknownKey], `one of the alarm thresholds: ${ALARM_KEYS.join(', ')}`);
  const out = { ...fallback };
  for (const key of ALARM_KEYS) {
    const { min, max, decimals } = LIMITS[key];
    const value = given[key];
    if (!decimals) {
      out[key] = integerOption(`${prefix}${key}`, value, fallback[key], min, max);
    } else if (value !== undefined) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
        throw new InvalidOptionError(`${prefix}${key}`, value, `a number from ${min} to ${max}`);
      }
      out[key] = value;
    }
  }
  return out;
}

/**
 * The alarm settings of each environment: its own `alarms` over the service's over the defaults.
 * `environments` is the option as given (undefined for the default environments); `qualified` the
 * environments' `<service>-<environment>` names, in the same order.
 */
export function resolveAlarms(serviceAlarms: unknown, environments: unknown, qualified: string[]): AlarmSettings[] {
  const service = thresholds('alarms.', serviceAlarms, ALARM_DEFAULTS);
  const given: unknown[] = Array.isArray(environments) ? environments : [];
  return qualified.map((name, i) => ({
    ...thresholds(`environments[${i}].alarms.`, (given[i] as Record<string, unknown> | undefined)?.alarms, service),
    names: alarmNames(name),
  }));
}

/** The alarm names of the environment `<service>-<environment>`. */
export function alarmNames(qualified: string): AlarmNames {
  return {
    loadBalancer5xx: `${qualified}-load-balancer-5xx`,
    target5xx: `${qualified}-target-5xx`,
    latencyP99: `${qualified}-latency-p99`,
    unhealthyHosts: `${qualified}-unhealthy-hosts`,
    tasksBelowDesired: `${qualified}-tasks-below-desired`,
  };
}
