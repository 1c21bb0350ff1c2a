import { InvalidOptionError } from './service-settings';

/** `teamAccess`, validated, with the physical names that it creates. */
export interface TeamAccessSettings {
  /** Whether an IAM group with the policy is created. */
  readonly group: boolean;
  /** Name of the customer managed policy in the pipeline's stack. */
  readonly policyName: string;
  /** Name of the IAM group, when `group` is true. */
  readonly groupName: string;
}

const KEYS = ['group'];

/** The name of the team's policy in an environment's stack (`<service>-<environment>-team-access`). */
export function environmentTeamPolicyName(stackName: string): string {
  return `${stackName}-team-access`;
}

/** Validates `teamAccess`; the names derive from the service's name, which IAM accepts as it is. */
export function resolveTeamAccess(input: unknown, serviceName: string): TeamAccessSettings {
  const names = { policyName: `${serviceName}-team-access`, groupName: `${serviceName}-team` };
  if (input === undefined) return { group: false, ...names };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError('teamAccess', input, 'an object { group? }');
  }
  const given = input as Record<string, unknown>;
  const unknownKey = Object.keys(given).find((k) => !KEYS.includes(k) && given[k] !== undefined);
  if (unknownKey) throw new InvalidOptionError(`teamAccess.${unknownKey}`, given[unknownKey], `one of ${KEYS.join(', ')}`);
  if (given.group !== undefined && typeof given.group !== 'boolean') {
    throw new InvalidOptionError('teamAccess.group', given.group, 'true or false');
  }
  return { group: given.group === true, ...names };
}
