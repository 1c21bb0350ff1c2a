import { NetworkSettings, resolveNetwork } from './network-settings';
import { InvalidOptionError } from './service-settings';

/**
 * How far the stacks go to pass AWS Control Tower's proactive controls: `standard` is the low-cost
 * shape; `strict` adds customer-managed KMS keys, private tasks behind NAT and a build without
 * privileged mode.
 */
export type Compliance = 'standard' | 'strict';

/** The profile when the options set none. */
export const DEFAULT_COMPLIANCE: Compliance = 'standard';

const COMPLIANCE: readonly Compliance[] = ['standard', 'strict'];

/** Validates a `compliance` option (`option` names it: `compliance` or `environments[i].compliance`). */
export function resolveCompliance(option: string, value: unknown, fallback: Compliance): Compliance {
  if (value === undefined) return fallback;
  if (!COMPLIANCE.includes(value as Compliance)) {
    throw new InvalidOptionError(option, value, `one of ${COMPLIANCE.map((c) => `"${c}"`).join(', ')}`);
  }
  return value as Compliance;
}

/**
 * A `network` option as `strict` reads it: one that names no task subnets means private ones, so
 * that its `natGateways` is accepted.
 */
export function strictNetwork(network: unknown, compliance: Compliance): unknown {
  const isObject = typeof network === 'object' && network !== null && !Array.isArray(network);
  if (compliance !== 'strict' || !isObject || (network as Record<string, unknown>).taskSubnets !== undefined) return network;
  return { ...network, taskSubnets: 'private' };
}

/** An environment as far as its compliance profile concerns it. */
interface ComplianceEnvironment {
  readonly region?: string;
  readonly network: NetworkSettings;
}

/**
 * Each environment's profile (its own `compliance`, else the service's) and, under `strict`, its
 * network with the tasks in private subnets: a network option that names public task subnets is
 * refused, one that names none gets private subnets (with one NAT gateway unless it says otherwise).
 */
export function applyCompliance<T extends ComplianceEnvironment>(
  input: { network?: unknown; environments?: unknown; pipelineRegion?: string },
  service: Compliance, environments: T[],
): Array<T & { compliance: Compliance }> {
  const given = Array.isArray(input.environments) ? input.environments as Array<Record<string, unknown>> : [];
  return environments.map((environment, i) => {
    const own = given[i]?.network;
    const option = own === undefined ? 'network' : `environments[${i}].network`;
    const compliance = resolveCompliance(`environments[${i}].compliance`, given[i]?.compliance, service);
    if (compliance !== 'strict' || environment.network.taskSubnets === 'private') return { ...environment, compliance };
    const network = (own ?? input.network ?? {}) as Record<string, unknown>;
    if (network.taskSubnets !== undefined) {
      throw new InvalidOptionError(`${option}.taskSubnets`, network.taskSubnets,
        '"private" (or none) when the environment\'s compliance is "strict": strict runs the tasks without public IP addresses');
    }
    const privateNetwork = resolveNetwork(option, { ...network, taskSubnets: 'private' }, environment.region ?? input.pipelineRegion);
    return { ...environment, network: privateNetwork, compliance };
  });
}
