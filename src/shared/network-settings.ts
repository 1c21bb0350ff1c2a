import { RegionInfo } from 'aws-cdk-lib/region-info';
import { NetworkOptions } from './service-options';
import { InvalidOptionError } from './service-settings';

/** Where the tasks run: public subnets with public IP addresses, or private subnets behind NAT. */
export type TaskSubnets = 'public' | 'private';

/** An existing VPC, validated. */
export interface ExistingVpcSettings {
  readonly vpcId: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds?: string[];
}

/** The network of an environment, validated, with the defaults applied. */
export interface NetworkSettings {
  readonly taskSubnets: TaskSubnets;
  /** NAT gateways that the stack creates: none for public tasks or an existing VPC, else 1 or one per zone. */
  readonly natGateways: number;
  /** The existing VPC; absent when the stack creates one. */
  readonly vpc?: ExistingVpcSettings;
  /** Availability Zones that the load balancer and the tasks use. */
  readonly zoneCount: number;
}

/** Availability Zones of the VPC that an environment's stack creates. */
export const CREATED_VPC_ZONES = 2;

/** The network when the options set none: public tasks in a VPC of the stack's own, no NAT. */
export const DEFAULT_NETWORK: NetworkSettings = { taskSubnets: 'public', natGateways: 0, zoneCount: CREATED_VPC_ZONES };

const NETWORK_KEYS = ['taskSubnets', 'natGateways', 'vpc'];
const VPC_KEYS = ['vpcId', 'availabilityZones', 'publicSubnetIds', 'privateSubnetIds'];
const TASK_SUBNETS: readonly TaskSubnets[] = ['public', 'private'];
const NAT_GATEWAYS: Record<string, number> = { 'one': 1, 'per-zone': CREATED_VPC_ZONES };
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ZONE = /^([a-z]{2}(-[a-z]+)+-[0-9]+)[a-z]$/;
const MAX_ZONES = 6;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(option: string, value: Record<string, unknown>, keys: string[], what: string): void {
  const unknownKey = Object.keys(value).find((k) => !keys.includes(k) && value[k] !== undefined);
  if (unknownKey) throw new InvalidOptionError(`${option}.${unknownKey}`, value[unknownKey], `one of the fields of ${what}: ${keys.join(', ')}`);
}

/**
 * Validates a `network` option (`option` names it: `network` or `environments[i].network`);
 * `region` is the environment's region when the options name one, which its zones must be in.
 */
export function resolveNetwork(option: string, value: unknown, region: string | undefined): NetworkSettings {
  if (value === undefined) return DEFAULT_NETWORK;
  if (!isObject(value)) throw new InvalidOptionError(option, value, 'an object { taskSubnets?, natGateways?, vpc? }');
  rejectUnknownKeys(option, value, NETWORK_KEYS, 'a network');
  const taskSubnets = value.taskSubnets === undefined ? 'public' : value.taskSubnets;
  if (!TASK_SUBNETS.includes(taskSubnets as TaskSubnets)) {
    throw new InvalidOptionError(`${option}.taskSubnets`, value.taskSubnets, `one of ${TASK_SUBNETS.map((t) => `"${t}"`).join(', ')}`);
  }
  const vpc = value.vpc === undefined ? undefined : existingVpc(`${option}.vpc`, value.vpc, region, taskSubnets as TaskSubnets);
  if (value.natGateways !== undefined) {
    if (typeof value.natGateways !== 'string' || !Object.keys(NAT_GATEWAYS).includes(value.natGateways)) {
      throw new InvalidOptionError(`${option}.natGateways`, value.natGateways, `one of ${Object.keys(NAT_GATEWAYS).map((n) => `"${n}"`).join(', ')}`);
    }
    if (taskSubnets !== 'private' || vpc !== undefined) {
      throw new InvalidOptionError(`${option}.natGateways`, value.natGateways,
        'no NAT gateways unless taskSubnets is "private" in the VPC that the stack creates (an existing vpc routes its private subnets itself)');
    }
  }
  const natGateways = taskSubnets === 'private' && vpc === undefined ? NAT_GATEWAYS[(value.natGateways as string | undefined) ?? 'one'] : 0;
  return {
    taskSubnets: taskSubnets as TaskSubnets,
    natGateways,
    ...(vpc ? { vpc } : {}),
    zoneCount: vpc?.availabilityZones.length ?? CREATED_VPC_ZONES,
  };
}

function existingVpc(option: string, value: unknown, region: string | undefined, taskSubnets: TaskSubnets): ExistingVpcSettings {
  if (!isObject(value)) throw new InvalidOptionError(option, value, 'an object { vpcId, availabilityZones, publicSubnetIds, privateSubnetIds? }');
  rejectUnknownKeys(option, value, VPC_KEYS, 'an existing VPC');
  if (typeof value.vpcId !== 'string' || !VPC_ID.test(value.vpcId)) {
    throw new InvalidOptionError(`${option}.vpcId`, value.vpcId, 'the ID of a VPC: "vpc-" and 8 or 17 lowercase hexadecimal digits');
  }
  const zones = value.availabilityZones;
  const zonesAllowed = `a list of 2 to ${MAX_ZONES} different Availability Zones of ${region === undefined ? 'one region' : `the environment's region ${region}`}, for example ["eu-west-1a", "eu-west-1b"]`;
  if (!Array.isArray(zones) || zones.length < 2 || zones.length > MAX_ZONES || new Set(zones).size !== zones.length) {
    throw new InvalidOptionError(`${option}.availabilityZones`, zones, zonesAllowed);
  }
  const known = RegionInfo.regions.map((r) => r.name);
  zones.forEach((zone: unknown, i) => {
    const zoneRegion = typeof zone === 'string' ? ZONE.exec(zone)?.[1] : undefined;
    if (zoneRegion === undefined || !known.includes(zoneRegion) || zoneRegion !== (region ?? ZONE.exec(zones[0])?.[1])) {
      throw new InvalidOptionError(`${option}.availabilityZones[${i}]`, zone, zonesAllowed);
    }
  });
  const subnets = (field: string, list: unknown): string[] => {
    if (!Array.isArray(list) || list.length !== zones.length) {
      throw new InvalidOptionError(`${option}.${field}`, list, `a list of ${zones.length} subnet IDs: one per Availability Zone, in the order of availabilityZones`);
    }
    list.forEach((id: unknown, i) => {
      if (typeof id !== 'string' || !SUBNET_ID.test(id)) {
        throw new InvalidOptionError(`${option}.${field}[${i}]`, id, 'the ID of a subnet: "subnet-" and 8 or 17 lowercase hexadecimal digits');
      }
    });
    if (new Set(list).size !== list.length) throw new InvalidOptionError(`${option}.${field}`, list, 'a list of different subnet IDs');
    return list as string[];
  };
  const publicSubnetIds = subnets('publicSubnetIds', value.publicSubnetIds);
  if (value.privateSubnetIds === undefined && taskSubnets === 'private') {
    throw new InvalidOptionError(`${option}.privateSubnetIds`, undefined, `a list of ${zones.length} subnet IDs when taskSubnets is "private": the tasks run there`);
  }
  const privateSubnetIds = value.privateSubnetIds === undefined ? undefined : subnets('privateSubnetIds', value.privateSubnetIds);
  const shared = privateSubnetIds?.find((id) => publicSubnetIds.includes(id));
  if (shared !== undefined) {
    throw new InvalidOptionError(`${option}.privateSubnetIds`, value.privateSubnetIds, `subnets that are not public too (${shared} is in publicSubnetIds)`);
  }
  return { vpcId: value.vpcId, availabilityZones: zones as string[], publicSubnetIds, ...(privateSubnetIds ? { privateSubnetIds } : {}) };
}

/**
 * `network` as `.projenrc.ts` gave it, with its fields in the order `NetworkOptions` declares them
 * (jsii hands a struct from Python or Java over in its own order; the same options must render
 * the same file).
 */
export function networkOptionsInOrder(network: NetworkOptions | undefined): NetworkOptions | undefined {
  if (network === undefined) return undefined;
  const vpc = network.vpc;
  return {
    taskSubnets: network.taskSubnets,
    natGateways: network.natGateways,
    vpc: vpc && {
      vpcId: vpc.vpcId,
      availabilityZones: vpc.availabilityZones,
      publicSubnetIds: vpc.publicSubnetIds,
      privateSubnetIds: vpc.privateSubnetIds,
    },
  };
}
