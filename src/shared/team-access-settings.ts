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

/** How many environments one of the team's policies in the pipeline's stack covers. */
export const ENVIRONMENTS_PER_TEAM_POLICY = 3;

/** One of the team's policies in the pipeline's stack. */
export interface TeamPolicyPart<E> {
  /** 1 for the first policy, then 2, 3... */
  readonly number: number;
  /** The policy's name: `<service>-team-access`, then `-2`, `-3`... */
  readonly policyName: string;
  /** The stack output with its ARN. */
  readonly output: string;
  /** The environments whose access it grants. */
  readonly environments: E[];
}

/**
 * The team's policies in the pipeline's stack, three environments to a policy: the first policy
 * has the delivery tools and the first three environments, each further one the next three. A
 * policy is numbered by its place (`-2` for the fourth to sixth environment), so that adding an
 * environment renames none; a further policy whose environments all run in other accounts and
 * wait for no approval would grant nothing, and is left out with its number.
 */
export function teamPolicyParts<E extends { readonly account?: string; readonly requireApproval: boolean }>(
  teamAccess: TeamAccessSettings, environments: readonly E[], pipelineAccount: string | undefined): Array<TeamPolicyPart<E>> {
  const parts: Array<TeamPolicyPart<E>> = [];
  for (let i = 0; i < Math.max(environments.length, 1); i += ENVIRONMENTS_PER_TEAM_POLICY) {
    const part = environments.slice(i, i + ENVIRONMENTS_PER_TEAM_POLICY);
    const number = i / ENVIRONMENTS_PER_TEAM_POLICY + 1;
    const grantsSomething = part.some((e) => e.requireApproval || e.account === undefined || e.account === pipelineAccount);
    if (number === 1 || grantsSomething) {
      parts.push({
        number,
        policyName: number === 1 ? teamAccess.policyName : `${teamAccess.policyName}-${number}`,
        output: number === 1 ? 'TeamAccessPolicyArn' : `TeamAccessPolicy${number}Arn`,
        environments: part,
      });
    }
  }
  return parts;
}
