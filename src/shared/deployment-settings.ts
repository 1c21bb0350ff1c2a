import { InvalidOptionError } from './service-settings';

/**
 * The deployment strategy of an environment (`deployment`), validated, with its defaults and the
 * time that the pipeline's ECS deploy action gives it.
 */

/** The kinds of deployment that ECS runs itself. */
export const DEPLOYMENT_STRATEGIES = ['rolling', 'blue-green', 'canary', 'linear'] as const;

/** One of `DEPLOYMENT_STRATEGIES`. */
export type DeploymentStrategyName = typeof DEPLOYMENT_STRATEGIES[number];

/** Defaults of the strategies' settings, in minutes and percent. */
export const DEPLOYMENT_DEFAULTS = {
  bakeTimeMinutes: 10,
  canaryPercent: 10,
  canaryBakeTimeMinutes: 5,
  linearStepPercent: 25,
  linearStepBakeTimeMinutes: 3,
} as const;

/**
 * The longest that CodePipeline's ECS deploy action waits for a deployment (its `DeploymentTimeout`
 * allows 1 to 60 minutes).
 */
export const ROLLOUT_ACTION_MAX_MINUTES = 60;

/**
 * What a deployment needs besides its waits: starting the new tasks, the target group's health
 * checks, the test-listener hook (at most 5 minutes) and moving traffic. Bake time and step waits
 * must fit in the rest.
 */
export const DEPLOYMENT_OVERHEAD_MINUTES = 15;

/** How long the deploy action waits for a rolling update. */
export const ROLLING_TIMEOUT_MINUTES = 30;

/** A validated deployment strategy. */
export interface DeploymentSettings {
  readonly strategy: DeploymentStrategyName;
  /** Minutes the old tasks stay after the new ones take all traffic; 0 for rolling updates. */
  readonly bakeTimeMinutes: number;
  readonly canaryPercent?: number;
  readonly canaryBakeTimeMinutes?: number;
  readonly linearStepPercent?: number;
  readonly linearStepBakeTimeMinutes?: number;
  /** Every wait of the deployment together: bake time, canary bake or every linear step's wait. */
  readonly waitMinutes: number;
  /** The `DeploymentTimeout` of the pipeline's ECS deploy action, in minutes. */
  readonly rolloutTimeoutMinutes: number;
}

const FIELDS: Record<string, DeploymentStrategyName[]> = {
  strategy: [...DEPLOYMENT_STRATEGIES],
  bakeTimeMinutes: ['blue-green', 'canary', 'linear'],
  canaryPercent: ['canary'],
  canaryBakeTimeMinutes: ['canary'],
  linearStepPercent: ['linear'],
  linearStepBakeTimeMinutes: ['linear'],
};

const MAX_WAIT = ROLLOUT_ACTION_MAX_MINUTES - DEPLOYMENT_OVERHEAD_MINUTES;

/**
 * The strategy of an environment that sets no `deployment` and has no service-wide one: a canary
 * deployment where users are (the last environment), rolling updates before it, where speed counts.
 */
export function defaultDeployment(last: boolean): { strategy: DeploymentStrategyName } {
  return { strategy: last ? 'canary' : 'rolling' };
}

/**
 * Validates a `deployment` value; `option` names it in errors (`deployment` or
 * `environments[1].deployment`).
 */
export function resolveDeployment(option: string, input: unknown): DeploymentSettings {
  const allowed = `an object { strategy, bakeTimeMinutes?, canaryPercent?, canaryBakeTimeMinutes?, linearStepPercent?, linearStepBakeTimeMinutes? } with strategy one of ${DEPLOYMENT_STRATEGIES.map((s) => `"${s}"`).join(', ')}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidOptionError(option, input, allowed);
  const d = input as Record<string, unknown>;
  const strategy = d.strategy;
  if (typeof strategy !== 'string' || !(DEPLOYMENT_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new InvalidOptionError(`${option}.strategy`, strategy, `one of ${DEPLOYMENT_STRATEGIES.map((s) => `"${s}"`).join(', ')}`);
  }
  const name = strategy as DeploymentStrategyName;
  for (const [key, value] of Object.entries(d)) {
    if (value === undefined) continue;
    const owners = FIELDS[key];
    if (!owners) throw new InvalidOptionError(`${option}.${key}`, value, `one of the deployment's fields: ${Object.keys(FIELDS).join(', ')}`);
    if (!owners.includes(name)) {
      throw new InvalidOptionError(`${option}.${key}`, value, `no ${key} for strategy "${name}" (it belongs to ${owners.map((o) => `"${o}"`).join(', ')})`);
    }
  }
  if (name === 'rolling') return { strategy: name, bakeTimeMinutes: 0, waitMinutes: 0, rolloutTimeoutMinutes: ROLLING_TIMEOUT_MINUTES };

  const minutes = (key: string, fallback: number) => wholeMinutes(`${option}.${key}`, d[key], fallback);
  const bakeTimeMinutes = minutes('bakeTimeMinutes', DEPLOYMENT_DEFAULTS.bakeTimeMinutes);
  let settings: Omit<DeploymentSettings, 'waitMinutes' | 'rolloutTimeoutMinutes'> = { strategy: name, bakeTimeMinutes };
  let steps = 0;
  if (name === 'canary') {
    const canaryBakeTimeMinutes = minutes('canaryBakeTimeMinutes', DEPLOYMENT_DEFAULTS.canaryBakeTimeMinutes);
    settings = { ...settings, canaryPercent: percent(`${option}.canaryPercent`, d.canaryPercent, DEPLOYMENT_DEFAULTS.canaryPercent, 0.5, 99.5), canaryBakeTimeMinutes };
    steps = canaryBakeTimeMinutes;
  }
  if (name === 'linear') {
    const linearStepPercent = percent(`${option}.linearStepPercent`, d.linearStepPercent, DEPLOYMENT_DEFAULTS.linearStepPercent, 3, 100);
    const linearStepBakeTimeMinutes = minutes('linearStepBakeTimeMinutes', DEPLOYMENT_DEFAULTS.linearStepBakeTimeMinutes);
    settings = { ...settings, linearStepPercent, linearStepBakeTimeMinutes };
    // One wait per step, counted generously: the last step may be shorter.
    steps = Math.ceil(100 / linearStepPercent) * linearStepBakeTimeMinutes;
  }
  const waitMinutes = bakeTimeMinutes + steps;
  if (waitMinutes > MAX_WAIT) {
    throw new InvalidOptionError(option, input,
      `a bake time and canary or linear waits of at most ${MAX_WAIT} minutes in all, not ${waitMinutes} (linear counts one wait per step): the pipeline's ECS deploy action waits at most ${ROLLOUT_ACTION_MAX_MINUTES} minutes, ${DEPLOYMENT_OVERHEAD_MINUTES} of them for starting and checking the new tasks`);
  }
  return { ...settings, waitMinutes, rolloutTimeoutMinutes: ROLLOUT_ACTION_MAX_MINUTES };
}

function wholeMinutes(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WAIT) {
    throw new InvalidOptionError(option, value, `a whole number of minutes from 0 to ${MAX_WAIT}`);
  }
  return value;
}

function percent(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  // ECS takes steps of 0.1, and CloudFormation's schema says "multipleOf 0.1"; but schema
  // validators (cfn-lint among them) test that by floating-point division, which refuses 0.3 and a
  // third of the other tenths. Every half passes it.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || !Number.isInteger(value * 2)) {
    throw new InvalidOptionError(option, value, `a percentage from ${min} to ${max} in steps of 0.5`);
  }
  return value;
}
